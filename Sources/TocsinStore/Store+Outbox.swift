import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `outbox` table: every notification, queued until sent or failed for good.
extension Store {
    /// Writes an outbox item (insert or replace its state).
    public func saveOutbox(_ item: OutboxItem) throws(StoreError) {
        let m = item.message
        let (channel, target) = ChannelCoding.encode(m.channel)
        let s = try db.hot(
            """
            INSERT INTO outbox (message_id, status, contact, channel, target, purpose, subject, body, in_reply_to,
                incident, incidents, incident_id, kind, severity, rule, step, created, content, storm_group, release_at,
                attempts, next_attempt, last_error)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(message_id) DO UPDATE SET status=excluded.status, content=excluded.content,
                attempts=excluded.attempts, next_attempt=excluded.next_attempt, last_error=excluded.last_error
            """
        )
        s.bind(1, m.messageID)
        s.bind(2, item.status.rawValue)
        s.bind(3, m.contact.rawValue)
        s.bind(4, channel)
        s.bind(5, target)
        s.bind(6, m.purpose.rawValue)
        s.bind(7, m.subject)
        s.bind(8, m.body)
        s.bind(9, m.inReplyTo)
        s.bind(10, m.incident?.value)
        s.bind(11, m.incidents.isEmpty ? "" : m.incidents.map(\.description).joined(separator: " "))
        s.bind(12, m.incidentID)
        s.bind(13, m.kind)
        s.bind(14, m.severity.map(Int64.init))
        s.bind(15, m.rule?.rawValue)
        s.bind(16, m.step)
        s.bind(17, m.created.milliseconds)
        s.bind(18, blob: item.content)
        s.bind(19, nil as String?)
        s.bind(20, nil as Int64?)
        s.bind(21, Int64(item.attempts))
        s.bind(22, item.nextAttempt?.milliseconds)
        s.bind(23, item.lastError)
        try s.run()
    }

    /// Records a delivery.
    public func markSent(_ messageID: String, at: Timestamp, attempts: Int) throws(StoreError) {
        // The timeline row "sent" (same transaction) is the record; the row, with the mail's
        // text, goes, so sent mail does not fill the store (it was two thirds of a store
        // with history). The counter keeps the number `status` shows.
        try db.hot("DELETE FROM outbox WHERE message_id = ? AND status != 'sent'").run([.text(messageID)])
        if sqlite3_changes(db.handle) > 0 {
            try db.hot("UPDATE counters SET value = value + 1 WHERE name = 'outbox_sent'").run([])
        }
    }

    /// Records a failed attempt: queued again for `nextAttempt`, or failed for good.
    public func markAttempt(_ messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?) throws(StoreError) {
        try db.hot("UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt = ? WHERE message_id = ?").run([
            .text(nextAttempt == nil ? "failed" : "queued"), .int(Int64(attempts)), .text(error),
            .optional(nextAttempt?.milliseconds), .text(messageID),
        ])
    }

    package static let outboxColumns = """
        message_id, status, contact, channel, target, purpose, subject, body, in_reply_to, incident, incidents,
        incident_id, kind, severity, rule, step, created, content, storm_group, release_at, attempts, next_attempt, last_error
        """

    /// The message in a row of `outboxColumns` or `heldColumns` (which agree but for column 1).
    package static func outboundMessage(from s: Statement) -> OutboundMessage {
        OutboundMessage(
            messageID: s.text(0), contact: ContactName(s.text(2)), channel: ChannelCoding.decode(s.text(3), s.text(4)),
            purpose: OutboundMessage.Purpose(rawValue: s.text(5)) ?? .step, subject: s.text(6), body: s.text(7),
            inReplyTo: s.optionalText(8), created: Timestamp(milliseconds: s.int64(16)),
            incident: s.optionalInt64(9).map(IncidentNumber.init),
            incidents: s.text(10).split(separator: " ").compactMap { Int64($0) }.map(IncidentNumber.init),
            incidentID: s.optionalText(11), kind: s.optionalText(12), severity: s.optionalInt64(13).map { Int($0) },
            rule: s.optionalText(14).map { RuleName($0) }, step: s.text(15))
    }

    package static func outboxItem(from s: Statement) -> OutboxItem {
        OutboxItem(
            message: outboundMessage(from: s), status: OutboxItem.Status(rawValue: s.text(1)) ?? .queued, content: s.blob(17),
            attempts: Int(s.int64(20)), nextAttempt: s.optionalInt64(21).map(Timestamp.init(milliseconds:)),
            lastError: s.optionalText(22))
    }

    /// Every queued notification (to send or retry), oldest first.
    public func queuedOutbox() throws(StoreError) -> [OutboxItem] {
        let s = try db.statement("SELECT \(Store.outboxColumns) FROM outbox WHERE status IN ('held', 'queued') AND status = 'queued' ORDER BY created, message_id")
        var items: [OutboxItem] = []
        while try s.step() { items.append(Store.outboxItem(from: s)) }
        // Messages made in the same instant (steps and repeats overdue at a restart) in the
        // order the engine made them: steps by number, then repeats by number.
        func rank(_ step: String) -> Int {
            if step.hasPrefix("repeat "), let n = Int(step.dropFirst(7)) { return 1_000_000 + n }
            return Int(step) ?? 2_000_000  // "recovered" last
        }
        return items.enumerated().sorted {
            ($0.element.message.created, rank($0.element.message.step), $0.offset)
                < ($1.element.message.created, rank($1.element.message.step), $1.offset)
        }.map(\.element)
    }
}
