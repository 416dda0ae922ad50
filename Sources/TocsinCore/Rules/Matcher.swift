/// One condition of a `match` line: `f=v`, `f!=v`, `f=a,b,c`, `f<n`, `f~regex`, …
/// Immutable, and a class: every event is matched, and a value copy of a matcher retained
/// and released its strings and pattern each time it was read.
public final class Matcher: Hashable, Sendable, CustomStringConvertible {
    /// The comparison.
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case matches = "~"
        case notMatches = "!~"
    }

    /// The event field it looks at.
    public let field: String
    /// The comparison.
    public let op: Operator
    /// The values: one or more for `=`/`!=`, the number for comparisons, the pattern for `~`.
    public let values: [String]
    /// The number for `<` `<=` `>` `>=`.
    public let number: Double?
    /// The compiled pattern for `~` and `!~`.
    public let pattern: Pattern?

    /// Creates a matcher (the checker builds these from rule text).
    public init(field: String, op: Operator, values: [String], number: Double? = nil, pattern: Pattern? = nil) {
        self.field = field
        self.op = op
        self.values = values
        self.number = number
        self.pattern = pattern
    }

    /// Matchers are equal when they test the same field the same way.
    public static func == (a: Matcher, b: Matcher) -> Bool {
        a === b || (a.field == b.field && a.op == b.op && a.values == b.values && a.number == b.number && a.pattern == b.pattern)
    }

    /// Hashes the field, the comparison and the values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        hasher.combine(op)
        hasher.combine(values)
    }

    /// Whether the event satisfies this condition. A missing field satisfies only `!=` and `!~`.
    public func matches(_ event: Event) -> Bool {
        // `=`, `!=` and the comparisons read the value's bytes: every incident is matched, and
        // most conditions are these.
        switch op {
        case .equal: return event.has(field, equalToAnyOf: values)
        case .notEqual: return !event.has(field, equalToAnyOf: values)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let limit = number, let actual = event.number(field) else { return false }
            switch op {
            case .less: return actual < limit
            case .lessOrEqual: return actual <= limit
            case .greater: return actual > limit
            default: return actual >= limit
            }
        case .matches, .notMatches:
            let found = event.withValue(field) { value in value.map { pattern?.matches(utf8: $0) ?? false } ?? false }
            return op == .matches ? found : !found
        }
    }

    /// The matcher as written, `severity<=2`.
    public var description: String { field + op.rawValue + values.joined(separator: ",") }
}

/// A compiled regular expression for `~` matchers (searching, not anchored).
///
/// Matching runs in time linear in the text (`RegexProgram`): a rule's pattern can never
/// stall the event loop, whatever a reporting tool sends. The syntax is RE2's, without
/// backreferences and lookaround, which `check` refuses with the reason.
public struct Pattern: Hashable, Sendable {
    /// The source text.
    public let source: String
    private let program: RegexProgram

    /// Compiles `source`; throws with the reason and the character when it cannot be run.
    public init(_ source: String) throws(RegexSyntaxError) {
        self.source = source
        self.program = try RegexProgram(source)
    }

    /// True when the pattern occurs anywhere in `text`.
    public func matches(_ text: String) -> Bool { program.search(text) }

    /// True when the pattern occurs anywhere in the UTF-8 `bytes` (an event's value, read in
    /// place).
    public func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool { program.search(utf8: bytes) }

    /// Patterns are equal when their sources are.
    public static func == (a: Pattern, b: Pattern) -> Bool { a.source == b.source }
    /// Hashes the source.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
