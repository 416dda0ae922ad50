import Foundation
import Testing
import TocsinCore

@testable import TocsinDaemon

@Suite("WAL checkpoints off the writer's thread")
struct CheckpointerTests {
    @Test("a long WAL is checkpointed by the checkpointer while the writer goes on committing; nothing is lost")
    func checkpointsAsTheWALGrows() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try StoreWriter(directory: dir.path)
        let detail = String(repeating: "检查点", count: 60)  // 540 bytes of UTF-8 a row
        let batches = 40
        // One batch and one commit at a time: the WAL crosses the checkpointer's threshold
        // part of the way through, and the commits after it leave the checkpointer time to
        // run. (Submitted all at once, a fast writer took them in one or two transactions,
        // and the request could come just before the stop.)
        for sequence in 0..<batches {
            let batch = StoreBatch()
            for row in 0..<1_000 {
                batch.appendTimeline(incident: IncidentNumber(Int64(row)), at: Timestamp(milliseconds: Int64(sequence)), what: "note", detail: detail)
            }
            writer.submit(batch, sequence: UInt64(sequence))
            writer.waitForCompletion()
            let completions = writer.takeCompletions()
            #expect(completions.allSatisfy { $0.error == nil })
        }
        writer.stop()
        #expect(writer.checkpointer.count >= 1, "40 MB went through the WAL without a checkpoint")
        // Its checkpoints copied pages, not just ran: a connection that has not read the
        // database yet does not know it is in WAL mode, and its checkpoints do nothing.
        #expect(writer.checkpointer.framesCopied >= Int(Checkpointer.pages))
        let store = try Store(directory: dir.path)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM timeline WHERE what = 'note'") == Int64(batches * 1_000))
    }
}
