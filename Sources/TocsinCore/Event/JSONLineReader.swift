/// Reads a one-line JSON object of scalar values into raw fields.
///
/// Strings keep their text, numbers their literal spelling, `true`/`false` become words and
/// `null` leaves the field out. Nested objects and arrays are refused with the field's name.
struct JSONLineReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    mutating func readObject() throws(EventError) -> [(key: String, value: [UInt8])] {
        var fields: [(key: String, value: [UInt8])] = []
        try expect(UInt8(ascii: "{"), "a JSON event must be an object")
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipSpace()
                guard peek() == 0x22 else { throw EventError(field: nil, "JSON: expected a field name in double quotes at byte \(position + 1)") }
                let keyBytes = try readString(field: nil)
                try EventParser.checkKey(keyBytes)
                let key = String(decoding: keyBytes, as: UTF8.self)
                skipSpace()
                try expect(UInt8(ascii: ":"), "JSON: expected ':' after \"\(key)\"")
                skipSpace()
                if let value = try readScalar(key: key) {
                    guard fields.count < EventLimits.maxFields else {
                        throw EventError(field: nil, "more than \(EventLimits.maxFields) fields; the limit is \(EventLimits.maxFields)")
                    }
                    fields.append((key, value))
                }
                skipSpace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "JSON: expected ',' or '}' after the value of \(key)")
                break
            }
        }
        skipSpace()
        guard position == bytes.count else { throw EventError(field: nil, "JSON: unexpected text after the closing '}'") }
        return fields
    }

    private mutating func readScalar(key: String) throws(EventError) -> [UInt8]? {
        switch peek() {
        case 0x22:
            return try readString(field: key)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw EventError(field: key, "\(key) must be a string, number or boolean; nested objects and arrays are not supported")
        case UInt8(ascii: "t"):
            try literal("true", key: key)
            return Array("true".utf8)
        case UInt8(ascii: "f"):
            try literal("false", key: key)
            return Array("false".utf8)
        case UInt8(ascii: "n"):
            try literal("null", key: key)
            return nil
        default:
            let start = position
            while let b = peek(), (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x65 || b == 0x45 {
                position += 1
            }
            guard position > start else { throw EventError(field: key, "JSON: \(key) has no valid value") }
            let literal = Array(bytes[start..<position])
            guard Self.isJSONNumber(literal) else {
                throw EventError(field: key, "JSON: \(key) is not a number as JSON writes one: '\(String(decoding: literal, as: UTF8.self))'")
            }
            return literal
        }
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, so
    /// `00002`, `1e5e5--`, `+1` and `1.` are refused.
    static func isJSONNumber(_ text: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < text.count, text[i] == 0x2D { i += 1 }
        guard i < text.count else { return false }
        if text[i] == 0x30 {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < text.count, text[i] == 0x2E {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < text.count, text[i] == 0x65 || text[i] == 0x45 {
            i += 1
            if i < text.count, text[i] == 0x2B || text[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == text.count
    }

    private mutating func literal(_ word: String, key: String) throws(EventError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw EventError(field: key, "JSON: \(key) has no valid value") }
            position += 1
        }
    }

    private mutating func readString(field: String?) throws(EventError) -> [UInt8] {
        position += 1
        var out: [UInt8] = []
        let name = field ?? "a field name"
        while let byte = peek() {
            position += 1
            switch byte {
            case 0x22:
                return out
            case 0x5C:
                guard let escape = peek() else { break }
                position += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(field: name)
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard peek() == 0x5C, position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw EventError(field: field, "JSON: \(name) has a lone surrogate \\u escape")
                        }
                        position += 2
                        let low = try hex4(field: name)
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw EventError(field: field, "JSON: \(name) has a lone surrogate \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else {
                        throw EventError(field: field, "JSON: \(name) has a lone surrogate \\u escape")
                    }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw EventError(field: field, "JSON: \(name) has an invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            default:
                out.append(byte)
            }
        }
        throw EventError(field: field, "JSON: \(name): the string has no closing '\"'")
    }

    private mutating func hex4(field: String) throws(EventError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw EventError(field: field, "JSON: \(field) has a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            position += 1
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw EventError(field: field, "JSON: \(field) has a bad \\u escape")
            }
            value = value * 16 + digit
        }
        return value
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(EventError) {
        guard peek() == byte else { throw EventError(field: nil, message) }
        position += 1
    }
}
