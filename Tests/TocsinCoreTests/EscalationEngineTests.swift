import Foundation
import Testing
import TocsinCore

private let twoStepRules = """
    set storm-window 0s
    contact a mail a@example.org
    contact b mail b@example.org
    contact c mail c@example.org
    rule minor
      match kind=fault severity>=3
      after 15m notify a
      after 30m notify b
    rule major
      match kind=fault severity<=2
      after 30m notify a
      after 60m notify b
    rule paged
      match kind=page
      after 0m notify a
      after 10m notify b
      repeat 10m max 2
      stop on ack
    """

@Suite("Escalation engine (SPEC §7)")
struct EscalationEngineTests {
    @Test("a second open with the same id is counted, with no new timers")
    func dedup() {
        var h = EngineHarness(twoStepRules)
        let first = try! h.submit("kind=fault severity=2 id=x").get()
        h.advance(by: .minutes(20))
        let second = try! h.submit("kind=fault severity=2 id=x summary=again").get()
        #expect(first.incident == second.incident)
        #expect(second.isNew == false)
        #expect(h.engine.incident(id: "x")?.count == 2)
        #expect(h.engine.incident(id: "x")?.summary == "again")
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+30m a step", "+1h b step"])
    }

    @Test("an incident reported again and again keeps one timer, and its steps fire once")
    func dedupKeepsOneTimer() {
        var h = EngineHarness(twoStepRules)
        for _ in 0..<1_000 { _ = try! h.submit("kind=fault severity=2 id=x").get() }
        _ = try! h.submit("kind=fault severity=4 id=y").get()
        #expect(h.engine.timerCount == 2)
        h.advance(by: .minutes(40))
        for _ in 0..<100 { _ = try! h.submit("kind=fault severity=2 id=x").get() }
        #expect(h.engine.timerCount == 1)  // y has fired both its steps
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+15m a step", "+30m a step", "+30m b step", "+1h b step"])
        #expect(h.engine.timerCount == 0)
    }

    @Test("an open with no id gets one made up, returned in the receipt")
    func madeUpID() {
        var h = EngineHarness(twoStepRules)
        let receipt = try! h.submit("kind=fault severity=2").get()
        #expect(receipt.id == "auto-\(receipt.incident)")
        #expect(h.engine.incident(id: receipt.id) != nil)
    }

    @Test("an event whose at is long past gets its overdue steps at once, in order")
    func overdue() {
        var h = EngineHarness(twoStepRules)
        let past = h.now - .minutes(45)
        h.submit("kind=fault severity=2 id=x at=\(past.seconds)")
        #expect(h.drain() == ["+0m a step"])
        h.advance(by: .minutes(15))
        #expect(h.drain() == ["+15m b step"])
    }

