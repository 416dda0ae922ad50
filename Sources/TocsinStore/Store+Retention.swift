import CSQLite
import TocsinCore
import TocsinSystem

/// What one pass of retention deleted.
package struct PruneResult: Sendable, Equatable {
    /// Resolved incidents deleted (with their timeline and progress rows).
    package var incidents = 0
    /// Outbox rows deleted: sent rows an older tocsind kept, and failed ones past the cutoff.
    package var messages = 0
    /// Whether more is left to delete (run another pass soon).
    package var more: Bool { incidents > 0 || messages > 0 }
}

extension Store {
    /// Resolved incidents deleted per pass, with their rows: a pass is part of one commit,
    /// and stays a few milliseconds on the writer.
    package static let pruneBatch = 100

    /// One pass of retention: deletes at most `pruneBatch` incidents resolved before
    /// `cutoff` (with their timeline and progress rows) and as many outbox rows that no
    /// longer matter (sent ones a tocsind before schema 7 kept; failed ones created before
    /// the cutoff). Only rows older than the cutoff are read: incident numbers are given
    /// in the order incidents are opened, so the oldest are found from the primary key.
    package func prune(before cutoff: Timestamp) throws(StoreError) -> PruneResult {
        var result = PruneResult()
        let bound = try firstNumber(openedAtOrAfter: cutoff)
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS pruned (number INTEGER PRIMARY KEY)", "prune")
        try db.hot(
            "INSERT INTO pruned SELECT number FROM incidents WHERE number < ? AND state = 'resolved' AND resolved_at < ? ORDER BY number LIMIT ?"
        ).run([.int(bound), .int(cutoff.milliseconds), .int(Int64(Store.pruneBatch))])
        result.incidents = Int(sqlite3_changes(db.handle))
        if result.incidents > 0 {
            try db.hot("DELETE FROM timeline WHERE incident IN (SELECT number FROM pruned)").run([])
            try db.hot("DELETE FROM progress WHERE number IN (SELECT number FROM pruned)").run([])
            try db.hot("DELETE FROM incidents WHERE number IN (SELECT number FROM pruned)").run([])
            try db.hot("DELETE FROM pruned").run([])
        }
        try db.hot(
            "DELETE FROM outbox WHERE message_id IN (SELECT message_id FROM outbox WHERE status = 'sent' LIMIT ?)"
        ).run([.int(Int64(Store.pruneBatch))])
        result.messages = Int(sqlite3_changes(db.handle))
        try db.hot(
            "DELETE FROM outbox WHERE message_id IN (SELECT message_id FROM outbox WHERE status = 'failed' AND created < ? LIMIT ?)"
        ).run([.int(cutoff.milliseconds), .int(Int64(Store.pruneBatch))])
        result.messages += Int(sqlite3_changes(db.handle))
        try db.hot("DELETE FROM replies WHERE at_ms < ?").run([.int(cutoff.milliseconds)])
        return result
    }

    /// Gives back up to `pages` free pages to the file system (a store made with
    /// `auto_vacuum=INCREMENTAL`; a no-op on older ones), after retention or a storm.
    package func giveBackFreePages(_ pages: Int) throws(StoreError) {
        try db.execute("PRAGMA incremental_vacuum(\(pages))", "vacuum")
    }
}
