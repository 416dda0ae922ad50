/// One whitespace-separated word of a rule line, possibly with quoted parts
/// (`summary~"核心 系统"` is one token of an unquoted and a quoted piece).
public struct RuleToken: Hashable, Sendable {
    /// A run of unquoted text or the decoded contents of a quoted string.
    public struct Piece: Hashable, Sendable {
        /// The text, escapes already undone for quoted pieces.
        public var text: String
        /// Whether it was written in double quotes.
        public var quoted: Bool
    }

    /// The pieces in order.
    public var pieces: [Piece]
    /// Where the token is, covering all its characters.
    public var range: SourceRange

    /// The decoded text of all pieces together.
    public var text: String { pieces.map(\.text).joined() }

    /// True when the token is plain unquoted text (a keyword or a name).
    public var isBare: Bool { pieces.count == 1 && !pieces[0].quoted }

    /// True when the whole token is one quoted string.
    public var isString: Bool { pieces.count == 1 && pieces[0].quoted }
}

/// One logical line of a rule file: its tokens and whether it was indented.
public struct RuleLine: Sendable {
    /// 1-based line number.
    public var number: Int
    /// The tokens, comments removed.
    public var tokens: [RuleToken]
}
