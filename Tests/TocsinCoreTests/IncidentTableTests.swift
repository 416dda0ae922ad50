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

    @Test("patching a firing's progress into packed bytes gives the very bytes of packing the changed incident")
    func patchProgress() {
        var scratch: [UInt8] = []
        for n in Int64(1)...300 {
            for full in [false, true] {
                let before = Self.sample(n, full: full)
                var after = before
                after.firedSteps = before.firedSteps | (1 << UInt64(n % 64)) | (n % 5 == 0 ? UInt64.max : 0)
                after.repeatsSent = before.repeatsSent + Int(n % 3) * 200
                after.told += n % 2 == 0 ? [ContactName("值班经理-\(n)")] : []
                after.threadRoot = n % 3 == 0 ? nil : "tocsin.\(n).first@branch"
                var bytes = IncidentCodec.encode(before)
                IncidentCodec.patchProgress(&bytes, with: after, scratch: &scratch)
                #expect(bytes == IncidentCodec.encode(after))
                #expect(IncidentCodec.decode(bytes, number: after.number) == after)
            }
        }
    }

    @Test("set, get, peek and remove agree with a dictionary through the write-back cache")
    func againstDictionary() {
        var table = IncidentTable()
        var model: [IncidentNumber: Incident] = [:]
        var timers: [IncidentNumber: Timestamp] = [:]
        var rng = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let number = IncidentNumber(Int64.random(in: 1...300, using: &rng))
            switch Int.random(in: 0..<6, using: &rng) {
            case 0, 1:
                let incident = Self.sample(number.value, full: step % 3 == 0)
                table[number] = incident
                model[number] = incident
            case 2:
                table[number] = nil
                model[number] = nil
                timers[number] = nil
            case 5:
                let deadline = step % 4 == 0 ? nil : Timestamp(milliseconds: Int64(step))
                table.setTimer(number, deadline)
                if model[number] != nil { timers[number] = deadline }
            case 4 where step % 2 == 0:
                // A firing: only the progress changes, stored as such (packed by patching).
                if var incident = table[number] {
                    incident.firedSteps |= UInt64(step)
                    incident.told.append(ContactName("c\(step % 5)"))
                    incident.threadRoot = "t\(step)"
                    table.storeProgress(incident)
                    model[number] = incident
                }
            case 3:
                #expect(table[number] == model[number])
                if model[number] != nil { table[number]?.count += 1; model[number]?.count += 1 }
            default:
                #expect(table.peek(number) == model[number])
            }
            #expect(table.count == model.count)
            #expect(table.timer(number) == timers[number])
        }
        #expect(Set(table.numbers) == Set(model.keys))
        #expect(Set(table.values) == Set(model.values))
        var schedules: [IncidentNumber: ScheduleState] = [:]
        var set: [IncidentNumber: Timestamp] = [:]
        table.resetTimers({ number, schedule in
            schedules[number] = schedule
            return number.value % 2 == 0 ? schedule.began : nil
        }) { set[$1] = $0 }
        #expect(schedules == model.mapValues(\.schedule))
        #expect(set == model.filter { $0.key.value % 2 == 0 }.mapValues(\.began))
        for number in model.keys { #expect(table.timer(number) == set[number]) }
    }
}
