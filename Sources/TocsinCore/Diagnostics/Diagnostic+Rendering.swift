extension Diagnostic {
    /// Renders the diagnostic the way compilers do: the headline, the source line, and a
    /// caret line under the offending text; then each note the same way.
    ///
    /// The caret is aligned by display width, so it still points at the right place after
    /// Chinese text (two terminal columns per character) and tabs.
    public func rendered(sources: [String: SourceFile]) -> String {
        var out = headline + "\n"
        if let file = sources[location.file], location.line >= 1, location.line <= file.lines.count {
            let line = file.lines[location.line - 1]
            out += line + "\n"
            out += Diagnostic.caretLine(under: line, column: location.column, length: range.length)
            out += "\n"
        }
        for note in notes {
            out += note.rendered(sources: sources)
        }
        return out
    }

    static func caretLine(under line: Substring, column: Int, length: Int) -> String {
        var pad = ""
        var index = 1
        for character in line {
            if index >= column { break }
            if character == "\t" {
                pad += "\t"
            } else {
                pad += String(repeating: " ", count: DisplayWidth.of(character))
            }
            index += 1
        }
        let characters = Array(line)
        var width = 0
        for offset in 0..<max(length, 1) {
            let position = column - 1 + offset
            width += position < characters.count ? DisplayWidth.of(characters[position]) : 1
        }
        return pad + "^" + String(repeating: "~", count: max(width - 1, 0))
    }
}

/// How many terminal columns text takes: two for East Asian wide characters.
public enum DisplayWidth {
    /// The columns of a whole string.
    public static func of(_ text: String) -> Int {
        // ASCII (ids, kinds, dates): one column a byte, without breaking into characters.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// The columns of one character.
    public static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
            0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
