import Foundation
import Testing
import TocsinCore

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("WAL checkpoints by the store writer")
struct WALCheckpointTests {
    @Test("40 MB through a WAL checkpointed every 1,000 pages: checkpoints copy frames, the WAL starts over and stays small, nothing is lost")
    func checkpointsAsTheWALGrows() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try StoreWriter(directory: dir.path, checkpointPages: 1_000)
        let detail = String(repeating: "检查点", count: 60)  // 540 bytes of UTF-8 a row
        let batches = 40
        var largestWAL = 0
        let walPath = dir.appendingPathComponent(Store.fileName + "-wal").path
        for sequence in 0..<batches {
            let batch = StoreBatch()
            for row in 0..<1_000 {
                batch.appendTimeline(incident: IncidentNumber(Int64(row)), at: Timestamp(milliseconds: Int64(sequence)), what: "note", detail: detail)
            }
            writer.submit(batch, sequence: UInt64(sequence))
            #expect(writer.waitForCompletions().allSatisfy { $0.error == nil })
            let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
            largestWAL = max(largestWAL, size)
        }
        writer.stop()
        #expect(writer.checkpoints >= 5, "40 MB went through the WAL with \(writer.checkpoints) checkpoints")
        #expect(writer.framesCheckpointed >= 5 * 1_000, "checkpoints that copied nothing")
        // Started over after each checkpoint: never much more than 1,000 pages and a batch.
        #expect(largestWAL < 8 << 20, "the WAL grew to \(largestWAL) bytes")
        let store = try Store(directory: dir.path)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM timeline WHERE what = 'note'") == Int64(batches * 1_000))
    }
}
