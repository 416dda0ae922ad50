import Foundation

/// A new empty directory for a store under the system's temporary directory; the caller
/// removes it.
func temporaryStoreDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
