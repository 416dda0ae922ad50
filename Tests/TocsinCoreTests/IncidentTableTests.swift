import Testing

@testable import TocsinCore

@Suite("The engine's packed incident table")
struct IncidentTableTests {
    static func sample(_ n: Int64, full: Bool) -> Incident {
        var fields = Event(fields: [EventField("kind", "fault"), EventField("severity", "2"), EventField("id", "核心-\(n)")])
        fields.set("summary", full ? "柜员终端无法打印 \(String(repeating: "长", count: Int(n % 300)))" : "x")
        var incident = Incident(
            number: IncidentNumber(n), id: "核心-\(n)", fields: fields, began: Timestamp(milliseconds: n * 1000 - 5),
            opened: Timestamp(milliseconds: -n))
        incident.lastSeen = Timestamp(milliseconds: Int64.max - n)
        incident.count = Int(n % 7) + 1
        if full {
            incident.rule = "fault-major"
            incident.scheduleDigest = "30m:centre-manager|60m:dept-head"
            incident.firedSteps = UInt64.max >> UInt64(n % 64)
            incident.repeatsSent = Int(n % 1000)
            incident.state = n % 2 == 0 ? .acked : .resolved
            incident.ackedAt = Timestamp(milliseconds: Int64.min + n)
            incident.ackedBy = "值班员 王"
            incident.resolvedAt = Timestamp(milliseconds: 0)
            incident.resolvedBy = ""
            incident.cause = "电源\t故障"
            incident.told = ["centre-manager", "dept-head"]
            incident.threadRoot = "tocsin.abc.\(n).fault-major.s1.centre-manager@branch"
        }
        return incident
    }

    @Test("every field survives packing, from empty optionals to Chinese text and extreme times")
    func roundTrip() {
        for n in Int64(1)...400 {
            for full in [false, true] {
                let incident = Self.sample(n, full: full)
                #expect(IncidentCodec.decode(IncidentCodec.encode(incident), number: incident.number) == incident)
            }
        }
    }

    @Test("set, get, peek and remove agree with a dictionary through the write-back cache")
    func againstDictionary() {
        var table = IncidentTable()
        var model: [IncidentNumber: Incident] = [:]
        var rng = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let number = IncidentNumber(Int64.random(in: 1...300, using: &rng))
            switch Int.random(in: 0..<5, using: &rng) {
            case 0, 1:
                let incident = Self.sample(number.value, full: step % 3 == 0)
                table[number] = incident
                model[number] = incident
            case 2:
                table[number] = nil
                model[number] = nil
            case 3:
                #expect(table[number] == model[number])
                if model[number] != nil { table[number]?.count += 1; model[number]?.count += 1 }
            default:
                #expect(table.peek(number) == model[number])
            }
            #expect(table.count == model.count)
        }
        #expect(Set(table.numbers) == Set(model.keys))
        #expect(Set(table.values) == Set(model.values))
    }
}
