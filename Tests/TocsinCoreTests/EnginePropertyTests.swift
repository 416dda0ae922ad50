import Foundation
import Testing
import TocsinCore

/// Properties over many random event sequences: no step fires twice, nothing fires after
/// resolve, every due step fires — checked against an independent model of the deadlines.
@Suite("Engine properties over random event sequences")
struct EnginePropertyTests {
    static let rules = Rules.compile("""
        set storm-window 0s
        contact a mail a@example.org
        contact b mail b@example.org
        contact c mail c@example.org
        rule major
          match kind=fault severity<=2
          after 30m notify a
          after 60m notify b
        rule minor
          match kind=fault severity>=3
          after 15m notify a
          after 30m notify b c
        rule urgent
          match kind=complaint
          after 0m notify a b
          after 20m notify c
          stop on ack
        """)

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("no step fires twice; nothing fires after resolve or (stop on ack) after ack; every due step fires",
          arguments: 0..<200)
    func randomSequences(seed: Int) {
        var random = Generator(state: UInt64(seed) &* 2_654_435_761 &+ 1)
        var h = EngineHarness(rules: Self.rules)
        var resolvedAt: [String: Timestamp] = [:]
        var ackedAt: [String: Timestamp] = [:]
        var openedAt: [String: Timestamp] = [:]
        var liveIncident: [String: IncidentNumber] = [:]
        let ids = (0..<6).map { "i\($0)" }
        for _ in 0..<40 {
            h.advance(by: .minutes(Int64(random.next(25))))
            let id = ids[random.next(ids.count)]
            switch random.next(6) {
            case 0, 1, 2:
                let kind = random.next(3) == 0 ? "complaint" : "fault"
                let receipt = try? h.submit("kind=\(kind) severity=\(1 + random.next(4)) id=\(id)").get()
                if receipt?.isNew == true {
                    openedAt["\(receipt!.incident)"] = h.now
                    liveIncident[id] = receipt!.incident
                }
            case 3:
                if case .success(let r) = h.submit("action=ack id=\(id)") { ackedAt["\(r.incident)"] = ackedAt["\(r.incident)"] ?? h.now }
            default:
                if case .success(let r) = h.submit("action=resolve id=\(id)") { resolvedAt["\(r.incident)"] = h.now }
            }
        }
        h.advance(by: .hours(3))
        var seen = Set<String>()
        for message in h.sent where message.purpose == .step {
            #expect(seen.insert(message.messageID).inserted, "fired twice: \(message.messageID)")
            let incident = "\(message.incident!)"
            if let resolved = resolvedAt[incident] {
                #expect(message.created <= resolved, "fired after resolve: \(message.messageID)")
            }
            if message.rule == "urgent", let acked = ackedAt[incident] {
                #expect(message.created <= acked, "fired after ack: \(message.messageID)")
            }
        }
        // Every incident still open at the end has had every step of its current rule.
        for incident in h.engine.openIncidents {
            guard let name = incident.rule, let rule = Self.rules.rule(named: name) else { continue }
            if rule.stopsOnAck && incident.state == .acked { continue }
            for (index, step) in rule.steps.enumerated() where incident.began + step.delay <= h.now {
                #expect(incident.hasFired(index), "#\(incident.number) step \(index + 1) of \(name) never fired")
                for contact in step.contacts {
                    #expect(incident.told.contains(contact))
                }
            }
        }
    }
}
