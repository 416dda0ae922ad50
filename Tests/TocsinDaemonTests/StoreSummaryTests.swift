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

@Suite("The daily report's ledger at a restart: read from the span since the last report")
struct StoreLedgerTests {
    @Test("agrees with counting the whole history, on 2,000 incidents over 10 days")
    func agreesWithFullCount() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let day: Int64 = 86_400_000
        let batch = StoreBatch()
        var generator = SystemRandomNumberGenerator()
        for n in 1...2_000 {
            let opened = Timestamp(milliseconds: Int64(n) * day / 200)  // 200 a day, in number order
            var incident = Incident(
                number: IncidentNumber(Int64(n)), id: "f\(n)", fields: Event(fields: [EventField("kind", n % 3 == 0 ? "complaint" : "fault")]),
                began: opened, opened: opened)
            batch.save(incident)
            batch.appendTimeline(incident: incident.number, at: opened, what: "open", detail: "")
            if n % 4 == 0 { batch.appendStepFired(incident: incident.number, at: opened + .minutes(30), label: "1", contacts: []) }
            if n % 5 != 0 {
                // Resolved some hours to two days later.
                let resolved = Timestamp(milliseconds: opened.milliseconds + Int64.random(in: 3_600_000...(2 * day), using: &generator))
                incident.state = .resolved
                incident.resolvedAt = resolved
                batch.save(incident)
                batch.appendTimeline(incident: incident.number, at: resolved, what: "resolved", detail: "")
            }
        }
        try store.begin()
        try store.apply(batch)
        try store.commit()
        // Timeline rows are written in time order by tocsind; sort these the same way.
        try store.db.execute("""
            CREATE TABLE t2 AS SELECT * FROM timeline ORDER BY at, seq; DELETE FROM timeline;
            INSERT INTO timeline (incident, at, what, detail, source, uid, pid) SELECT incident, at, what, detail, source, uid, pid FROM t2;
            DROP TABLE t2;
            """)
        for since in [Timestamp(milliseconds: 7 * day + 17 * 3_600_000), Timestamp(milliseconds: 0), Timestamp(milliseconds: 11 * day)] {
            let ledger = try store.ledger(since: since)
            let ms = since.milliseconds
            #expect(ledger.openedCount == Int(try store.db.scalar("SELECT COUNT(*) FROM incidents WHERE opened >= \(ms)") ?? -1))
            #expect(ledger.resolvedCount == Int(try store.db.scalar("SELECT COUNT(*) FROM incidents WHERE resolved_at >= \(ms)") ?? -1))
            #expect(ledger.stepsFired == Int(try store.db.scalar("SELECT COUNT(*) FROM timeline WHERE what = 'step' AND at >= \(ms)") ?? -1))
            #expect(ledger.openedByKind["complaint"] == (try store.db.scalar("SELECT COUNT(*) FROM incidents WHERE opened >= \(ms) AND kind = 'complaint'")).map { Int($0) }.flatMap { $0 == 0 ? nil : $0 })
            let first = try store.db.statement("SELECT number FROM incidents WHERE resolved_at >= \(ms) ORDER BY resolved_at LIMIT 50")
            var expected: [Int64] = []
            while try first.step() { expected.append(first.int64(0)) }
            #expect(ledger.resolved.map(\.incident.value) == expected)
        }
    }
}

