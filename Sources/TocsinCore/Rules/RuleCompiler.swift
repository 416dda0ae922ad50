/// The result of reading rule files: the rule set (when there are no errors) and every
/// diagnostic.
public struct RuleCompilation: Sendable {
    /// The usable rules, or nil when any error was found.
    public var ruleSet: RuleSet?
    /// Errors, warnings and notes, in file and line order.
    public var diagnostics: [Diagnostic]
    /// The files read, by printed name, for rendering diagnostics with their source lines.
    public var sources: [String: SourceFile]

    /// Every diagnostic rendered compiler-style, then a count line.
    public func renderedDiagnostics() -> String {
        diagnostics.map { $0.rendered(sources: sources) }.joined()
    }
}

/// Reads rule files (already loaded as text, in name order) into a checked `RuleSet`.
public enum RuleCompiler {
    /// Lexes, parses and checks `files` together (contacts defined in one file may be
    /// used in another), collecting every diagnostic in one pass.
    public static func compile(_ files: [SourceFile]) -> RuleCompilation {
        var parser = RuleParser()
        var diagnostics: [Diagnostic] = []
        for file in files {
            let (lines, lexical) = RuleLexer(file: file).lines()
            diagnostics += lexical
            parser.parse(lines)
        }
        let (syntax, syntactic) = parser.finish()
        diagnostics += syntactic
        var checker = RuleChecker()
        let (ruleSet, semantic) = checker.check(syntax)
        diagnostics += semantic
        let order = Dictionary(files.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        diagnostics.sort {
            (order[$0.location.file] ?? 0, $0.location.line, $0.location.column)
                < (order[$1.location.file] ?? 0, $1.location.line, $1.location.column)
        }
        return RuleCompilation(
            ruleSet: diagnostics.containsErrors ? nil : ruleSet,
            diagnostics: diagnostics,
            sources: Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Compiles a single text (for tests and drills).
    public static func compile(_ text: String, name: String = "rules") -> RuleCompilation {
        compile([SourceFile(name: name, text: text)])
    }
}

extension RuleCompiler {
    /// Matchers written as on a `match` line (`kind=fault id~^teller-`), one per word, as a
    /// silence takes them: the matchers, or the first problem as one sentence naming the
    /// word.
    public static func matchers(_ words: [String]) -> Result<[Matcher], MatcherError> {
        guard !words.isEmpty else { return .failure(MatcherError(message: "a silence needs at least one matcher, e.g. kind=fault")) }
        var checker = RuleChecker()
        var matchers: [Matcher] = []
        for (index, word) in words.enumerated() {
            let start = SourceLocation(file: "matcher", line: 1, column: index + 1)
            let token = RuleToken(pieces: [.init(text: word, quoted: false)], range: SourceRange(start: start, length: word.count))
            guard let matcher = checker.checkMatcher(token) else {
                let reason = checker.diagnostics.first?.message ?? "not a matcher"
                return .failure(MatcherError(message: "'\(word)': \(reason)"))
            }
            matchers.append(matcher)
        }
        return .success(matchers)
    }
}

/// Why words given as matchers are not.
public struct MatcherError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sentence.
    public var message: String
    /// The sentence.
    public var description: String { message }
}
