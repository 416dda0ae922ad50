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
