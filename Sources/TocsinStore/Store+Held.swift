import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `held_chunks` table: messages storm control holds until their window ends.
extension Store {
    /// Keeps messages storm control holds for one contact and rule until `releaseAt` (when
    /// they go out alone or in a digest), packed into one row.
    package func saveHeld(_ key: StormKey, releaseAt: Timestamp, messages: [OutboundMessage]) throws(StoreError) {
        let s = try db.hot("INSERT INTO held_chunks (storm_group, contact, release_at, count, messages) VALUES (?,?,?,?,?)")
        s.bind(1, key.group)
        s.bind(2, key.contact.rawValue)
        s.bind(3, releaseAt.milliseconds)
        s.bind(4, Int64(messages.count))
        s.bind(5, blob: HeldMessageCodec.encode(messages))
        try s.run()
    }

    /// Lets go of a release's held messages: every one held for its key until then or earlier.
    public func deleteHeld(_ release: StormRelease) throws(StoreError) {
        let s = try db.hot("DELETE FROM held_chunks WHERE contact = ? AND storm_group = ? AND release_at <= ?")
        s.bind(1, release.key.contact.rawValue)
        s.bind(2, release.key.group)
        s.bind(3, release.through.milliseconds)
        try s.run()
    }

    /// Every held message, in the order it was held.
    package func heldMessages() throws(StoreError) -> [HeldMessage] {
        var held: [HeldMessage] = []
        let s = try db.statement("SELECT seq, storm_group, contact, release_at, count, messages FROM held_chunks ORDER BY seq")
        while try s.step() {
            let key = StormKey(contact: ContactName(s.text(2)), group: s.text(1))
            guard let messages = HeldMessageCodec.decode(s.blob(5)), messages.count == Int(s.int64(4)) else {
                throw StoreError(
                    db.path, "read held messages from",
                    "row \(s.int64(0)) of held_chunks (\(s.int64(4)) messages for \(key.contact)) is damaged", code: SQLITE_CORRUPT)
            }
            let releaseAt = Timestamp(milliseconds: s.int64(3))
            for message in messages { held.append(HeldMessage(message: message, key: key, releaseAt: releaseAt)) }
        }
        return held
    }

    /// Schema 4: the rows of the old one-message-per-row `held` table become chunks.
    func packHeldRows() throws(StoreError) {
        let old = try db.statement("SELECT \(Store.heldColumns) FROM held ORDER BY seq")
        var rows: [HeldMessage] = []
        while try old.step() { rows.append(Store.heldMessage(from: old)) }
        for held in rows { try saveHeld(held.key, releaseAt: held.releaseAt, messages: [held.message]) }
        try db.execute("DROP TABLE held", "migrate")
    }

    /// The columns of the `held` table of schemas 2 and 3.
    package static let heldColumns = """
        message_id, storm_group, contact, channel, target, purpose, subject, body, in_reply_to, incident, incidents,
        incident_id, kind, severity, rule, step, created, release_at
        """

    package static func heldMessage(from s: Statement) -> HeldMessage {
        let message = outboundMessage(from: s)
        return HeldMessage(
            message: message, key: StormKey(contact: message.contact, group: s.text(1)),
            releaseAt: Timestamp(milliseconds: s.int64(17)))
    }
}
