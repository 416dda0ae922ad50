/// Text safe to print on an operator's terminal: no escape sequences, no control characters.
public enum TerminalText {
    /// Control characters (C0, DEL, C1, bidi overrides) become `?`; tabs and newlines
    /// become spaces.
    public static func safe(_ text: String) -> String {
        if isAlreadySafe(text) { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: out.unicodeScalars.append(" ")
            case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: out.unicodeScalars.append("?")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// True when no scalar of `text` would change: no C0, DEL, C1 (UTF-8 `C2 80`–`C2 9F`)
    /// nor bidi control (`E2 80 AA`–`AE`, `E2 81 A6`–`A9`). Checked on the UTF-8 bytes, so
    /// the common case costs one pass and no copy.
    public static func isAlreadySafe(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return false }
            if beforePrevious == 0xE2 && previous == 0x80 && byte >= 0xAA && byte <= 0xAE { return false }
            if beforePrevious == 0xE2 && previous == 0x81 && byte >= 0xA6 && byte <= 0xA9 { return false }
            beforePrevious = previous
            previous = byte
        }
        return true
    }
}
