import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `spool_done` table: the spool files applied (name and content digest), so a file
/// found again after a crash is only deleted, never applied twice.
extension Store {
    /// Whether a spool file with this name and content digest was already applied.
    public func spoolFileApplied(name: String, digest: Int64) throws(StoreError) -> Bool {
        try db.scalar("SELECT 1 FROM spool_done WHERE name = ? AND digest = ?", [.text(name), .int(digest)]) != nil
    }

    /// Records a spool file as applied (in the same transaction as its events).
    public func recordSpoolFile(name: String, digest: Int64, at: Timestamp) throws(StoreError) {
        try db.hot("INSERT OR REPLACE INTO spool_done (name, digest, done_at) VALUES (?,?,?)")
            .run([.text(name), .int(digest), .int(at.milliseconds)])
    }

    /// Forgets applied spool files older than `before` (their files are long gone).
    public func pruneSpoolRecords(before: Timestamp) throws(StoreError) {
        try db.hot("DELETE FROM spool_done WHERE done_at < ?").run([.int(before.milliseconds)])
    }
}
