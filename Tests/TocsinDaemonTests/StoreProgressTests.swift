import Foundation
import Testing
import TocsinCore

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

/// A step firing's progress lives in its own narrow table; these check that every reader
/// sees the incident as last written, whichever table holds the newest progress.
@Suite("An incident's progress, kept apart from its row")
struct StoreProgressTests {
    private func incident(_ n: Int64, id: String) -> Incident {
        Incident(
            number: IncidentNumber(n), id: id,
            fields: Event(fields: [EventField("id", id), EventField("kind", "fault"), EventField("summary", "网点\(n)断网")]),
            began: Timestamp(milliseconds: 1_000), opened: Timestamp(milliseconds: 1_000))
    }

    private func commit(_ store: Store, _ record: (StoreBatch) -> Void) throws {
        let batch = StoreBatch()
        record(batch)
        try store.begin()
        try store.apply(batch)
        try store.commit()
    }

    @Test("a firing committed after the incident's row: show, list, export and a restart all read the firing's progress")
    func firingInLaterBatch() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        var atm = incident(1, id: "atm-1")
        try commit(store) { $0.save(atm) }
        atm.firedSteps = 0b1
        atm.told = [ContactName("网点主任")]
        atm.threadRoot = "tocsin.1.fault.s1.centre@bank"
        try commit(store) { $0.saveProgress(atm) }

        let shown = try #require(try store.incident(matching: "atm-1"))
        #expect(shown.firedSteps == 0b1 && shown.told == atm.told && shown.threadRoot == atm.threadRoot)
        #expect(shown.summary == "网点1断网")
        // Listings read the incident's own columns (progress is not what they show).
        var listed: [IncidentRow] = []
        try store.forEachIncident(.openOnly) { listed.append($0); return true }
        #expect(listed.map(\.id) == ["atm-1"])
        var exported: [IncidentRow] = []
        try store.forEachIncident(beganFrom: Timestamp(milliseconds: 0), until: Timestamp(milliseconds: 10_000)) { exported.append($0) }
        #expect(exported.map(\.summary) == ["网点1断网"])

        let reopened = try Store(directory: dir.path)
        let restored = try #require(try reopened.snapshot(reportTimes: []).incidents.first)
        #expect(restored == shown)
    }

    @Test("a whole save after a firing (an ack) carries the progress along; a later firing is not undone by it")
    func wholeSaveAfterFiring() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        var atm = incident(2, id: "atm-2")
        try commit(store) { $0.save(atm) }
        atm.firedSteps = 0b1
        atm.told = [ContactName("centre-manager")]
        try commit(store) { $0.saveProgress(atm) }
        atm.state = .acked
        atm.ackedBy = "张伟"
        atm.firedSteps = 0b11  // a whole save with newer progress than the progress row's
        atm.told.append(ContactName("部门主管"))
        try commit(store) { $0.save(atm) }
        let reopened = try Store(directory: dir.path)
        for read in [try store.incident(matching: "atm-2"), try reopened.snapshot(reportTimes: []).incidents.first] {
            let stored = try #require(read)
            #expect(stored.state == .acked && stored.ackedBy == "张伟")
            #expect(stored.firedSteps == 0b11)
            #expect(stored.told.map(\.rawValue) == ["centre-manager", "部门主管"])
        }
    }

    @Test("resolving an incident folds its progress into its row and deletes the progress row")
    func resolveDeletesRow() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        var atm = incident(3, id: "atm-3")
        try commit(store) { $0.save(atm) }
        atm.firedSteps = 0b1
        atm.told = [ContactName("centre-manager")]
        try commit(store) { $0.saveProgress(atm) }
        #expect(try store.db.scalar("SELECT COUNT(*) FROM progress") == 1)
        atm.state = .resolved
        atm.resolvedAt = Timestamp(milliseconds: 9_000)
        try commit(store) { $0.save(atm) }
        #expect(try store.db.scalar("SELECT COUNT(*) FROM progress") == 0)
        let stored = try #require(try store.incident(matching: "atm-3"))
        #expect(stored.state == .resolved && stored.firedSteps == 0b1 && stored.told == atm.told)
    }

    @Test("after a rolled-back transaction, a whole save still keeps the progress row current")
    func rollbackForgetsBelief() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        var atm = incident(4, id: "atm-4")
        atm.firedSteps = 0b1
        atm.told = [ContactName("centre-manager")]
        try commit(store) {
            $0.save(atm)
            $0.saveProgress(atm)
        }
        // A resolve that is rolled back: the progress row it deleted is back.
        var resolved = atm
        resolved.state = .resolved
        let batch = StoreBatch()
        batch.save(resolved)
        try store.begin()
        try store.apply(batch)
        store.rollback()
        #expect(try store.db.scalar("SELECT COUNT(*) FROM progress") == 1)
        atm.firedSteps = 0b11
        try commit(store) { $0.save(atm) }
        #expect(try store.incident(matching: "atm-4")?.firedSteps == 0b11)
    }

    @Test("a restart reads 10,000 incidents, several batches of the packing thread: the open ones, each with its progress")
    func restartManyIncidents() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        try commit(store) { batch in
            for n in Int64(1)...10_000 {
                var atm = incident(n, id: "终端-\(n)")
                if n.isMultiple(of: 10) { atm.state = .resolved }
                batch.save(atm)
                if n.isMultiple(of: 7) {
                    atm.firedSteps = 0b1
                    atm.told = [ContactName("网点主任")]
                    batch.saveProgress(atm)
                }
            }
        }
        let snapshot = try Store(directory: dir.path).snapshot(reportTimes: [])
        let restored = snapshot.incidents
        #expect(restored.count == 9_000)
        #expect(restored.map(\.number.value) == (Int64(1)...10_000).filter { !$0.isMultiple(of: 10) })
        for incident in restored {
            let fired = incident.number.value.isMultiple(of: 7)
            #expect(incident.firedSteps == (fired ? 0b1 : 0) && incident.told.count == (fired ? 1 : 0))
            #expect(incident.id == "终端-\(incident.number.value)")
        }
        #expect(snapshot.nextNumber == 10_001)
    }

    @Test("a read-only store written by a tocsind before the progress table is still read")
    func oldSchemaReadOnly() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let old = try SQLiteDatabase(path: dir.appendingPathComponent(Store.fileName).path, readOnly: false)
            for sql in Schema.migrations.prefix(5) { try old.execute(sql) }
            try old.execute("PRAGMA user_version = 5")
            try old.execute(
                """
                INSERT INTO incidents (number, id, state, fired_steps, began, opened, last_seen, count, told, fields)
                VALUES (9, 'atm-9', 'open', 1, 1000, 1000, 1000, 1, 'centre-manager', 'id=atm-9 kind=fault')
                """)
        }
        do {
            let reader = try Store(readOnlyAt: dir.path)
            let stored = try #require(try reader.incident(matching: "atm-9"))
            #expect(stored.firedSteps == 1 && stored.told == [ContactName("centre-manager")])
        }
        let migrated = try Store(directory: dir.path)
        #expect(try migrated.incident(matching: "atm-9")?.told == [ContactName("centre-manager")])
    }
}
