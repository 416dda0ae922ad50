import CSQLite
import TocsinCore
import TocsinSystem

/// A timeline row as `tocsinctl show` prints it.
public struct TimelineRow: Sendable {
    public var at: Timestamp
    public var what: String
    public var detail: String
    public var source: String?
    public var uid: Int64?
    public var pid: Int64?
}

/// A notification that could not be delivered.
public struct FailedNotification: Sendable {
    public var messageID: String
    public var contact: String
    public var incident: Int64?
    public var status: String
    public var attempts: Int
    public var error: String
    public var created: Timestamp
}

/// The outbox in numbers.
public struct OutboxCounts: Sendable {
    public var queued = 0
    public var held = 0
    public var failed = 0
    public var sent = 0
}

extension Store {
    /// The incident a user means by `key`: `#42` or `42` by number, else the newest with that id.
    public func incident(matching key: String) throws(StoreError) -> Incident? {
        let byID = try db.statement("SELECT \(incidentSelect) WHERE id = ? ORDER BY number DESC LIMIT 1")
        byID.bind([.text(key)])
        if try byID.step() { return Store.incident(from: byID) }
        let digits = key.hasPrefix("#") ? String(key.dropFirst()) : key
        guard let number = Int64(digits) else { return nil }
        let byNumber = try db.statement("SELECT \(incidentSelect) WHERE number = ?")
        byNumber.bind([.int(number)])
        return try byNumber.step() ? Store.incident(from: byNumber) : nil
    }

    /// Incident `number` as stored (for its fields, when a listing asks what holds it).
    public func incident(number: IncidentNumber) throws(StoreError) -> Incident? {
        let s = try db.statement("SELECT \(incidentSelect) WHERE number = ?")
        s.bind([.int(number.value)])
        return try s.step() ? Store.incident(from: s) : nil
    }

    /// An incident's timeline, oldest first.
    public func timeline(_ number: IncidentNumber) throws(StoreError) -> [TimelineRow] {
        let s = try db.statement("SELECT at, what, detail, source, uid, pid FROM timeline WHERE incident = ? ORDER BY seq")
        s.bind([.int(number.value)])
        var rows: [TimelineRow] = []
        while try s.step() {
            rows.append(
                TimelineRow(at: Timestamp(milliseconds: s.int64(0)), what: s.text(1), detail: s.text(2), source: s.optionalText(3), uid: s.optionalInt64(4), pid: s.optionalInt64(5)))
        }
        return rows
    }

    /// How many notifications are queued, held, failed, sent: from the partial indexes of
    /// queued and failed mail and the `counters` row of sent mail, never the whole outbox.
    public func outboxCounts() throws(StoreError) -> OutboxCounts {
        var counts = OutboxCounts()
        counts.queued = Int(try db.scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('held', 'queued') AND status = 'queued'") ?? 0)
        counts.failed = Int(try db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'failed'") ?? 0)
        // A store an older tocsind wrote and tocsind has not migrated yet has no counters.
        if let sent = (try? db.scalar("SELECT value FROM counters WHERE name = 'outbox_sent'")) ?? nil {
            counts.sent = Int(sent)
        } else {
            counts.sent = Int(try db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") ?? 0)
        }
        // Schema 4 keeps held messages in chunks; tocsinctl may read a store tocsind has not
        // migrated yet (schema 2 and 3: a row each; none before).
        counts.held = Int(
            ((try? db.scalar("SELECT COALESCE(SUM(count), 0) FROM held_chunks")) ?? nil)
                ?? ((try? db.scalar("SELECT COUNT(*) FROM held")) ?? nil) ?? 0)
        return counts
    }

    /// Open and acknowledged incidents, counted over the open-incidents index.
    public func openCounts() throws(StoreError) -> (open: Int, acked: Int) {
        let s = try db.statement("SELECT state, COUNT(*) FROM incidents WHERE state != 'resolved' GROUP BY state")
        var open = 0
        var acked = 0
        while try s.step() {
            open += Int(s.int64(1))
            if s.text(0) == "acked" { acked += Int(s.int64(1)) }
        }
        return (open, acked)
    }

    /// The latest failures: given up, or still being retried.
    public func recentFailures(limit: Int) throws(StoreError) -> [FailedNotification] {
        let s = try db.statement(
            """
            SELECT message_id, contact, incident, status, attempts, last_error, created FROM outbox WHERE status = 'failed'
            UNION ALL
            SELECT message_id, contact, incident, status, attempts, last_error, created FROM outbox
                WHERE status IN ('held', 'queued') AND status = 'queued' AND last_error IS NOT NULL
            ORDER BY created DESC LIMIT ?
            """)
        s.bind([.int(Int64(limit))])
        var rows: [FailedNotification] = []
        while try s.step() {
            rows.append(
                FailedNotification(
                    messageID: s.text(0), contact: s.text(1), incident: s.optionalInt64(2), status: s.text(3), attempts: Int(s.int64(4)),
                    error: s.text(5), created: Timestamp(milliseconds: s.int64(6))))
        }
        return rows
    }

    /// Incidents that began in [since, until), oldest first (the fault record).
    /// Streams the incidents that began in [since, until) to `body`, by when they began, in
    /// constant memory here (SQLite's sorter spills to a temporary file past its cache):
    /// `tocsinctl export` of any span.
    ///
    /// It reads the span's rows only, however long the history: an incident's `began` is
    /// at most 5 minutes after its opening (the future limit of `at`), and unless it was
    /// backdated by more than 5 minutes at most 5 minutes before it, so the others lie in
    /// the number range opened within the span ±5 minutes (found by binary search; an hour
    /// is allowed for a clock that went back), and the backdated ones are in the partial
    /// index `incidents_backdated`.
    public func forEachIncident(beganFrom since: Timestamp?, until: Timestamp?, _ body: (IncidentRow) -> Void) throws(StoreError) {
        let from = since?.milliseconds ?? Int64.min
        let to = until?.milliseconds ?? Int64.max
        let margin = RuleDuration.hours(1)
        var lowNumber = Int64.min
        var highNumber = Int64.max
        if let since { lowNumber = try firstNumber(openedAtOrAfter: since - margin - EventLimits.maxFutureSkew) }
        if let until { highNumber = try firstNumber(openedAtOrAfter: until + margin + EventLimits.maxFutureSkew) }
        let hasBackdatedIndex = try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents_backdated'") == 1
        let backdated = hasBackdatedIndex ? "began < opened - 300000" : "1"
        let s = try db.statement("""
            SELECT \(IncidentRow.columns) WHERE number >= ? AND number < ? AND began >= ? AND began < ?
            UNION ALL
            SELECT \(IncidentRow.columns) WHERE \(backdated) AND began >= ? AND began < ? AND (number < ? OR number >= ?)
            ORDER BY began, number
            """)
        s.bind([.int(lowNumber), .int(highNumber), .int(from), .int(to), .int(from), .int(to), .int(lowNumber), .int(highNumber)])
        while try s.step() { body(IncidentRow(from: s)) }
    }

    /// The time zone the daemon last ran with (for printing local times), or UTC.
    public func displayZone() -> Zone {
        ((try? metaValue("timezone")) ?? nil).flatMap { Zone(identifier: $0) } ?? .utc
    }
}
