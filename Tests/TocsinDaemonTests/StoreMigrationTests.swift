import Foundation
import Testing
import TocsinCore

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("The store's schema migrations")
struct StoreMigrationTests {
    @Test("a schema-1 store's held messages move out of the outbox, into chunks, and are restored at start")
    func heldMovesOut() throws {
        let dir = try temporaryStoreDirectory()
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
        #expect(try store.db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'held'") == 0)
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

    @Test("a schema-3 store's held rows are packed into chunks, in order, and released by key")
    func heldRowsPacked() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let old = try SQLiteDatabase(path: dir.appendingPathComponent(Store.fileName).path, readOnly: false)
            for sql in Schema.migrations.prefix(3) { try old.execute(sql) }
            try old.execute("PRAGMA user_version = 3")
            try old.execute(
                """
                INSERT INTO held (message_id, storm_group, contact, channel, target, purpose, subject, body, in_reply_to,
                    incident, incidents, incident_id, kind, severity, rule, step, created, release_at)
                VALUES ('a1', 'fault', 'lead', 'mail', 'lead@x.example', 'step', '[故障] 一', '正文', NULL, 1, '', 'x1', 'fault', 2, 'fault', '1', 100, 5000),
                       ('b1', 'fault', 'boss', 'exec', '/bin/sms' || char(31) || '-q', 'step', '[故障] 一', '', NULL, 1, '', NULL, NULL, NULL, NULL, '2', 110, 6000),
                       ('a2', 'fault', 'lead', 'mail', 'lead@x.example', 'step', '[故障] 二', '', 'a1', 2, '', 'x2', 'fault', 2, 'fault', '1', 120, 5000)
                """)
        }
        let store = try Store(directory: dir.path)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'held'") == 0)
        let held = try store.snapshot(reportTimes: []).held
        #expect(held.map(\.message.messageID) == ["a1", "b1", "a2"])
        #expect(held[1].message.channel == .exec(path: "/bin/sms", arguments: ["-q"]))
        #expect(held[2].message.inReplyTo == "a1")
        #expect(held[0].message.subject == "[故障] 一" && held[0].message.body == "正文")
        #expect(try store.outboxCounts().held == 3)
        try store.deleteHeld(StormRelease(key: StormKey(contact: ContactName("lead"), group: "fault"), through: Timestamp(milliseconds: 5000), count: 2))
        #expect(try store.snapshot(reportTimes: []).held.map(\.message.messageID) == ["b1"])
    }

    @Test("a round's held messages go into one row per contact, rule and release time; a release in between starts a new one")
    func batchPacksHeld() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        func held(_ id: String, _ contact: String, until: Int64) -> HeldMessage {
            let message = OutboundMessage(
                messageID: id, contact: ContactName(contact), channel: .mail(["\(contact)@x.example"]), purpose: .step,
                subject: "[故障] \(id)", body: "", inReplyTo: nil, created: Timestamp(milliseconds: 1), incident: IncidentNumber(1), step: "1")
            return HeldMessage(message: message, key: StormKey(contact: ContactName(contact), group: "fault"), releaseAt: Timestamp(milliseconds: until))
        }
        let batch = StoreBatch()
        for i in 0..<1_000 { batch.saveHeld(held("a\(i)", "lead", until: 5000)) }
        batch.saveHeld(held("b0", "boss", until: 5000))
        batch.saveHeld(held("a-later", "lead", until: 9000))
        batch.deleteHeld(StormRelease(key: StormKey(contact: ContactName("lead"), group: "fault"), through: Timestamp(milliseconds: 9000), count: 1001))
        batch.saveHeld(held("a-after", "lead", until: 9000))
        try store.begin()
        try store.apply(batch)
        try store.commit()
        #expect(try store.db.scalar("SELECT COUNT(*) FROM held_chunks") == 2)
        #expect(try store.snapshot(reportTimes: []).held.map(\.message.messageID) == ["b0", "a-after"])
        #expect(try store.outboxCounts().held == 2)
    }

    @Test("a damaged chunk of held messages stops the restore with an error naming its row")
    func damagedChunk() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        try store.db.execute("INSERT INTO held_chunks (storm_group, contact, release_at, count, messages) VALUES ('fault', 'lead', 1, 1, x'0101')")
        #expect {
            _ = try store.snapshot(reportTimes: [])
        } throws: { error in
            "\(error)".contains("row 1 of held_chunks (1 messages for lead) is damaged")
        }
    }

    @Test("counting failed notifications at start reads an index, not the whole outbox")
    func failedCountUsesIndex() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let plan = try store.db.statement("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
        var detail = ""
        while try plan.step() { detail += plan.text(3) + "\n" }
        #expect(detail.contains("USING COVERING INDEX outbox_failed") || detail.contains("USING INDEX outbox_failed"), "\(detail)")
    }

    @Test("schema 5 drops the index on began; the fault record by period still comes out whole, oldest first")
    func beganIndexDropped() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents_began'") == 0)
        try store.begin()
        for (number, began) in [(1, 5_000), (2, 1_000), (3, 9_000), (4, 3_000)] {
            let fields = Event(fields: [EventField("id", "f\(number)"), EventField("summary", "核心系统中断 \(number)")])
            let incident = Incident(
                number: IncidentNumber(Int64(number)), id: "f\(number)", fields: fields, began: Timestamp(milliseconds: Int64(began)),
                opened: Timestamp(milliseconds: 10_000))
            // Fields given as text (the event's own logfmt line) or written out here: the same row.
            try store.save(incident, fieldsText: number.isMultiple(of: 2) ? fields.logfmt : nil)
        }
        try store.commit()
        var record: [IncidentRow] = []
        try store.forEachIncident(beganFrom: Timestamp(milliseconds: 1_000), until: Timestamp(milliseconds: 9_000)) { record.append($0) }
        #expect(record.map(\.id) == ["f2", "f4", "f1"])
        #expect(record.map(\.summary) == ["核心系统中断 2", "核心系统中断 4", "核心系统中断 1"])
    }
}
