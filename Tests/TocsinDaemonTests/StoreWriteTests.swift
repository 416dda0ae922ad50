import Foundation
import Testing
import TocsinCore

@testable import TocsinDaemon

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
}
