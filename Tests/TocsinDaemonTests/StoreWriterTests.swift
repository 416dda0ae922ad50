import Foundation
import Testing
import TocsinCore

@testable import TocsinStore

/// The real store writer's thread: group commit, and what follows a failed commit.
@Suite("The store writer")
struct StoreWriterTests {
    private func mail(_ id: String) -> OutboxItem {
        OutboxItem(
            message: OutboundMessage(
                messageID: id, contact: ContactName("ops"), channel: .mail(["ops@example.org"]), purpose: .step, subject: "s",
                body: "b", inReplyTo: nil, created: Timestamp(milliseconds: 1), incident: IncidentNumber(1), step: "1"),
            status: .queued, content: [])
    }

    private func batch(_ ids: String...) -> StoreBatch {
        let batch = StoreBatch()
        for id in ids { batch.saveOutbox(mail(id)) }
        return batch
    }

    private func completions(_ writer: StoreWriter, count: Int) -> [StoreWriter.Completion] {
        var done: [StoreWriter.Completion] = []
        while done.count < count { done += writer.waitForCompletions() }
        return done
    }

    @Test("after a failed commit, batches queued behind it fail too, until resume; later ones commit, and the store holds only what was acknowledged")
    func poisonUntilResume() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A mail with the Message-ID "bad" makes its commit fail, as a full disk would.
        try Store(directory: dir.path).db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.message_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END",
            "add a failing trigger")
        let writer = try StoreWriter(directory: dir.path)
        writer.submit(batch("a"), sequence: 1)
        #expect(completions(writer, count: 1).map { $0.error == nil } == [true])

        writer.submit(batch("b", "bad"), sequence: 2)  // the commit fails
        writer.submit(batch("c"), sequence: 3)  // built on what 2 would have left: must fail too
        let failed = completions(writer, count: 2)
        #expect(failed.map(\.sequence) == [2, 3])
        #expect(failed.allSatisfy { $0.error != nil })

        writer.submit(batch("d"), sequence: 4)  // still before resume
        writer.resume()
        writer.submit(batch("e"), sequence: 5)
        let after = completions(writer, count: 2)
        writer.stop()
        #expect(after.map(\.sequence) == [4, 5])
        #expect(after.map { $0.error == nil } == [false, true])

        let ids = try Store(directory: dir.path).queuedOutbox().map(\.message.messageID).sorted()
        #expect(ids == ["a", "e"], "nothing of the failed, poisoned or pre-resume batches")
    }
}
