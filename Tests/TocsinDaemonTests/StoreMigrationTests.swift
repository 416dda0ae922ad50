import Foundation
import Testing
import TocsinCore

@testable import TocsinDaemon

@Suite("The store's schema migrations")
struct StoreMigrationTests {
    @Test("a schema-1 store's held messages move to the held table and are restored at start")
    func heldMovesOut() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let old = try SQLiteDatabase(path: dir.appendingPathComponent(Store.fileName).path, readOnly: false)
            try old.execute(Schema.migrations[0])
            try old.execute("PRAGMA user_version = 1")
            try old.execute(
                """
                INSERT INTO outbox (message_id, status, contact, channel, target, purpose, subject, body, incident, step, created,
                    storm_group, release_at)
                VALUES ('m1', 'held', 'lead', 'mail', 'lead@x.example', 'step', '[故障] 停电', '正文', 7, '1', 1000, 'fault', 5000),
                       ('m2', 'sent', 'lead', 'mail', 'lead@x.example', 'step', 'sent one', '', 8, '1', 900, NULL, NULL)
                """)
        }
        let store = try Store(directory: dir.path)
        #expect(try store.db.scalar("PRAGMA user_version") == Int64(Schema.migrations.count))
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outbox") == 1)
        let held = try store.snapshot(reportTimes: []).held
        #expect(held.count == 1)
        #expect(held.first?.message.messageID == "m1")
        #expect(held.first?.message.subject == "[故障] 停电")
        #expect(held.first?.message.body == "正文")
        #expect(held.first?.message.incident == IncidentNumber(7))
        #expect(held.first?.key == StormKey(contact: ContactName("lead"), group: "fault"))
        #expect(held.first?.releaseAt == Timestamp(milliseconds: 5000))
        #expect(try store.outboxCounts().held == 1)
        try store.deleteHeld(StormRelease(key: StormKey(contact: ContactName("lead"), group: "fault"), through: Timestamp(milliseconds: 5000), count: 1))
        #expect(try store.outboxCounts().held == 0)
    }

    @Test("counting failed notifications at start reads an index, not the whole outbox")
    func failedCountUsesIndex() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let plan = try store.db.statement("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
        var detail = ""
        while try plan.step() { detail += plan.text(3) + "\n" }
        #expect(detail.contains("USING COVERING INDEX outbox_failed") || detail.contains("USING INDEX outbox_failed"), "\(detail)")
    }
}
