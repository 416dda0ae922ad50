/// A problem found in a rule file (or a drill scenario): what, where, and how to fix it.
///
/// Diagnostics are collected, never thrown, so one pass reports every problem. They render
/// compiler-style: `rules/faults.rules:12:19: error: unknown contact 'dept-haed' (did you
/// mean 'dept-head'?)`, then the source line and a caret under the offending text.
public struct Diagnostic: Hashable, Sendable {
    /// How bad a diagnostic is.
    public enum Severity: String, Sendable, Comparable {
        /// The rules cannot be used.
        case error
        /// The rules work, but probably not as meant.
        case warning
        /// Extra context attached to an error or warning.
        case note

        private var rank: Int {
            switch self {
            case .error: 2
            case .warning: 1
            case .note: 0
            }
        }

        /// Errors sort above warnings above notes.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Error, warning or note.
    public var severity: Severity
    /// One line saying what is wrong (and, for common mistakes, what was meant). Control
    /// characters a message quotes from the rule text (a `\n` decoded from a quoted string)
    /// are shown as `\xNN`, so a diagnostic is always one line.
    public var message: String
    /// The text it is about.
    public var range: SourceRange
    /// Follow-up notes (for example where a duplicate was first defined).
    public var notes: [Diagnostic]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ message: String, at range: SourceRange, notes: [Diagnostic] = []
    ) {
        self.severity = severity
        self.message = Diagnostic.oneLine(message)
        self.range = range
        self.notes = notes
    }

    /// The text with control characters (and bidi overrides) written as `\xNN` / `\u{NNNN}`.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0) {
                out += "\\x" + String(FieldText.hex4(scalar.value).suffix(2))
            } else if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                out += "\\u{" + FieldText.hex4(scalar.value) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Where it starts.
    public var location: SourceLocation { range.start }

    /// The one-line form: `file:line:col: error: message`.
    public var headline: String { "\(location): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
    /// The number of errors.
    public var errorCount: Int { filter { $0.severity == .error }.count }
    /// The number of warnings.
    public var warningCount: Int { filter { $0.severity == .warning }.count }
}
