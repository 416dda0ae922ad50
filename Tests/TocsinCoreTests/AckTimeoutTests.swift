import Foundation
import Testing
import TocsinCore

/// Acknowledgement timeouts (SPEC §16) on the held clock, on a manual clock.
@Suite("Ack timeouts")
struct AckTimeoutTests {
    static let text = """
        set storm-window 0s
        contact lead mail lead@example.com
        contact boss mail boss@example.com
        rule urgent
          match kind=complaint
          after 0m notify lead
          after 30m notify boss
          stop on ack
          ack-timeout 1h
        """

    @Test("an expired ack sends 'ack expired' to the one who acked and the last step's contacts, and the steps resume shifted (Icinga 2 #8387, #10245)")
    func expires() throws {
        var h = EngineHarness(Self.text)
        h.submit("kind=complaint id=c-1 summary=客户投诉")
        #expect(h.drain() == ["+0m lead step"])
        h.advance(by: .minutes(10))
        h.submit("action=ack id=c-1 by=lead")
        h.advance(by: .minutes(59) + .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        let expired = try #require(h.sent.first)
        #expect(h.drain() == ["+1h10m lead ack-expired"])
        #expect(expired.subject == "[Tocsin #1] ACK EXPIRED, still not recovered (acked by lead): 客户投诉")
        #expect(h.engine.incident(id: "c-1")?.state == .open)
        // Held 10..70: boss's 30-minute step falls due at 90.
        h.advance(by: .minutes(19) + .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        #expect(h.drain() == ["+1h30m boss step"])
    }

    @Test("ack --for is shorter than the rule's ack-timeout, never longer")
    func askedLength() {
        var h = EngineHarness(Self.text)
        h.submit("kind=complaint id=c-1")
        h.submit("action=ack id=c-1 by=zhang for=20m")
        h.advance(by: .minutes(20))
        #expect(h.drain() == ["+0m lead step", "+20m lead ack-expired"])  // zhang is no contact: the last step's lead is told
        var long = EngineHarness(Self.text)
        long.submit("kind=complaint id=c-2")
        long.submit("action=ack id=c-2 by=lead for=5h")
        long.advance(by: .minutes(61))
        #expect(long.drain() == ["+0m lead step", "+1h lead ack-expired"])
    }

    @Test("without ack-timeout an ack stops the steps for good; resolved while acked nothing expires")
    func noTimeout() {
        var h = EngineHarness(Self.text.replacingOccurrences(of: "\n  ack-timeout 1h", with: ""))
        h.submit("kind=complaint id=c-1")
        h.submit("action=ack id=c-1 by=lead")
        h.advance(by: .hours(5))
        #expect(h.drain() == ["+0m lead step"])
        var r = EngineHarness(Self.text)
        r.submit("kind=complaint id=c-2")
        r.submit("action=ack id=c-2 by=lead")
        r.advance(by: .minutes(30))
        r.submit("action=resolve id=c-2")
        r.advance(by: .hours(2))
        #expect(r.drain() == ["+0m lead step", "+30m lead recovered"])
    }

    @Test("a restart from the store's holds expires the ack at the same instant")
    func restart() {
        let rules = Rules.compile(Self.text)
        let start = EngineHarness.morning
        var engine = EscalationEngine(rules: rules, now: start)
        _ = engine.receive(try! EventParser.parse("kind=complaint id=c-1", now: start), now: start)
        _ = engine.tick(now: start)
        guard case .success(let (_, actions)) = engine.receive(try! EventParser.parse("action=ack id=c-1 by=lead", now: start), now: start) else {
            Issue.record("ack refused")
            return
        }
        let holds = actions.compactMap { if case .holdRecorded(_, let hold) = $0 { hold } else { nil } }
        #expect(holds == [RecordedHold(cause: .ack, interval: HeldInterval(from: start, until: start + .hours(1)))])
        var snapshot = EngineSnapshot()
        snapshot.add(engine.incident(id: "c-1")!)
        snapshot.recordedHolds = [IncidentNumber(1): holds]
        snapshot.nextNumber = 2
        let restored = EscalationEngine(rules: rules, snapshot: snapshot, now: start + .minutes(5))
        #expect(restored.nextWake == start + .hours(1))
    }

    @Test("check: ack-timeout without stop on ack is a warning; depends on a rule's own kind is an error; a cycle is an error")
    func diagnostics() {
        let text = """
            contact a mail a@example.com
            rule one
              match kind=fault system=core
              after 1m notify a
              ack-timeout 1h
            rule loop
              match kind=fault system=atm
              depends on kind=fault system=atm
              after 1m notify a
            rule left
              match kind=fault system=left
              depends on system=right
              after 1m notify a
            rule right
              match kind=fault system=right
              depends on system=left
              after 1m notify a
            """
        let rendered = RuleCompiler.compile(text, name: "d.rules").renderedDiagnostics()
        for expected in [
            "d.rules:5:3: warning: 'ack-timeout' has no effect without 'stop on ack': an ack does not stop this rule's steps",
            "d.rules:8:3: error: rule 'loop' depends on itself: its own incidents match its 'depends on', so they would hold each other",
            "d.rules:12:3: error: rules depend on each other in a cycle: left → right → left; their incidents would wait for ever",
        ] {
            #expect(rendered.contains(expected), "\(expected)\n\(rendered)")
        }
    }
}
