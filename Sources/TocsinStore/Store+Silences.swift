import CSQLite
import TocsinCore

/// The `silences` table: every silence, with its matchers as the operator wrote them (one
/// per line), its span, reason, author and early expiry.
extension Store {
    static let silenceColumns = "number, matchers, from_ms, until_ms, reason, by, created_ms, expired_ms"

    /// Writes a silence (new, or expired early).
    package func saveSilence(_ silence: Silence) throws(StoreError) {
        try db.hot("INSERT OR REPLACE INTO silences (number, matchers, from_ms, until_ms, reason, by, created_ms, expired_ms) VALUES (?,?,?,?,?,?,?,?)").run([
            .int(silence.number), .text(silence.matchWords.joined(separator: "\n")),
            .int(silence.from.milliseconds), .int(silence.until.milliseconds), .text(silence.reason), .text(silence.by),
            .int(silence.created.milliseconds), silence.expiredAt.map { .int($0.milliseconds) } ?? .null,
        ])
    }

    /// Every stored silence, by number. A row whose matchers no longer parse is an error
    /// naming it (nothing is dropped in silence).
    public func silences() throws(StoreError) -> [Silence] {
        var found: [Silence] = []
        let s = try db.statement("SELECT \(Store.silenceColumns) FROM silences ORDER BY number")
        while try s.step() {
            let text = s.text(1)
            let words = text.split(separator: "\n").map(String.init)
            guard case .success(let matchers) = RuleCompiler.matchers(words) else {
                throw StoreError(db.path, "read silences from", "silence #\(s.int64(0)) has matchers that do not parse: \(text)", code: SQLITE_CORRUPT)
            }
            found.append(
                Silence(
                    number: s.int64(0), matchers: matchers, matchWords: words, from: Timestamp(milliseconds: s.int64(2)),
                    until: Timestamp(milliseconds: s.int64(3)), reason: s.text(4), by: s.text(5),
                    created: Timestamp(milliseconds: s.int64(6)), expiredAt: s.optionalInt64(7).map(Timestamp.init(milliseconds:))))
        }
        return found
    }
}

/// The `holds` table: holds recorded with open incidents (acks under a timeout, waits on
/// parents).
extension Store {
    /// Writes (or ends) a hold.
    package func saveHold(_ incident: IncidentNumber, _ hold: RecordedHold) throws(StoreError) {
        let (cause, ref): (String, String) =
            switch hold.cause {
            case .ack: ("ack", "")
            case .parent(let parent): ("parent", String(parent.value))
            }
        try db.hot("INSERT OR REPLACE INTO holds (incident, cause, ref, from_ms, until_ms) VALUES (?,?,?,?,?)").run([
            .int(incident.value), .text(cause), .text(ref), .int(hold.interval.from.milliseconds),
            hold.interval.until.map { .int($0.milliseconds) } ?? .null,
        ])
    }

    /// Deletes a resolved incident's holds.
    package func deleteHolds(_ incident: IncidentNumber) throws(StoreError) {
        try db.hot("DELETE FROM holds WHERE incident = ?").run([.int(incident.value)])
    }

    /// Every recorded hold, by incident, in the order they began.
    public func recordedHolds() throws(StoreError) -> [IncidentNumber: [RecordedHold]] {
        var found: [IncidentNumber: [RecordedHold]] = [:]
        let s = try db.statement("SELECT incident, cause, ref, from_ms, until_ms FROM holds ORDER BY incident, from_ms")
        while try s.step() {
            let cause: RecordedHold.Cause
            switch s.text(1) {
            case "ack": cause = .ack
            case "parent":
                guard let parent = Int64(s.text(2)) else { continue }
                cause = .parent(IncidentNumber(parent))
            default: continue
            }
            let interval = HeldInterval(
                from: Timestamp(milliseconds: s.int64(3)), until: s.optionalInt64(4).map(Timestamp.init(milliseconds:)))
            found[IncidentNumber(s.int64(0)), default: []].append(RecordedHold(cause: cause, interval: interval))
        }
        return found
    }
}
