import Foundation
import Testing
import TocsinCore

/// Heartbeats (SPEC §19), on a manual clock.
@Suite("Heartbeats")
struct HeartbeatTests {
    static let text = """
        set timezone Asia/Shanghai
        set storm-window 0s
        contact lead mail lead@example.com
        contact boss mail boss@example.com
        workhours mon-fri 08:30-12:00 13:30-17:30
        expect patrol
          match kind=patrol
          every 30m grace 5m
          after 0m notify lead
          after 30m notify boss
        """

    @Test("a missed beat opens one incident that escalates; the next beat resolves it")
    func missed() throws {
        var h = EngineHarness(Self.text)
        h.submit("kind=patrol id=p-1")
        h.advance(by: .minutes(34) + .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        #expect(h.drain() == ["+35m lead step"])
        let missed = try #require(h.engine.incident(id: "expect:patrol"))
        #expect(missed.kind == "missed" && missed.rule?.rawValue == "expect:patrol")
        #expect(missed.summary == "missed heartbeat: no patrol event for 35m")
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+1h5m boss step"])
        #expect(h.engine.openIncidents.filter { $0.kind == "missed" }.count == 1)
        h.submit("kind=patrol id=p-1")
        #expect(h.engine.incident(id: "expect:patrol") == nil)
        h.advance(by: .minutes(1))
        #expect(h.drain() == ["+2h35m lead recovered", "+2h35m boss recovered"])
    }

    @Test("down for an hour with a beat missed: exactly one incident at start", arguments: [1, 24])
    func downtime(hours: Int64) {
        let rules = Rules.compile(Self.text)
        let start = EngineHarness.morning
        var snapshot = EngineSnapshot()
        snapshot.lastBeats = ["patrol": start]
        var engine = EscalationEngine(rules: rules, snapshot: snapshot, now: start + .hours(hours))
        var opened = 0
        for minute in stride(from: Int64(0), through: 120, by: 1) {
            for case .opened(let incident) in engine.tick(now: start + .hours(hours) + .minutes(minute)) where incident.kind == "missed" {
                opened += 1
                #expect(incident.began == start + .minutes(35))  // when the beat was missed
            }
        }
        #expect(opened == 1)
    }

    @Test("during workhours: a beat at Friday 17:20 is next missed on Monday at 08:55, not over the weekend")
    func workingHours() {
        let text = Self.text.replacingOccurrences(of: "every 30m grace 5m", with: "every 30m grace 5m during workhours")
        let friday = RFC3339.parse("2026-12-04T17:20:00+08:00")!
        var h = EngineHarness(text, start: friday)
        h.submit("kind=patrol id=p-1")
        h.advance(to: RFC3339.parse("2026-12-07T08:54:59+08:00")!)
        #expect(h.drain(since: friday).isEmpty)
        h.advance(to: RFC3339.parse("2026-12-07T08:55:00+08:00")!)
        #expect(h.drain(since: friday) == ["+2d15h35m lead step"])
    }

    @Test("check: an expect without every, a bad every, every in a rule")
    func diagnostics() {
        let text = """
            contact a mail a@example.com
            expect one
              match kind=patrol
              after 0m notify a
            expect two
              match kind=patrol
              every 30m grace
              after 0m notify a
            rule r
              match kind=x
              every 30m
              after 0m notify a
            """
        let rendered = RuleCompiler.compile(text, name: "e.rules").renderedDiagnostics()
        for expected in [
            "e.rules:2:8: error: expect 'one' has no 'every' line: write every DURATION [grace DURATION] [during workhours], e.g. every 30m",
            "e.rules:7:13: error: 'grace' needs a duration, e.g. grace 5m",
            "e.rules:11:3: error: 'every' belongs in an 'expect' block (a heartbeat), not in a rule",
        ] {
            #expect(rendered.contains(expected), "\(expected)\n\(rendered)")
        }
    }
}
