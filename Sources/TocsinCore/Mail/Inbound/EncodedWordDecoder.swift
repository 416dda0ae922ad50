/// RFC 2047 encoded words in header values decoded (`=?GBK?B?yLfIzw==?=` → 确认), in any
/// charset `TextCharset` knows, "B" or "Q". Whitespace between two adjacent encoded words
/// is dropped, as the RFC says; malformed words are left as written.
public enum EncodedWordDecoder {
    /// The header value with its encoded words decoded.
    public static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var out = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (text, length) = word(rest) {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = ""
                out += text
                rest = rest.dropFirst(length)
                lastWasEncoded = true
                continue
            }
            let character = rest.removeFirst()
            if character == " " || character == "\t" {
                pendingSpace.append(character)
                continue
            }
            out += pendingSpace
            pendingSpace = ""
            out.append(character)
            lastWasEncoded = false
        }
        return out + pendingSpace
    }

    /// One encoded word at the start of `text`: its decoded text and its length in characters.
    static func word(_ text: Substring) -> (String, Int)? {
        let parts = text.dropFirst(2)
        guard let charsetEnd = parts.firstIndex(of: "?") else { return nil }
        let charset = parts[..<charsetEnd].split(separator: "*").first.map(String.init) ?? ""  // RFC 2231 language
        let afterCharset = parts[parts.index(after: charsetEnd)...]
        guard afterCharset.count >= 2, let encoding = afterCharset.first,
            afterCharset[afterCharset.index(after: afterCharset.startIndex)] == "?"
        else { return nil }
        let payloadStart = afterCharset.index(afterCharset.startIndex, offsetBy: 2)
        guard let end = afterCharset[payloadStart...].firstRange(of: "?=") else { return nil }
        let payload = Array(afterCharset[payloadStart..<end.lowerBound].utf8)
        let bytes: [UInt8]
        switch encoding {
        case "B", "b": bytes = Base64.decode(payload)
        case "Q", "q": bytes = TransferDecoding.quotedPrintable(payload, underscoreIsSpace: true)
        default: return nil
        }
        let length = text.distance(from: text.startIndex, to: end.upperBound)
        return (TextCharset.decode(bytes, charset: charset), length)
    }
}
