/// What a reply asks for, from its first own line (SPEC §17): `ack` / `确认` / `收到`
/// acknowledges; `resolve CAUSE` / `已恢复 CAUSE` resolves with that cause; `note TEXT` /
/// `备注 TEXT` notes. English words in any case; the word may be followed by a space, an
/// ideographic space or a colon (`已恢复：更换网线`).
public enum ReplyAction: Equatable, Sendable {
    case ack
    case resolve(cause: String?)
    case note(String)

    /// The word that names it in the journal and on the socket.
    public var verb: String {
        switch self {
        case .ack: "ack"
        case .resolve: "resolve"
        case .note: "note"
        }
    }

    /// The command words and what each makes of the rest of the line, longest first (so
    /// "resolved" is tried before "resolve").
    private static let words: [(String, @Sendable (String) -> ReplyAction?)] = [
        ("resolved", { .resolve(cause: $0.isEmpty ? nil : $0) }), ("resolve", { .resolve(cause: $0.isEmpty ? nil : $0) }),
        ("note", { $0.isEmpty ? nil : .note($0) }), ("ack", { _ in .ack }), ("已恢复", { .resolve(cause: $0.isEmpty ? nil : $0) }),
        ("确认", { _ in .ack }), ("收到", { _ in .ack }), ("备注", { $0.isEmpty ? nil : .note($0) }),
    ]

    /// The action a line asks for, or nil when it starts with none of the words.
    public static func parse(_ line: String) -> ReplyAction? {
        let text = line.trimming(ReplyText.blank)
        let lowered = text.lowercased()
        for (word, make) in ReplyAction.words where lowered.hasPrefix(word) {
            let rest = text.dropFirst(word.count)
            // An English word must end there: "acknowledged" is not "ack".
            if let next = rest.first, word.first!.isASCII, !(ReplyText.blank.contains(next) || ReplyText.separators.contains(next) || next.isPunctuation) {
                continue
            }
            // "ack", "确认。", "收到，马上处理": an ack whatever follows; a cause or note is the rest.
            return make(String(rest).trimming(ReplyText.blank + ReplyText.separators))
        }
        return nil
    }
}

/// The reply's own text: its first line that is not blank, above the quoted message and the
/// signature.
public enum ReplyText {
    static let blank = " \t\r\u{3000}\u{A0}"
    static let separators = ":：,，。.!！"

    /// The first own line, or nil when the reply has none (only quoted text or a signature).
    public static func firstOwnLine(_ text: String) -> String? {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw).trimming(blank)
            if line.isEmpty { continue }
            if line == "--" || raw.hasPrefix("-- ") || line.hasPrefix(">") { return nil }
            if isQuoteHeader(line) { return nil }
            return line
        }
        return nil
    }

    /// "On … wrote:", "在 … 写道：", "-----Original Message-----", "发件人：…" and the like: the
    /// start of the quoted message.
    static func isQuoteHeader(_ line: String) -> Bool {
        let lowered = line.lowercased()
        if lowered.hasPrefix("on "), lowered.hasSuffix("wrote:") { return true }
        if line.hasSuffix("写道：") || line.hasSuffix("写道:") { return true }
        if lowered.hasPrefix("-----original message") || line.hasPrefix("------------------") || line.contains("原始邮件") {
            return true
        }
        return lowered.hasPrefix("from:") || line.hasPrefix("发件人：") || line.hasPrefix("发件人:")
    }
}
