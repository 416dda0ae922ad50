import Foundation
import Testing
import TocsinCore

/// Silences and maintenance windows on the escalation clock (SPEC §14), on a manual clock.
@Suite("Silences and maintenance windows")
struct SilenceTests {
    static let text = """
        set timezone Asia/Shanghai
        set storm-window 0s
        contact lead mail lead@example.com
        contact boss mail boss@example.com
        rule fault
          match kind=fault
          after 30m notify lead
          after 60m notify boss
        """

    static func silence(_ words: [String], from: Timestamp, for length: RuleDuration) -> Silence {
        guard case .success(let matchers) = RuleCompiler.matchers(words) else { fatalError("bad matchers \(words)") }
        return Silence(number: 0, matchers: matchers, matchWords: words, from: from, until: from + length, reason: "test", by: "ops", created: from)
    }

    @Test("no step fires inside a silence; after it, the steps fire shifted by the time held")
    func shifted() throws {
        var h = EngineHarness(Self.text)
        h.submit("kind=fault id=f-1")
        h.advance(by: .minutes(10))
        let (silence, actions) = h.engine.addSilence(Self.silence(["kind=fault"], from: h.now, for: .minutes(60)), now: h.now)
        h.collect(actions)
        #expect(silence.number == 1)
        #expect(h.engine.holder(of: IncidentNumber(1), at: h.now) == .silence(1, until: h.now + .minutes(60)))
        let repeated = h.submit("kind=fault id=f-1")
        #expect(try repeated.get().holder == .silence(1, until: h.now + .minutes(60)))  // a repeat's receipt names the silence
        h.advance(by: .minutes(79) + .seconds(59))  // 89:59 after the start
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        #expect(h.drain() == ["+1h30m lead step"])
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+2h boss step"])
    }

    @Test("an incident that begins inside a silence counts from its end; an unmatched one is not held")
    func beganInside() {
        var h = EngineHarness(Self.text)
        h.collect(h.engine.addSilence(Self.silence(["kind=fault", "system=atm"], from: h.now, for: .minutes(20)), now: h.now).1)
        h.submit("kind=fault system=atm id=a-1")
        h.submit("kind=fault system=core id=c-1")
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+30m lead step"])  // c-1's
        h.advance(by: .minutes(20))
        #expect(h.drain() == ["+50m lead step"])  // a-1's: 20 held + 30
    }

    @Test("resolved inside a silence: 'recovered' goes only to those told before it (Icinga 2 #7977)")
    func recoveredOnlyToThoseTold() {
        var h = EngineHarness(Self.text)
        h.submit("kind=fault id=f-1")
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+30m lead step"])
        h.collect(h.engine.addSilence(Self.silence(["id=f-1"], from: h.now, for: .hours(2)), now: h.now).1)
        h.advance(by: .minutes(45))
        h.submit("action=resolve id=f-1 cause=fixed")
        h.advance(by: .minutes(1))
        #expect(h.drain() == ["+1h15m lead recovered"])
    }

    @Test("a silence expired early lets the steps go on from then (Alertmanager #2896)")
    func expiredEarly() {
        var h = EngineHarness(Self.text)
        h.submit("kind=fault id=f-1")
        h.collect(h.engine.addSilence(Self.silence(["kind=fault"], from: h.now + .minutes(10), for: .hours(4)), now: h.now).1)
        h.advance(by: .minutes(40))
        #expect(h.drain().isEmpty)
        let actions = h.engine.expireSilence(1, by: "ops", now: h.now)
        #expect(actions != nil)
        h.collect(actions ?? [])
        // Held 10..40: lead at 30 + 30 = 60, boss at 90.
        h.advance(by: .minutes(20))
        #expect(h.drain() == ["+1h lead step"])
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+1h30m boss step"])
        #expect(h.engine.expireSilence(1, by: "ops", now: h.now) == nil)
    }

