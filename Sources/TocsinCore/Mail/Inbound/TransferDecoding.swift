/// Content-Transfer-Encoding (RFC 2045) decoded to bytes: `base64`, `quoted-printable`, and
/// the identity encodings (`7bit`, `8bit`, `binary`, or none). Decoding is lenient as mail
/// readers are: characters outside base64's alphabet are skipped, a broken `=XY` escape in
/// quoted-printable is kept as written.
public enum TransferDecoding {
    /// The body bytes of a part sent with `encoding`.
    public static func decode(_ bytes: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch (encoding ?? "").lowercased().trimming(" \t") {
        case "base64": Base64.decode(bytes)
        case "quoted-printable": quotedPrintable(bytes)
        default: Array(bytes)
        }
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XY` escapes, `=` at a line's end joins lines.
    /// With `underscoreIsSpace` it is RFC 2047's "Q" encoding.
    public static func quotedPrintable(_ bytes: some Collection<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let byte = input[i]
            if byte == 0x3D {
                // A soft line break: "=" then optional whitespace, then CRLF or LF.
                var j = i + 1
                while j < input.count, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
                if j < input.count, input[j] == 0x0D || input[j] == 0x0A {
                    if input[j] == 0x0D, j + 1 < input.count, input[j + 1] == 0x0A { j += 1 }
                    i = j + 1
                    continue
                }
                if j == input.count {
                    i = j
                    continue
                }
                if i + 2 < input.count, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
                    out.append(high << 4 | low)
                    i += 3
                    continue
                }
                out.append(byte)
            } else if byte == 0x5F, underscoreIsSpace {
                out.append(0x20)
            } else {
                out.append(byte)
            }
            i += 1
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
