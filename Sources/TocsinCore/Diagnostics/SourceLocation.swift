/// A place in a source file: the file's name as the user gave it, a 1-based line and a
/// 1-based column counted in characters (not bytes), so Chinese comments do not skew it.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file name as it should be printed (`rules/faults.rules`).
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the form editors and compilers use.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A span of source text on one line: where it starts and how many characters it covers.
public struct SourceRange: Hashable, Sendable {
    /// The first character of the span.
    public var start: SourceLocation
    /// How many characters the span covers (at least 1 when rendered).
    public var length: Int

    /// Creates a range.
    public init(start: SourceLocation, length: Int) {
        self.start = start
        self.length = length
    }
}

/// One file of rule text, with its lines split once for diagnostics to quote.
public struct SourceFile: Sendable {
    /// The name printed in diagnostics.
    public let name: String
    /// The whole text.
    public let text: String
    /// The text split into lines (without line terminators).
    public let lines: [Substring]

    /// Creates a source file from its printed name and text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        // Split on the newline scalar, not on Characters: a combining mark after "\n" would
        // otherwise glue two lines into one grapheme and shift every line number after it.
        self.lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            let line = Substring(String(String.UnicodeScalarView(scalars)))
            return line.unicodeScalars.last == "\r" ? Substring(String(String.UnicodeScalarView(line.unicodeScalars.dropLast()))) : line
        }
    }
}
