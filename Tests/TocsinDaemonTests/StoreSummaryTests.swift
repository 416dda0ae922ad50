import Foundation
import Testing
import TocsinCore

@testable import TocsinStore
@testable import TocsinSystem

@Suite("What status reads: small summary state and the indexes, never the whole outbox")
struct StoreSummaryTests {
    func message(_ n: Int) -> OutboundMessage {
        OutboundMessage(
            messageID: "m\(n)", contact: ContactName("ops"), channel: .mail(["ops@example.org"]), purpose: .step, subject: "s",
            body: "b", inReplyTo: nil, created: Timestamp(milliseconds: Int64(n)), incident: IncidentNumber(Int64(n)), step: "1")
    }

    @Test("sent mail is counted as it is marked sent, once per message, and survives a reopen")
    func sentCounter() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        for n in 0..<5 { try store.saveOutbox(OutboxItem(message: message(n), status: .queued, content: [])) }
        for n in 0..<3 { try store.markSent("m\(n)", at: Timestamp(milliseconds: 10), attempts: 1) }
        try store.markSent("m0", at: Timestamp(milliseconds: 11), attempts: 2)  // delivered twice after a crash
        try store.markAttempt("m4", attempts: 3, error: "sendmail exited 75", nextAttempt: nil)
        let counts = try store.outboxCounts()
        #expect(counts.sent == 3)
        #expect(counts.queued == 1)
        #expect(counts.failed == 1)
        #expect(try Store(readOnlyAt: dir.path).outboxCounts().sent == 3)
        #expect(try store.recentFailures(limit: 5).map(\.messageID) == ["m4"])
    }

    /// SQLite's plan for `sql`, one line per step.
    func plan(_ store: Store, _ sql: String) throws -> String {
        let s = try store.db.statement("EXPLAIN QUERY PLAN " + sql)
        var steps: [String] = []
        while try s.step() { steps.append(s.text(3)) }
        return steps.joined(separator: "; ")
    }

    @Test("the queries of status, start and list use their indexes")
    func queryPlans() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        #expect(try plan(store, "SELECT COUNT(*) FROM outbox WHERE status IN ('held', 'queued') AND status = 'queued'").contains("outbox_pending"))
        #expect(try plan(store, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'").contains("outbox_failed"))
        #expect(try plan(store, "SELECT state, COUNT(*) FROM incidents WHERE state != 'resolved' GROUP BY state").contains("incidents_open"))
        let failures = try plan(store, """
            SELECT message_id FROM outbox WHERE status = 'failed'
            UNION ALL SELECT message_id FROM outbox WHERE status IN ('held', 'queued') AND status = 'queued' AND last_error IS NOT NULL
            """)
        #expect(failures.contains("outbox_failed") && failures.contains("outbox_pending"), "\(failures)")
        #expect(!(try plan(store, "SELECT number FROM incidents ORDER BY number DESC LIMIT 20")).contains("TEMP B-TREE"))
    }
}
