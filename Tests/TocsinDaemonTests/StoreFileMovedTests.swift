import Foundation
import Testing

@testable import TocsinDaemon

@Suite("The store's database file, removed or replaced under an open store")
struct StoreFileMovedTests {
    @Test("the file opened is in place; removed, or replaced by another, it is not, and the problem names it")
    func removedOrReplaced() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = Store.path(in: dir.path)
        let store = try Store(directory: dir.path)
        #expect(store.fileProblem() == nil)

        // Written to by another connection, it is still the same file.
        try Store(directory: dir.path).setMeta("probe", "1")
        #expect(store.fileProblem() == nil)

        // A restore moved into place: another file at the same path.
        let copy = dir.appendingPathComponent("restored.db").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(rename(copy, path) == 0)
        #expect(store.fileProblem() == "\(path) was replaced by another file")

        // The state directory removed.
        try FileManager.default.removeItem(at: dir)
        #expect(store.fileProblem() == "\(path) was removed")
    }
}
