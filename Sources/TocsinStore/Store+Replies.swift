import CSQLite
import TocsinCore

/// A reply (mail or SMS) that acted on an incident, kept so the same reply delivered again
/// acts nothing (SPEC §17).
public struct AppliedReply: Hashable, Sendable {
    /// The reply's Message-ID, or a digest of what identifies it.
    public var key: String
    public var at: Timestamp
    public var incident: IncidentNumber
    public var contact: ContactName
    /// `ack`, `resolve` or `note`.
    public var action: String

    /// Creates a record.
    public init(key: String, at: Timestamp, incident: IncidentNumber, contact: ContactName, action: String) {
        self.key = key
        self.at = at
        self.incident = incident
        self.contact = contact
        self.action = action
    }
}

/// The `replies` table: one row per reply acted on.
extension Store {
    /// Writes a reply acted on.
    package func saveReply(_ reply: AppliedReply) throws(StoreError) {
        try db.hot("INSERT OR IGNORE INTO replies (key, at_ms, incident, contact, action) VALUES (?,?,?,?,?)").run([
            .text(reply.key), .int(reply.at.milliseconds), .int(reply.incident.value), .text(reply.contact.rawValue),
            .text(reply.action),
        ])
    }

    /// Every stored reply's key (read once at start; replies are few).
    public func replyKeys() throws(StoreError) -> Set<String> {
        var keys: Set<String> = []
        let s = try db.statement("SELECT key FROM replies")
        while try s.step() { keys.insert(s.text(0)) }
        return keys
    }
}
