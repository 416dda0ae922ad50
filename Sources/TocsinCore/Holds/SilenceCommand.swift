/// The socket's silence control lines (SPEC §14), written by `tocsinctl silence` and read by
/// tocsind. Like `status`, they begin with a bare word, which no event line does:
///
///     silence add until=1764758400000 from=1764751200000 by=ops reason="更换打印机" m1=kind=fault m2="id~^teller-"
///     silence expire number=3 by=ops
///
/// Instants are milliseconds since the epoch (no zone to misread); matchers are `m1`, `m2`, …
/// in order, each as `match` writes it. tocsind answers `ok silence=3 until=RFC3339` once the
/// silence is stored (fsync'd), or `error reason="…"`.
public enum SilenceCommand: Hashable, Sendable {
    /// Create a silence.
    case add(matchers: [String], from: Timestamp?, until: Timestamp, reason: String, by: String)
    /// End silence `number` now.
    case expire(number: Int64, by: String)

    /// The control line.
    public var line: String {
        switch self {
        case .add(let matchers, let from, let until, let reason, let by):
            var text = "silence add until=\(until.milliseconds)"
            if let from { text += " from=\(from.milliseconds)" }
            text += " by=" + Event.logfmtQuoted(by) + " reason=" + Event.logfmtQuoted(reason)
            for (index, matcher) in matchers.enumerated() { text += " m\(index + 1)=" + Event.logfmtQuoted(matcher) }
            return text
        case .expire(let number, let by):
            return "silence expire number=\(number) by=" + Event.logfmtQuoted(by)
        }
    }

    /// Whether a socket line is a silence command (one comparison on the ingest path for
    /// event lines, which never start with a bare word).
    public static func isCommand(_ bytes: [UInt8]) -> Bool {
        bytes.count > 8 && bytes[0] == UInt8(ascii: "s") && bytes[7] == 0x20 && bytes.starts(with: "silence ".utf8)
    }

    /// Reads a control line; the error says what is wrong with it.
    public static func parse(_ line: String) -> Result<SilenceCommand, MatcherError> {
        func fail(_ message: String) -> Result<SilenceCommand, MatcherError> { .failure(MatcherError(message: message)) }
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2, words[0] == "silence" else { return fail("not a silence command") }
        guard let pairs = LogfmtFields.all(in: line) else { return fail("the silence command's fields do not parse") }
        var values: [String: String] = [:]
        for (key, value) in pairs { values[key] = value }
        let by = values["by"] ?? "-"
        switch words[1] {
        case "add":
            guard let until = values["until"].flatMap(Int64.init) else { return fail("silence add needs until=MILLISECONDS") }
            guard let reason = values["reason"], !reason.isEmpty else { return fail("silence add needs a reason") }
            var matchers: [String] = []
            while let matcher = values["m\(matchers.count + 1)"] { matchers.append(matcher) }
            let from = values["from"].flatMap(Int64.init).map(Timestamp.init(milliseconds:))
            return .success(.add(matchers: matchers, from: from, until: Timestamp(milliseconds: until), reason: reason, by: by))
        case "expire":
            guard let number = values["number"].flatMap(Int64.init) else { return fail("silence expire needs number=N") }
            return .success(.expire(number: number, by: by))
        default:
            return fail("unknown silence command '\(words[1])' (add, expire)")
        }
    }
}
