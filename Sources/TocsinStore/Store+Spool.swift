import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `spool_done` table: the spool files applied (name and content digest), so a file
/// found again after a crash is only deleted, never applied twice.
///
/// A record matters only while its file may still be in `new/`: once the file is deleted
/// its record goes (`forgetSpoolFile`, committed with the next round), and at start every
/// record whose file is not in `new/` goes (`forgetSpoolFiles(except:)`). So the table stays
/// as small as the spool, and a writer that reuses a name with the same content later is
/// applied again, not taken for the earlier file.
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

    /// Forgets an applied file whose deletion is done.
    package func forgetSpoolFile(name: String) throws(StoreError) {
        try db.hot("DELETE FROM spool_done WHERE name = ?").run([.text(name)])
    }

    /// Forgets every applied file but those still in `new/` (at start, before the first
    /// round); returns how many it forgot.
    @discardableResult
    public func forgetSpoolFiles(except present: Set<String>) throws(StoreError) -> Int {
        var gone: [String] = []
        let s = try db.statement("SELECT name FROM spool_done")
        while try s.step() {
            let name = s.text(0)
            if !present.contains(name) { gone.append(name) }
        }
        guard !gone.isEmpty else { return 0 }
        try begin()
        do {
            for name in gone { try forgetSpoolFile(name: name) }
            try commit()
        } catch {
            rollback()
            throw error
        }
        return gone.count
    }
}
