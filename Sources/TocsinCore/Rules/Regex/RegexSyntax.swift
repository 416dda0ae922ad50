/// The parsed form of a `~` pattern: RE2's syntax without the parts that need backtracking.
///
/// Supported: literals and `\`-escapes, `.`, classes `[a-z]` `[^…]` with `\d \w \s` and
/// their negations, `^ $ \A \z \b \B`, groups `(…)` `(?:…)` `(?P<name>…)` `(?<name>…)`,
/// alternation, `* + ? {n} {n,} {n,m}` (lazy forms too: they match the same texts), and the
/// flags `i m s U` as `(?i)` or `(?i:…)`. Backreferences and lookaround are refused with an
/// error, as RE2 refuses them: they cannot be matched in time linear in the text.
indirect enum RegexNode: Hashable, Sendable {
    /// Matches the empty string.
    case empty
    /// One scalar from the set.
    case scalar(ScalarSet)
    /// The parts in order.
    case concatenation([RegexNode])
    /// Any one of the choices.
    case alternation([RegexNode])
    /// The node `minimum` to `maximum` times (`nil`: unbounded).
    case repetition(RegexNode, minimum: Int, maximum: Int?)
    /// A zero-width condition.
    case assertion(RegexAssertion)
}

/// A zero-width condition on the scalars either side of a position.
enum RegexAssertion: Hashable, Sendable {
    case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
}

/// Why a pattern was refused, and at which character of it (0-based, in scalars).
public struct RegexSyntaxError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, written for the rule file's author.
    public let message: String
    /// The scalar offset in the pattern where it was found.
    public let offset: Int

    /// The message, with the 1-based column in the pattern.
    public var description: String { "\(message) (at character \(offset + 1) of the pattern)" }
}

/// Parses pattern text into a `RegexNode`, with RE2's limits on repetition.
struct RegexParser {
    /// The largest count in `{n,m}` (RE2's limit).
    static let maximumRepeat = 1000
    /// How deeply groups may nest.
    static let maximumDepth = 100

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var caseInsensitive = false
    private var multiLine = false
    private var dotMatchesNewline = false
    private var depth = 0

    /// Parses `source`, or throws the first problem found.
    static func parse(_ source: String) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(scalars: Array(source.unicodeScalars))
        let node = try parser.parseAlternation()
        if parser.position < parser.scalars.count {
            // Only an unbalanced ')' stops the top-level alternation early.
            throw parser.failure("unmatched ')'")
        }
        return node
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func failure(_ message: String, at offset: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(message: message, offset: offset ?? position)
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var choices = [try parseConcatenation()]
        while current == "|" {
            position += 1
            choices.append(try parseConcatenation())
        }
        return choices.count == 1 ? choices[0] : .alternation(choices)
    }

