import Foundation
import Testing

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

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
        #expect(store.fileProblem() == "file \(path) was replaced by another file")

        // The state directory removed.
        try FileManager.default.removeItem(at: dir)
        #expect(store.fileProblem() == "file \(path) was removed")
    }

    @Test("the WAL or the shared-memory file removed or replaced is a problem that names the file")
    func companions() throws {
        for suffix in ["-wal", "-shm"] {
            let dir = try temporaryStoreDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = Store.path(in: dir.path)
            let store = try Store(directory: dir.path)
            try store.setMeta("probe", "1")
            #expect(store.fileProblem() == nil)
            try FileManager.default.removeItem(atPath: path + suffix)
            #expect(store.fileProblem() == "file \(path)\(suffix) was removed")
            #expect(FileManager.default.createFile(atPath: path + suffix, contents: Data()))
            #expect(store.fileProblem() == "file \(path)\(suffix) was replaced by another file")
        }
    }

    @Test("an empty file, or an SQLite file that is not a Tocsin store, is refused and left as it is")
    func notAStore() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = Store.path(in: dir.path)
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(throws: StoreError.self) { try Store(directory: dir.path) }
        do {
            _ = try Store(directory: dir.path)
        } catch {
            #expect(error.description == "cannot open \(path): the file is empty (0 bytes), so it is not a Tocsin store; tocsind makes a new store only where no file exists: restore the store from a backup, or move the empty file away to start with a new, empty store")
        }
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0)

        try FileManager.default.removeItem(atPath: path)
        let other = try SQLiteDatabase(path: path, readOnly: false)
        try other.execute("CREATE TABLE customers (name TEXT)")
        do {
            _ = try Store(directory: dir.path)
            Issue.record("another program's database was opened as a store")
        } catch {
            #expect(error.description == "cannot open \(path): it is an SQLite database but not a Tocsin store (no Tocsin schema in it); tocsind makes a new store only where no file exists")
        }
        #expect(try other.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents'") == 0)

        try FileManager.default.removeItem(atPath: path)
        try "not a database at all, but long enough to have a header of sorts..........................................".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            _ = try Store(directory: dir.path)
            Issue.record("a text file was opened as a store")
        } catch {
            #expect(error.description.hasPrefix("cannot open \(path): it is not a Tocsin store (not an SQLite database)"))
        }
    }

    @Test("where no file exists a new store is made whole, by rename; a half-made one left by a crash is made again")
    func newStore() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = Store.path(in: dir.path)
        try "half-made".write(toFile: path + ".new", atomically: false, encoding: .utf8)
        let store = try Store(directory: dir.path)
        try store.setMeta("probe", "1")
        #expect(!FileManager.default.fileExists(atPath: path + ".new"))
        #expect(try store.db.scalar("PRAGMA application_id") == Int64(StoreFiles.applicationID))
        #expect(try store.metaValue("probe") == "1")
    }
}
