/// RFC 2047 encoded-words and header folding, so Chinese subjects survive every hop.
public enum EncodedWord {
    /// Characters of UTF-8 per encoded-word, chosen so each folded header line stays
    /// within RFC 5322's 78 characters (`=?UTF-8?B?` + 52 base64 characters + `?=`).
    static let bytesPerWord = 39

    /// The header value, safe to put after `Name: `: ASCII text is kept (folded at spaces);
    /// text with non-ASCII characters or anything that looks like an encoded-word is
    /// encoded as a run of `=?UTF-8?B?…?=` words separated by folding whitespace.
    public static func headerValue(_ text: String, nameLength: Int) -> String {
        let clean = HeaderText.sanitized(text)
        let needsEncoding = clean.unicodeScalars.contains { !$0.isASCII } || clean.contains("=?")
        guard needsEncoding else { return fold(clean, firstLineUsed: nameLength + 2) }
        return encodedWords(clean).joined(separator: "\n ")
    }

    /// Splits text into encoded-words, never cutting a UTF-8 sequence in two.
    public static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerWord, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=") }
        return words
    }

    /// Folds ASCII text at spaces so lines stay within 78 characters where possible.
    static func fold(_ text: String, firstLineUsed: Int) -> String {
        var out = ""
        var lineLength = firstLineUsed
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 {
                if lineLength + 1 + word.count > 78, lineLength > 1 {
                    out += "\n "
                    lineLength = 1
                } else {
                    out += " "
                    lineLength += 1
                }
            }
            out += word
            lineLength += word.count
        }
        return out
    }
}

/// Header text hygiene: nothing from an event can end a header line or start a new one.
public enum HeaderText {
    /// Control characters (CR, LF, NUL, tab, C1) become spaces; runs of spaces collapse.
    /// Bidirectional overrides and isolates (U+202A–202E, U+2066–2069), which can make a
    /// subject read backwards, become `?`, as on the terminal (`TerminalText`).
    public static func sanitized(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                out += "?"
                lastWasSpace = false
                continue
            }
            let isControl = scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isControl || scalar == " " {
                if !lastWasSpace, !out.isEmpty { out += " " }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}

/// Base64 (RFC 4648), for encoded words and MIME bodies.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes with padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, leniently as mail readers do: any byte outside the alphabet (line breaks,
    /// spaces) is skipped, the URL-safe `-` and `_` are read as `+` and `/`, `=` ends it.
    public static func decode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2B, 0x2D: value = 62  // + (and URL-safe -)
            case 0x2F, 0x5F: value = 63  // / (and URL-safe _)
            case 0x3D: return out  // padding: the end
            default: continue
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}
