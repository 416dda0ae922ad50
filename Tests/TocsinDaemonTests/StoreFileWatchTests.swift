import Foundation
import Testing

@testable import TocsinDaemon

@Suite("Watching the store's database file")
struct StoreFileWatchTests {
    @Test("the file opened is in place; removed, or replaced by another, it is not, and the problem names it")
    func removedOrReplaced() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = Store.path(in: dir.path)
        _ = try Store(directory: dir.path)
        let watch = try #require(StoreFileWatch(path: path))
        #expect(watch.problem() == nil)

        // Written to, it is still the same file.
        try Store(directory: dir.path).setMeta("probe", "1")
        #expect(watch.problem() == nil)

        // A restore moved into place: another file at the same path.
        let copy = dir.appendingPathComponent("restored.db").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(rename(copy, path) == 0)
        #expect(watch.problem() == "\(path) was replaced by another file")

        // The state directory removed.
        try FileManager.default.removeItem(at: dir)
        #expect(watch.problem() == "\(path) was removed")
    }

    @Test("no file to watch: nothing is watched")
    func nothingThere() throws {
        #expect(StoreFileWatch(path: "/nonexistent/tocsin.db") == nil)
    }
}