@Suite("Retention: resolved incidents past keep-history go, a batch at a time")
struct StoreRetentionTests {
    @Test("a pass deletes at most a batch of the oldest resolved incidents before the cutoff, with their rows; open and recent ones stay")
    func prune() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let day: Int64 = 86_400_000
        let batch = StoreBatch()
        for n in 1...300 {
            let opened = Timestamp(milliseconds: Int64(n) * day)
            var incident = Incident(
                number: IncidentNumber(Int64(n)), id: "f\(n)", fields: Event(fields: [EventField("kind", "fault")]), began: opened, opened: opened)
            batch.save(incident)
            batch.appendTimeline(incident: incident.number, at: opened, what: "open", detail: "")
            if n % 10 != 0 {  // every tenth stays open
                incident.state = .resolved
                incident.resolvedAt = opened + .hours(2)
                batch.save(incident)
                batch.appendTimeline(incident: incident.number, at: opened + .hours(2), what: "resolved", detail: "")
            }
        }
        try store.begin()
        try store.apply(batch)
        try store.commit()
        let cutoff = Timestamp(milliseconds: 250 * day)  // 249 days' incidents are before it
        func pass() throws -> PruneResult {
            try store.begin()
            let result = try store.prune(before: cutoff)
            try store.commit()
            return result
        }
        let first = try pass()
        #expect(first.incidents == Store.pruneBatch)
        #expect(first.more)
        var total = first.incidents
        while true {
            let next = try pass()
            total += next.incidents
            if !next.more { break }
        }
        // Resolved before day 250: 249 incidents, less the 24 open ones (10, 20, … 240).
        #expect(total == 249 - 24)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM incidents") == 300 - 225)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM incidents WHERE number < 250 AND state = 'resolved'") == 0)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM incidents WHERE state != 'resolved'") == 30)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM timeline WHERE incident IN (1, 2, 3)") == 0)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM timeline WHERE incident = 10") == 1)
        #expect(try store.db.scalar("PRAGMA auto_vacuum") == 2)  // incremental, for a store made new
    }

    @Test("sent mail leaves the outbox as it is marked sent; the timeline keeps the record")
    func sentRowsGo() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let message = OutboundMessage(
            messageID: "m1", contact: ContactName("ops"), channel: .mail(["ops@example.org"]), purpose: .step, subject: "s",
            body: "b", inReplyTo: nil, created: Timestamp(milliseconds: 1), incident: IncidentNumber(1), step: "1")
        try store.saveOutbox(OutboxItem(message: message, status: .queued, content: Array("mail".utf8)))
        try store.markSent("m1", at: Timestamp(milliseconds: 2), attempts: 1)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outbox") == 0)
        #expect(try store.outboxCounts().sent == 1)
    }

    @Test("set keep-history: a duration of at least a day")
    func setting() {
        #expect(RuleCompiler.compile("set keep-history 730d\ncontact a mail a@x.example\n").ruleSet?.settings.keepHistory == .days(730))
        #expect(RuleCompiler.compile("contact a mail a@x.example\n").ruleSet?.settings.keepHistory == .days(1_095))
        let out = RuleCompiler.compile("set keep-history 2h\n", name: "r.rules").renderedDiagnostics()
        #expect(out.hasPrefix("r.rules:1:18: error: keep-history is at least 1d: resolved incidents are kept at least a day, got '2h'"), "\(out)")
    }
}

@Suite("Export of a span reads the span's rows only")
struct StoreExportSpanTests {
    @Test("agrees with a whole-table query on 3,000 incidents, some backdated by days, some 4 minutes ahead")
    func agreesWithScan() throws {
        let dir = try temporaryStoreDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(directory: dir.path)
        let hour: Int64 = 3_600_000
        let batch = StoreBatch()
        var generator = SplitMixGenerator(seed: 42)
        for n in 1...3_000 {
            let opened = Timestamp(milliseconds: Int64(n) * hour / 10)  // 10 an hour
            let kind = generator.next() % 20
            let began: Timestamp
            switch kind {
            case 0: began = Timestamp(milliseconds: opened.milliseconds - Int64(generator.next() % UInt64(200 * hour)))  // backdated
            case 1: began = Timestamp(milliseconds: opened.milliseconds + 240_000)  // at 4 min ahead
            default: began = Timestamp(milliseconds: opened.milliseconds - Int64(generator.next() % 200_000))
            }
            batch.save(Incident(number: IncidentNumber(Int64(n)), id: "f\(n)", fields: Event(fields: [EventField("kind", "fault")]), began: began, opened: opened))
        }
        try store.begin()
        try store.apply(batch)
        try store.commit()
        for (from, to) in [(24, 48), (100, 101), (0, 300), (299, 400), (150, 151)] as [(Int64, Int64)] {
            let since = Timestamp(milliseconds: from * hour)
            let until = Timestamp(milliseconds: to * hour)
            var got: [Int64] = []
            try store.forEachIncident(beganFrom: since, until: until) { got.append($0.number.value) }
            let s = try store.db.statement("SELECT number FROM incidents WHERE began >= \(since.milliseconds) AND began < \(until.milliseconds) ORDER BY began, number")
            var expected: [Int64] = []
            while try s.step() { expected.append(s.int64(0)) }
            #expect(got == expected, "span \(from)h-\(to)h: \(got.count) against \(expected.count)")
        }
        let plan = try store.db.statement("EXPLAIN QUERY PLAN SELECT number FROM incidents WHERE began < opened - 300000 AND began >= 0 AND began < 5")
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3)) }
        #expect(steps.joined().contains("incidents_backdated"), "\(steps)")
    }
}

/// A small deterministic generator for store tests.
struct SplitMixGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