    private mutating func parseConcatenation() throws(RegexSyntaxError) -> RegexNode {
        var parts: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            guard let atom = try parseAtom() else { continue }
            parts.append(try parseQuantifiers(atom))
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .concatenation(parts)
        }
    }

    private mutating func parseQuantifiers(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        guard let bounds = try parseQuantifier() else { return atom }
        if current == "?" { position += 1 }  // lazy: the same texts match
        if let next = current, "*+?".unicodeScalars.contains(next) || (next == "{" && looksLikeCount()) {
            throw failure("a repetition operator cannot follow another (write (…)* to repeat a repetition)")
        }
        return .repetition(atom, minimum: bounds.minimum, maximum: bounds.maximum)
    }

    private mutating func parseQuantifier() throws(RegexSyntaxError) -> (minimum: Int, maximum: Int?)? {
        switch current {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{" where looksLikeCount():
            let start = position
            position += 1
            let minimum = readNumber()
            var maximum: Int? = minimum
            if current == "," {
                position += 1
                maximum = current == "}" ? nil : readNumber()
            }
            position += 1  // "}", checked by looksLikeCount
            guard let low = minimum, low <= Self.maximumRepeat, (maximum ?? 0) <= Self.maximumRepeat else {
                throw failure("a repetition count is at most \(Self.maximumRepeat)", at: start)
            }
            if let high = maximum, high < low {
                throw failure("bad repetition {\(low),\(high)}: the maximum is below the minimum", at: start)
            }
            return (low, maximum)
        default: return nil
        }
    }

    /// Whether the text at `{` is a count (`{3}`, `{2,}`, `{2,5}`); otherwise `{` is a literal.
    private func looksLikeCount() -> Bool {
        var index = position + 1
        var digits = 0
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1; digits += 1 }
        guard digits > 0, index < scalars.count else { return false }
        if scalars[index] == "}" { return true }
        guard scalars[index] == "," else { return false }
        index += 1
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
        return index < scalars.count && scalars[index] == "}"
    }

    private mutating func readNumber() -> Int? {
        var value = 0
        var any = false
        while let scalar = current, ("0"..."9").contains(scalar) {
            value = min(value * 10 + Int(scalar.value - 48), 1_000_000)
            position += 1
            any = true
        }
        return any ? value : nil
    }

    /// One atom, or nil for a flag group like `(?i)` that only changes the flags.
    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode? {
        guard let scalar = current else { return .empty }
        switch scalar {
        case "(": return try parseGroup()
        case "[":
            position += 1
            return .scalar(try parseClass())
        case ".":
            position += 1
            return .scalar(dotMatchesNewline ? ScalarSet([0...0x10FFFF]) : .anyButNewline)
        case "^":
            position += 1
            return .assertion(multiLine ? .lineStart : .textStart)
        case "$":
            position += 1
            return .assertion(multiLine ? .lineEnd : .textEnd)
        case "\\":
            return try parseEscape()
        case "*", "+", "?":
            throw failure("nothing to repeat before '\(scalar)' (write \\\(scalar) for the character)")
        case "{" where looksLikeCount():
            throw failure("nothing to repeat before '{' (write \\{ for the character)")
        default:
            position += 1
            return .scalar(literal(scalar))
        }
    }

    private func literal(_ scalar: Unicode.Scalar) -> ScalarSet {
        let set = ScalarSet([scalar.value...scalar.value])
        return caseInsensitive ? set.caseFolded : set
    }

    private mutating func parseGroup() throws(RegexSyntaxError) -> RegexNode? {
        let open = position
        position += 1
        let saved = (caseInsensitive, multiLine, dotMatchesNewline)
        if current == "?" {
            position += 1
            switch current {
            case "=", "!":
                throw failure("lookahead (?\(current!)…) is not supported: patterns run in time linear in the text", at: open)
            case "<" where position + 1 < scalars.count && (scalars[position + 1] == "=" || scalars[position + 1] == "!"):
                throw failure("lookbehind is not supported: patterns run in time linear in the text", at: open)
            case "P", "<":
                if current == "P" { position += 1 }
                guard current == "<" else { throw failure("bad named group: write (?P<name>…)", at: open) }
                while let scalar = current, scalar != ">" { position += 1 }
                guard current == ">" else { throw failure("missing '>' in a group name", at: open) }
                position += 1
            default:
                // Flags: (?i) (?-i) (?i:…) (?im-s:…)
                var on = true
                var sawFlag = false
                while let scalar = current, scalar != ")", scalar != ":" {
                    switch scalar {
                    case "-": on = false
                    case "i": caseInsensitive = on
                    case "m": multiLine = on
                    case "s": dotMatchesNewline = on
                    case "U": break  // ungreedy: the same texts match
                    default: throw failure("unknown group flag '\(scalar)' (the flags are i, m, s and U)")
                    }
                    sawFlag = true
                    position += 1
                }
                guard sawFlag, let end = current else { throw failure("missing ')' after the group flags", at: open) }
                position += 1
                if end == ")" { return nil }  // the flags hold to the end of the enclosing group
            }
        }
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("groups nest more than \(Self.maximumDepth) deep", at: open) }
        let inner = try parseAlternation()
        depth -= 1
        guard current == ")" else { throw failure("missing ')' for the '(' here", at: open) }
        position += 1
        (caseInsensitive, multiLine, dotMatchesNewline) = saved
        return inner
    }

    private mutating func parseEscape() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        position += 1
        guard let scalar = current else { throw failure("the pattern ends with a lone '\\'", at: start) }
        switch scalar {
        case "A": position += 1; return .assertion(.textStart)
        case "z": position += 1; return .assertion(.textEnd)
        case "b": position += 1; return .assertion(.wordBoundary)
        case "B": position += 1; return .assertion(.notWordBoundary)
        default:
            let set = try parseScalarEscape(start: start)
            return .scalar(caseInsensitive ? set.caseFolded : set)
        }
    }

    /// An escape that stands for scalars (in a class or outside one); `position` is just
    /// past the backslash.
    private mutating func parseScalarEscape(start: Int) throws(RegexSyntaxError) -> ScalarSet {
        guard let scalar = current else { throw failure("the pattern ends with a lone '\\'", at: start) }
        position += 1
        switch scalar {
        case "d": return .digit
        case "D": return ScalarSet.digit.inverted
        case "w": return .word
        case "W": return ScalarSet.word.inverted
        case "s": return .space
        case "S": return ScalarSet.space.inverted
        case "n": return ScalarSet([10...10])
        case "t": return ScalarSet([9...9])
        case "r": return ScalarSet([13...13])
        case "f": return ScalarSet([12...12])
        case "v": return ScalarSet([11...11])
        case "x": return ScalarSet([try parseHexEscape(start: start)])
        case "1"..."9":
            throw failure("backreferences like \\\(scalar) are not supported: patterns run in time linear in the text", at: start)
        case "p", "P":
            throw failure("Unicode classes (\\\(scalar){…}) are not supported: write a range, e.g. [\u{4E00}-\u{9FFF}] for CJK ideographs", at: start)
        default:
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                throw failure("unknown escape '\\\(scalar)'", at: start)
            }
            return ScalarSet([scalar.value...scalar.value])
        }
    }

    private mutating func parseHexEscape(start: Int) throws(RegexSyntaxError) -> ClosedRange<UInt32> {
        var digits = ""
        if current == "{" {
            position += 1
            while let scalar = current, scalar != "}" { digits.unicodeScalars.append(scalar); position += 1 }
            guard current == "}" else { throw failure("missing '}' in \\x{…}", at: start) }
            position += 1
        } else {
            for _ in 0..<2 {
                guard let scalar = current else { break }
                digits.unicodeScalars.append(scalar)
                position += 1
            }
        }
        guard digits.count <= 6, let value = UInt32(digits, radix: 16), Unicode.Scalar(value) != nil else {
            throw failure("bad hexadecimal escape '\\x\(digits)'", at: start)
        }
        return value...value
    }

    /// One member of a class at `position`: a scalar, or an escape (`\\d`, `\\]`, `\\x{…}`).
    private mutating func parseClassMember() throws(RegexSyntaxError) -> ScalarSet {
        let start = position
        let scalar = scalars[position]
        position += 1
        return scalar == "\\" ? try parseScalarEscape(start: start) : ScalarSet([scalar.value...scalar.value])
    }

    /// A bracketed class; `position` is just past the `[`.
    private mutating func parseClass() throws(RegexSyntaxError) -> ScalarSet {
        let open = position - 1
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        var set = ScalarSet()
        var first = true
        while let scalar = current, scalar != "]" || first {
            first = false
            if scalar == "[", position + 1 < scalars.count, scalars[position + 1] == ":" {
                throw failure("POSIX classes like [:alpha:] are not supported: write a range, e.g. [a-zA-Z]")
            }
            let low = try parseClassMember()
            // A range a-z; a '-' before ']' is a literal.
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]",
                low.ranges.count == 1, low.ranges[0].count == 1
            {
                let dash = position
                position += 1
                let high = try parseClassMember()
                guard high.ranges.count == 1, high.ranges[0].count == 1 else {
                    throw failure("bad range in a class: a range ends with one character", at: dash)
                }
                let from = low.ranges[0].lowerBound
                let to = high.ranges[0].lowerBound
                guard from <= to else { throw failure("bad range in a class: the end comes before the start", at: dash) }
                set.insert(from...to)
            } else {
                set.formUnion(low)
            }
        }
        guard current == "]" else { throw failure("missing ']' for the '[' here", at: open) }
        position += 1
        if caseInsensitive { set = set.caseFolded }
        return negated ? set.inverted : set
    }
}
