/// Splits rule-file text into lines of tokens.
///
/// `#` starts a comment where a token could start (so `id~a#b` keeps its `#`). Double-quoted
/// strings may contain spaces and `#`, with escapes `\"`, `\\`, `\n` and `\t`. Problems
/// (an unclosed quote, an unknown escape) become diagnostics; the rest of the line is still
/// read so later errors are found in the same pass.
public struct RuleLexer {
    /// The file being read.
    public let file: SourceFile

    /// Creates a lexer over `file`.
    public init(file: SourceFile) { self.file = file }

    /// The non-empty lines and any lexical diagnostics.
    public func lines() -> (lines: [RuleLine], diagnostics: [Diagnostic]) {
        var result: [RuleLine] = []
        var diagnostics: [Diagnostic] = []
        for (index, text) in file.lines.enumerated() {
            let tokens = tokenize(Array(text), lineNumber: index + 1, diagnostics: &diagnostics)
            if !tokens.isEmpty { result.append(RuleLine(number: index + 1, tokens: tokens)) }
        }
        return (result, diagnostics)
    }

    private func tokenize(_ chars: [Character], lineNumber: Int, diagnostics: inout [Diagnostic]) -> [RuleToken] {
        var tokens: [RuleToken] = []
        var i = 0
        func location(_ column: Int) -> SourceLocation {
            SourceLocation(file: file.name, line: lineNumber, column: column + 1)
        }
        while i < chars.count {
            if chars[i] == " " || chars[i] == "\t" || chars[i] == "\u{3000}" {
                i += 1
                continue
            }
            if chars[i] == "#" { break }
            let start = i
            var pieces: [RuleToken.Piece] = []
            var bare = ""
            while i < chars.count, chars[i] != " ", chars[i] != "\t", chars[i] != "\u{3000}" {
                if chars[i] == "\"" || chars[i] == "“" || chars[i] == "”" {
                    if chars[i] != "\"" {
                        diagnostics.append(
                            Diagnostic(
                                .error, "curly quote '\(chars[i])': use a straight double quote '\"'",
                                at: SourceRange(start: location(i), length: 1)))
                    }
                    if !bare.isEmpty {
                        pieces.append(.init(text: bare, quoted: false))
                        bare = ""
                    }
                    let quoteStart = i
                    i += 1
                    var text = ""
                    var closed = false
                    while i < chars.count {
                        let c = chars[i]
                        if c == "\"" || c == "”" {
                            closed = true
                            i += 1
                            break
                        }
                        if c == "\\", i + 1 < chars.count {
                            switch chars[i + 1] {
                            case "\"": text.append("\"")
                            case "\\": text.append("\\")
                            case "n": text.append("\n")
                            case "t": text.append("\t")
                            default:
                                diagnostics.append(
                                    Diagnostic(
                                        .error,
                                        "unknown escape '\\\(chars[i + 1])' in a string (known: \\\" \\\\ \\n \\t)",
                                        at: SourceRange(start: location(i), length: 2)))
                            }
                            i += 2
                            continue
                        }
                        text.append(c)
                        i += 1
                    }
                    if !closed {
                        diagnostics.append(
                            Diagnostic(
                                .error, "unterminated string: add a closing '\"'",
                                at: SourceRange(start: location(quoteStart), length: chars.count - quoteStart)))
                    }
                    pieces.append(.init(text: text, quoted: true))
                } else {
                    bare.append(chars[i])
                    i += 1
                }
            }
            if !bare.isEmpty { pieces.append(.init(text: bare, quoted: false)) }
            tokens.append(RuleToken(pieces: pieces, range: SourceRange(start: location(start), length: i - start)))
        }
        return tokens
    }
}
