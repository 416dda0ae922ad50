import Foundation
import Testing
import TocsinCore

/// Dependencies (SPEC §15) on the held clock, on a manual clock.
@Suite("Dependencies")
struct DependencyTests {
    static let text = """
        set storm-window 0s
        contact lead mail lead@example.com
        contact boss mail boss@example.com
        rule core
          match kind=fault system=core-banking
          after 30m notify boss
        rule terminal
          match kind=fault system=terminal
          depends on kind=fault system=core-banking equal branch
          after 15m notify lead
        """

    @Test("children of an open parent fire nothing; when it resolves they fire on their shifted deadlines; its recovered mail lists them")
    func childrenWait() throws {
        var h = EngineHarness(Self.text)
        h.submit("kind=fault system=core-banking branch=b1 id=core summary=核心系统中断")
        h.advance(by: .minutes(5))
        let waiting = h.submit("kind=fault system=terminal branch=b1 id=t-1 summary=柜员终端1")
        let free = h.submit("kind=fault system=terminal branch=b2 id=t-2 summary=柜员终端2")
        #expect(try waiting.get().holder == .parent(IncidentNumber(1)))  // the receipt says so at once
        #expect(try free.get().holder == nil)
        #expect(h.engine.holder(of: IncidentNumber(2), at: h.now) == .parent(IncidentNumber(1)))
        #expect(h.engine.holder(of: IncidentNumber(3), at: h.now) == nil)  // another branch
        h.advance(by: .minutes(35))
        #expect(h.drain() == ["+20m lead step", "+30m boss step"])
        h.submit("action=resolve id=core cause=恢复")
        let recovered = try #require(h.sent.first { $0.purpose == .recovered })
        #expect(recovered.body.contains("Still open among the incidents that waited on it (1; their escalation runs again now):\n  #2 t-1 — 柜员终端1\n"), "\(recovered.body)")
        #expect(h.engine.holder(of: IncidentNumber(2), at: h.now) == nil)
        _ = h.drain()
        // t-1: began at 5, held 5..40, 15 minutes of clock: due at 55.
        h.advance(by: .minutes(14) + .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        #expect(h.drain() == ["+55m lead step"])
    }

    @Test("a parent that arrives after its child holds it from then on")
    func parentArrivesLater() {
        var h = EngineHarness(Self.text)
        h.submit("kind=fault system=terminal branch=b1 id=t-1")
        h.advance(by: .minutes(10))
        h.submit("kind=fault system=core-banking branch=b1 id=core")
        h.advance(by: .minutes(10))
        h.submit("action=resolve id=core")
        h.advance(by: .minutes(4) + .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        #expect(h.drain() == ["+25m lead step"])  // 10 before, 10 held, 5 after
    }

    @Test("a restart keeps the wait: nothing fires while the parent is open, then the shifted deadline")
    func restart() {
        let rules = Rules.compile(Self.text)
        let start = EngineHarness.morning
        var engine = EscalationEngine(rules: rules, now: start)
        var holds: [IncidentNumber: [RecordedHold]] = [:]
        for line in ["kind=fault system=core-banking branch=b1 id=core", "kind=fault system=terminal branch=b1 id=t-1"] {
            guard case .success(let (_, actions)) = engine.receive(try! EventParser.parse(line, now: start), now: start) else { continue }
            for case .holdRecorded(let number, let hold) in actions { holds[number, default: []].append(hold) }
        }
        #expect(holds[IncidentNumber(2)] == [RecordedHold(cause: .parent(IncidentNumber(1)), interval: HeldInterval(from: start, until: nil))])
        var snapshot = EngineSnapshot()
        for id in ["core", "t-1"] { snapshot.add(engine.incident(id: id)!) }
        snapshot.recordedHolds = holds
        snapshot.nextNumber = 3
        var restored = EscalationEngine(rules: rules, snapshot: snapshot, now: start + .hours(1))
        let early = restored.tick(now: start + .hours(1))
        #expect(!early.contains { if case .stepFired(let i, _) = $0 { i.id == "t-1" } else { false } })
        _ = restored.receive(try! EventParser.parse("action=resolve id=core", now: start + .hours(1)), now: start + .hours(1))
        #expect(restored.nextWake == start + .hours(1) + .minutes(15))
    }
}
