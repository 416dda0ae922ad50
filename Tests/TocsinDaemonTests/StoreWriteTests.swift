import Foundation
import Testing
import TocsinCore

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("What a round's batch writes to the store")
struct StoreWriteTests {
    @Test("a fired step: its timeline row reads 'LABEL: CONTACTS', and the incident's progress is updated")
    func stepFired() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let fields = Event(fields: [EventField("id", "atm-7"), EventField("summary", "取款机吞卡")])
        var incident = Incident(
            number: IncidentNumber(7), id: "atm-7", fields: fields, began: Timestamp(milliseconds: 1_000), opened: Timestamp(milliseconds: 1_000))
        let batch = StoreBatch()
        batch.save(incident)
        incident.firedSteps = 0b11
        incident.told = [ContactName("centre-manager"), ContactName("部门主管")]
        incident.threadRoot = "<s1.7@tocsin>"
        batch.saveProgress(incident)
        batch.appendStepFired(incident: incident.number, at: Timestamp(milliseconds: 2_000), label: "2", contacts: incident.told)
        batch.appendStepFired(incident: incident.number, at: Timestamp(milliseconds: 3_000), label: "repeat 1", contacts: [])
        try store.begin()
        try store.apply(batch)
        try store.commit()
        let timeline = try store.timeline(incident.number)
        #expect(timeline.map(\.what) == ["step", "step"])
        #expect(timeline.map(\.detail) == ["2: centre-manager 部门主管", "repeat 1: "])
        let stored = try #require(try store.incident(matching: "atm-7"))
        #expect(stored.firedSteps == 0b11)
        #expect(stored.told == incident.told)
        #expect(stored.threadRoot == "<s1.7@tocsin>")
        #expect(stored.summary == "取款机吞卡")
    }

    @Test("a round of 75 new incidents, saved again and updated in the batch: every row as last written, the timeline in order")
    func manyRowsInOneBatch() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let batch = StoreBatch()
        for n in 1...75 {
            let id = "终端-\(n)"
            var incident = Incident(
                number: IncidentNumber(Int64(n)), id: id, fields: Event(fields: [EventField("id", id), EventField("kind", "fault")]),
                began: Timestamp(milliseconds: 1_000), opened: Timestamp(milliseconds: 1_000))
            batch.save(incident, fieldsText: incident.fields.logfmt)
            batch.appendTimeline(incident: incident.number, at: Timestamp(milliseconds: 1_000), what: "accepted", detail: "open \(n)")
            if n.isMultiple(of: 3) {  // saved again in the same batch: the later row wins
                incident.count = 2
                batch.save(incident)
            }
            if n.isMultiple(of: 5) {  // a progress update right after its insert, in the same batch
                incident.firedSteps = 1
                incident.told = [ContactName("centre-manager")]
                batch.saveProgress(incident)
                batch.appendStepFired(incident: incident.number, at: Timestamp(milliseconds: 2_000), label: "1", contacts: incident.told)
            }
            if n.isMultiple(of: 7) {  // two firings of one incident in the batch: the later wins
                incident.firedSteps = 1
                batch.saveProgress(incident)
                incident.firedSteps = 3
                incident.told = [ContactName("centre-manager"), ContactName("部门主管")]
                batch.saveProgress(incident)
            }
            if n.isMultiple(of: 11) {  // saved whole after a progress update: the save wins
                incident.firedSteps = 8
                batch.saveProgress(incident)
                incident.firedSteps = 9
                incident.count = 5
                batch.save(incident)
            }
        }
        try store.begin()
        try store.apply(batch)
        try store.commit()
        for n in 1...75 {
            let stored = try #require(try store.incident(matching: "终端-\(n)"))
            #expect(stored.count == (n.isMultiple(of: 11) ? 5 : n.isMultiple(of: 3) ? 2 : 1))
            #expect(stored.firedSteps == (n.isMultiple(of: 11) ? 9 : n.isMultiple(of: 7) ? 3 : n.isMultiple(of: 5) ? 1 : 0))
            if n.isMultiple(of: 7) { #expect(stored.told.map(\.rawValue) == ["centre-manager", "部门主管"]) }
            #expect(stored.kind == "fault")
            let timeline = try store.timeline(stored.number)
            #expect(timeline.map(\.detail) == ["open \(n)"] + (n.isMultiple(of: 5) ? ["1: centre-manager"] : []))
        }
        let db = try SQLiteDatabase(path: store.path, readOnly: true)
        #expect(try db.scalar("SELECT COUNT(*) FROM incidents") == 75)
        // seq follows the order the rows were recorded in
        let order = try db.statement("SELECT incident FROM timeline WHERE what = 'accepted' ORDER BY seq")
        var numbers: [Int64] = []
        while try order.step() { numbers.append(order.int64(0)) }
        #expect(numbers == Array(1...75))
    }
}