    @Test("restart: a snapshot with the silence gives the same deadline")
    func restart() {
        let rules = Rules.compile(Self.text)
        let start = EngineHarness.morning
        var engine = EscalationEngine(rules: rules, now: start)
        _ = engine.receive(try! EventParser.parse("kind=fault id=f-1", now: start), now: start)
        let (silence, _) = engine.addSilence(Self.silence(["kind=fault"], from: start + .minutes(5), for: .minutes(15)), now: start)
        let before = engine.nextWake
        var snapshot = EngineSnapshot()
        snapshot.add(engine.incident(id: "f-1")!)
        snapshot.rulesFingerprint = rules.fingerprint
        snapshot.silences = [silence]
        snapshot.nextNumber = 2
        let restored = EscalationEngine(rules: rules, snapshot: snapshot, now: start + .minutes(1))
        #expect(before == start + .minutes(20))  // the silence's end: a journal entry
        #expect(restored.nextWake == before)
        #expect(restored.incident(id: "f-1").map { _ in true } == true)
    }

    static let windows = """
        set timezone Asia/Shanghai
        set storm-window 0s
        contact lead mail lead@example.com
        maintenance midnight daily 23:59:58-00:00:03 match kind=fault
        maintenance upgrade 2026-12-12 22:00..2026-12-13 04:00 match kind=fault system=core
        rule fault
          match kind=fault
          after 2s notify lead
        """

    @Test("a window from 23:59:58 to 00:00:03 is one window (Icinga 2 #6579)", arguments: ["23:59:59", "00:00:01"])
    func acrossMidnight(opened: String) {
        let day = opened.hasPrefix("23") ? "2026-12-04" : "2026-12-05"
        let start = RFC3339.parse("\(day)T\(opened)+08:00")!
        var h = EngineHarness(Self.windows, start: start)
        h.submit("kind=fault id=f-1")
        #expect(h.engine.holder(of: IncidentNumber(1), at: start) == .window("midnight", until: RFC3339.parse("2026-12-05T00:00:03+08:00")!))
        h.advance(to: RFC3339.parse("2026-12-05T00:00:04.999+08:00")!)
        #expect(h.drain().isEmpty)
        h.advance(to: RFC3339.parse("2026-12-05T00:00:05+08:00")!)
        #expect(h.stepsFired.map(\.deadline) == [RFC3339.parse("2026-12-05T00:00:05+08:00")!])
    }

    @Test("a dated window holds its faults; one that outlasts it escalates after; a reload that drops it applies at once")
    func datedWindowAndReload() {
        let start = RFC3339.parse("2026-12-12T23:00:00+08:00")!
        var h = EngineHarness(Self.windows, start: start)
        h.submit("kind=fault system=core id=core-1")
        h.submit("kind=fault system=atm id=atm-1")
        h.advance(by: .seconds(2))
        #expect(h.drain(since: start) == ["+2s lead step"])  // atm-1 is not in the upgrade window
        h.advance(by: .hours(1))
        #expect(h.drain(since: start).isEmpty)
        let without = Rules.compile(Self.windows.replacingOccurrences(of: "maintenance upgrade", with: "# maintenance upgrade"))
        let reloadedAt = h.now
        h.collect(h.engine.reload(without, now: h.now))
        // Holds are derived from the rules in force: with the window gone, core-1 is no
        // longer held, and its overdue step fires at the reload.
        #expect(h.stepsFired.count == 2)
        #expect(h.sent.last?.created == reloadedAt)
    }

    @Test("check: maintenance diagnostics, exactly")
    func diagnostics() {
        let text = """
            maintenance a daily 25:00-02:00 match kind=fault
            maintenance b sun 00:00-06:00
            maintenance c 2026-12-13 04:00..2026-12-12 22:00 match kind=fault
            maintenance d moon 00:00-01:00 match kind=fault
            maintenance e daily 01:00-01:00 match kind=fault
            maintenance e daily 01:00-02:00 match kind=fault
            """
        let rendered = RuleCompiler.compile(text, name: "m.rules").renderedDiagnostics()
        for expected in [
            "m.rules:1:21: error: bad maintenance hours '25:00-02:00': write HH:MM-HH:MM (or HH:MM:SS), e.g. 01:00-02:30",
            "m.rules:2:1: error: 'maintenance b' needs 'match MATCHER...' after its schedule, e.g. match kind=fault",
            "m.rules:3:15: error: maintenance range ends before it begins: 2026-12-13 04:00..2026-12-12 22:00",
            "m.rules:4:15: error: unknown day 'moon' (did you mean 'mon'?)",
            "m.rules:5:21: error: maintenance hours '01:00-01:00' start and end at the same time",
            "m.rules:6:13: error: maintenance window 'e' is defined twice",
        ] {
            #expect(rendered.contains(expected), "\(expected)\n\(rendered)")
        }
    }
}