    @Test("resolve stops the steps and tells everyone already told that it recovered")
    func resolveTellsTold() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.advance(by: .minutes(40))
        h.submit("action=resolve id=x cause=disk by=ops")
        h.advance(by: .hours(3))
        #expect(h.drain() == ["+30m a step", "+40m a recovered"])
        let resolved = h.actions.compactMap { if case .resolved(let i) = $0 { i } else { nil } }.first
        #expect(resolved?.cause == "disk")
        #expect(resolved?.resolvedBy == "ops")
        #expect(resolved?.resolvedAt == EngineHarness.morning + .minutes(40))
    }

    @Test("an open after resolve starts a new incident")
    func reopen() {
        var h = EngineHarness(twoStepRules)
        let first = try! h.submit("kind=fault severity=2 id=x").get()
        h.submit("action=resolve id=x")
        let second = try! h.submit("kind=fault severity=2 id=x").get()
        #expect(second.isNew)
        #expect(second.incident != first.incident)
    }

    @Test("an operator may name an open incident by its number: 'ack 1' or 'ack #1'")
    func byNumber() throws {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=core")
        #expect(try h.submit("action=ack id=#1").get().id == "core")
        #expect(try h.submit("action=resolve id=1").get().state == .resolved)
        guard case .failure = h.submit("action=note id=1") else {
            Issue.record("a resolved incident's number was accepted")
            return
        }
    }

    @Test("ack, resolve and note of an id with no open incident are errors")
    func unknownID() {
        var h = EngineHarness(twoStepRules)
        for action in ["ack", "resolve", "note"] {
            guard case .failure(let error) = h.submit("action=\(action) id=nope") else {
                Issue.record("\(action) accepted")
                continue
            }
            #expect(error.message == "cannot \(action) \"nope\": no open incident has that id")
        }
    }

    @Test("by default ack does not stop the steps; with 'stop on ack' it does")
    func ackSemantics() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.submit("action=ack id=x by=li")
        h.submit("kind=page id=p")
        h.submit("action=ack id=p")
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+0m a step", "+30m a step", "+1h b step"])
        #expect(h.engine.incident(id: "x")?.state == .acked)
    }

    @Test("repeat tells the last step's contacts again, at most max times")
    func repeats() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=page id=p")
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+0m a step", "+10m b step", "+20m b repeat", "+30m b repeat"])
    }

    @Test("repeats that fell due together (after downtime) are sent once")
    func repeatsCoalesce() {
        var h = EngineHarness(twoStepRules.replacingOccurrences(of: "max 2", with: ""))
        h.submit("kind=page id=p")
        h.collect(h.engine.tick(now: h.now + .minutes(10)))
        h.now = h.now + .minutes(55)
        h.collect(h.engine.tick(now: h.now))
        #expect(h.drain() == ["+0m a step", "+10m b step", "+55m b repeat"])
        #expect(h.stepsFired.last?.label == "repeat 4")
    }

    @Test("when fields now match another rule the incident moves: fired steps stay fired, overdue ones fire")
    func severityRaised() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=3 id=x")
        h.advance(by: .minutes(20))
        #expect(h.drain() == ["+15m a step"])
        h.submit("kind=fault severity=1 id=x")
        #expect(h.engine.incident(id: "x")?.rule == "major")
        h.advance(by: .hours(2))
        // Neither of major's steps was overdue at the move, so both fire on time: a hears
        // again that the (now level 1) fault is still not recovered at 30m.
        #expect(h.drain() == ["+30m a step", "+1h b step"])
    }

    @Test("moving to a rule whose overdue step names someone not yet told tells them at once")
    func severityLowered() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=1 id=x")
        h.advance(by: .minutes(20))
        h.submit("kind=fault severity=4 id=x")
        #expect(h.drain() == ["+20m a step"])
        h.advance(by: .minutes(10))
        #expect(h.drain() == ["+30m b step"])
    }

    @Test("each step fires once however often tick is called")
    func ticksAreIdempotent() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        for minute in stride(from: 0, through: 120, by: 1) {
            h.collect(h.engine.tick(now: EngineHarness.morning + .minutes(Int64(minute))))
            h.collect(h.engine.tick(now: EngineHarness.morning + .minutes(Int64(minute))))
        }
        #expect(h.drain() == ["+30m a step", "+1h b step"])
    }

    @Test("a wall-clock jump of an hour forward fires what fell due once; a jump back doubles nothing")
    func clockJumps() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.advance(by: .minutes(10))
        // The clock jumps an hour forward: both steps are due and fire once, in order.
        let forward = h.now + .hours(1)
        h.collect(h.engine.tick(now: forward))
        h.collect(h.engine.tick(now: forward))
        #expect(h.sent.map(\.step) == ["1", "2"])
        // And back again: nothing fires twice, nothing new fires.
        h.collect(h.engine.tick(now: EngineHarness.morning + .minutes(11)))
        h.collect(h.engine.tick(now: forward + .minutes(5)))
        #expect(h.sent.count == 2)
    }

    @Test("a clock jump back before a deadline delays the step rather than skipping it")
    func clockBack() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.collect(h.engine.tick(now: EngineHarness.morning + .minutes(20)))
        h.collect(h.engine.tick(now: EngineHarness.morning - .hours(1)))
        #expect(h.sent.isEmpty)
        h.collect(h.engine.tick(now: EngineHarness.morning + .minutes(30)))
        #expect(h.sent.map(\.step) == ["1"])
    }

    @Test("a reload applies new rules to open incidents; unchanged steps do not fire again")
    func reload() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.advance(by: .minutes(35))
        #expect(h.drain() == ["+30m a step"])
        let same = Rules.compile(twoStepRules)
        h.collect(h.engine.reload(same, now: h.now))
        #expect(h.drain().isEmpty)
        let faster = Rules.compile(twoStepRules.replacingOccurrences(of: "after 60m notify b", with: "after 40m notify b c"))
        h.collect(h.engine.reload(faster, now: h.now))
        h.advance(by: .minutes(5))
        #expect(h.drain() == ["+40m b step", "+40m c step"])
    }

    @Test("restoring from a snapshot keeps fired steps, and fires what fell due while down, once")
    func restore() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.advance(by: .minutes(35))
        #expect(h.drain() == ["+30m a step"])
        let snapshot = EngineSnapshot(
            incidents: h.engine.openIncidents, nextNumber: h.engine.nextIncidentNumber)
        // Down from +35m to +90m: the 60m step fell due meanwhile.
        let restartAt = EngineHarness.morning + .minutes(90)
        var restored = EscalationEngine(rules: Rules.compile(twoStepRules), snapshot: snapshot, now: restartAt)
        h.engine = restored
        h.now = restartAt
        h.collect(h.engine.tick(now: restartAt))
        #expect(h.drain() == ["+1h30m b step"])
        h.advance(by: .hours(3))
        #expect(h.drain().isEmpty)
        restored = h.engine
        let next = try! h.submit("kind=fault severity=2 id=y").get()
        #expect(next.incident.value == 2)
    }

    @Test("a restore with the same rules fingerprint only rebuilds timers, and fires exactly as a full restore")
    func restoreWithFingerprint() {
        var h = EngineHarness(twoStepRules)
        for i in 0..<40 { h.submit("kind=fault severity=\(i % 4 + 1) id=f\(i)") }
        h.advance(by: .minutes(35))
        h.submit("action=ack id=f3")
        h.submit("action=resolve id=f4")
        _ = h.drain()
        var snapshot = EngineSnapshot(incidents: h.engine.openIncidents, nextNumber: h.engine.nextIncidentNumber)
        let rules = Rules.compile(twoStepRules)
        let restartAt = EngineHarness.morning + .minutes(50)
        func play(_ snapshot: EngineSnapshot) -> [String] {
            var r = EngineHarness(twoStepRules)
            r.engine = EscalationEngine(rules: rules, snapshot: snapshot, now: restartAt)
            r.now = restartAt
            r.collect(r.engine.tick(now: restartAt))
            r.advance(by: .hours(3))
            return r.drain()
        }
        let full = play(snapshot)
        snapshot.rulesFingerprint = rules.fingerprint
        let fast = play(snapshot)
        #expect(!full.isEmpty)
        #expect(fast == full)
        #expect(rules.fingerprint.count == 16)
        #expect(rules.fingerprint == Rules.compile(twoStepRules + "\n# a comment\n").fingerprint)
        #expect(rules.fingerprint != Rules.compile(twoStepRules.replacingOccurrences(of: "after 60m", with: "after 61m")).fingerprint)
    }

    @Test("an event that no rule takes is stored with no rule and gets no steps")
    func unmatched() {
        var h = EngineHarness(twoStepRules)
        let receipt = try! h.submit("kind=weather id=w").get()
        #expect(h.engine.incident(number: receipt.incident)?.rule == nil)
        h.advance(by: .hours(5))
        #expect(h.drain().isEmpty)
        #expect(throws: Never.self) { try h.submit("action=resolve id=w").get() }
    }

    @Test("later messages of an incident reply to its first message")
    func threading() {
        var h = EngineHarness(twoStepRules)
        h.submit("kind=fault severity=2 id=x")
        h.advance(by: .minutes(60))
        h.submit("action=resolve id=x")
        let messages = h.sent
        #expect(messages.count == 4)
        #expect(messages[0].inReplyTo == nil)
        #expect(messages[1...].allSatisfy { $0.inReplyTo == messages[0].messageID })
        #expect(Set(messages.map(\.messageID)).count == 4)
        #expect(messages[0].messageID == "t.1.major.s1.a@test")
    }
}
