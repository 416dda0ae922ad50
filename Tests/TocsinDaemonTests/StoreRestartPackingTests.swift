import Foundation
import Testing
import TocsinCore

@testable import TocsinStore

/// A restart packs the stored rows straight into the engine's packed form
/// (`PackedIncident(columns:)`), never building an `Incident`; these check that what comes
/// out is every incident exactly as it was saved.
@Suite("A restart's packing of stored incidents")
struct StoreRestartPackingTests {
    /// Incidents that each stretch a few fields: bare ones, acknowledged ones with Chinese
    /// names, fired ones told three contacts in a thread, and odd text and extreme times.
    static func incidents() -> [Incident] {
        (Int64(1)...600).map { n in
            var fields = Event(fields: [EventField("kind", "fault"), EventField("id", "终端-\(n)")])
            fields.set("summary", "网点断网 " + String(repeating: "长", count: Int(n % 300)))
            var incident = Incident(
                number: IncidentNumber(n), id: "终端-\(n)", fields: fields, began: Timestamp(milliseconds: Int64.min / 4 + n),
                opened: Timestamp(milliseconds: n))
            switch n % 4 {
            case 1:
                incident.state = .acked
                incident.ackedAt = Timestamp(milliseconds: -n)
                incident.ackedBy = "值班员 王"
            case 2:
                incident.rule = "fault-major"
                incident.scheduleDigest = "30m:centre-manager|60m:dept-head"
                incident.firedSteps = UInt64.max >> UInt64(n % 64)
                incident.repeatsSent = Int(n)
                incident.told = ["centre-manager", "dept-head", ContactName("代班班长-\(n)")]
                incident.threadRoot = "tocsin.abc.\(n).fault-major.s1.centre-manager@branch"
            case 3:
                incident.cause = "电源\t故障 \"UPS\""
                incident.count = Int(Int32.max)
                incident.lastSeen = Timestamp(milliseconds: Int64.max - n)
            default: break
            }
            return incident
        }
    }

    @Test("every field of 600 open and acknowledged incidents, Chinese text and extreme times among them, comes back from a restart as saved, and as show reads it")
    func everyFieldSurvives() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = Self.incidents()
        let store = try Store(directory: dir.path)
        let batch = StoreBatch()
        for incident in saved { batch.save(incident) }
        try store.begin()
        try store.apply(batch)
        try store.commit()

        let restored = try Store(directory: dir.path).snapshot(reportTimes: []).incidents
        #expect(restored.count == saved.count)
        let byNumber = Dictionary(uniqueKeysWithValues: saved.map { ($0.number, $0) })
        for incident in restored {
            #expect(incident == byNumber[incident.number], "incident \(incident.number.value)")
            #expect(try store.incident(matching: incident.id) == incident, "show's reading of \(incident.id)")
        }
    }
}
