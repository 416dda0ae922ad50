#if canImport(Glibc)
    import Glibc
#endif

/// Bytes in a MIME charset to a Swift string. UTF-8 and US-ASCII are decoded here (invalid
/// sequences become U+FFFD); every other charset (GBK, GB18030, GB2312, Big5, ISO-8859-x…)
/// goes through glibc's iconv, which knows them all. An unknown charset is read as UTF-8.
public enum TextCharset {
    /// `bytes` decoded from `charset` (a MIME charset name, any case).
    public static func decode(_ bytes: [UInt8], charset: String?) -> String {
        let name = (charset ?? "utf-8").lowercased().trimming(" \t\"")
        switch name {
        case "", "utf-8", "utf8", "us-ascii", "ascii": return String(decoding: bytes, as: UTF8.self)
        // GB2312 and GBK are subsets of GB18030: mail clients label GBK text "gb2312".
        case "gb2312", "gbk", "x-gbk", "cp936", "euc-cn": return iconvDecode(bytes, from: "GB18030") ?? String(decoding: bytes, as: UTF8.self)
        default: return iconvDecode(bytes, from: name.uppercased()) ?? String(decoding: bytes, as: UTF8.self)
        }
    }

    /// iconv(3) to UTF-8; nil when glibc does not know the charset. Bytes it cannot convert
    /// become U+FFFD.
    static func iconvDecode(_ bytes: [UInt8], from charset: String) -> String? {
        let converter = iconv_open("UTF-8", charset)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var output: [UInt8] = []
        var input = bytes
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while offset < input.count {
            var inLeft = input.count - offset
            var outLeft = chunk.count
            let result = input.withUnsafeMutableBufferPointer { inBuffer in
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + offset)
                        .assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                }
            }
            let failure = errno
            output += chunk[0..<(chunk.count - outLeft)]
            offset = input.count - inLeft
            if result == -1 {
                if failure == E2BIG { continue }
                // An invalid or cut-off sequence: one replacement character, skip a byte.
                output += [0xEF, 0xBF, 0xBD]
                offset += 1
            }
        }
        input.removeAll()
        return String(decoding: output, as: UTF8.self)
    }
}
