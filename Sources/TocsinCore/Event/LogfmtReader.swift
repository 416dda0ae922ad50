/// Splits a logfmt line into raw fields: `key=value`, `key="quoted \"value\""`.
///
/// Only the structure is read here (keys checked, quotes and escapes undone); value
/// encoding and meaning are checked by `EventParser`.
struct LogfmtReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    mutating func readFields() throws(EventError) -> [RawField] {
        var fields: [RawField] = []
        fields.reserveCapacity(8)
        while true {
            skipBlanks()
            guard position < bytes.count else { return fields }
            guard fields.count < EventLimits.maxFields else {
                throw EventError(field: nil, "more than \(EventLimits.maxFields) fields; the limit is \(EventLimits.maxFields)")
            }
            let keyStart = position
            while position < bytes.count, bytes[position] != 0x3D, !isBlank(bytes[position]) { position += 1 }
            let keySpan = keyStart..<position
            try EventParser.checkKey(UnsafeRawBufferPointer(rebasing: bytes[keySpan]))
            guard position < bytes.count, bytes[position] == 0x3D else {
                let key = name(keySpan)
                throw EventError(field: key, "\(key) has no value: write \(key)=VALUE")
            }
            position += 1
            fields.append(RawField(key: .span(keySpan), value: try readValue(keySpan: keySpan)))
        }
    }

    /// A key as text, for a message.
    private func name(_ span: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[span]), as: UTF8.self) }

    private mutating func readValue(keySpan: Range<Int>) throws(EventError) -> RawField.Bytes {
        guard position < bytes.count, bytes[position] == 0x22 else {
            let start = position
            while position < bytes.count, !isBlank(bytes[position]) {
                if bytes[position] == 0x22 {
                    let key = name(keySpan)
                    throw EventError(field: key, "\(key): a value containing '\"' must be in double quotes, with \\\" for the quote")
                }
                position += 1
            }
            return .span(start..<position)
        }
        position += 1
        let start = position
        // The span between the quotes, until an escape makes the value bytes of its own.
        var unescaped: [UInt8]?
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case 0x22:
                guard position == bytes.count || isBlank(bytes[position]) else {
                    let key = name(keySpan)
                    throw EventError(field: key, "\(key): expected a space after the closing quote")
                }
                return unescaped.map { .bytes($0) } ?? .span(start..<position - 1)
            case 0x5C where position < bytes.count && (bytes[position] == 0x22 || bytes[position] == 0x5C):
                if unescaped == nil { unescaped = Array(bytes[start..<position - 1]) }
                unescaped!.append(bytes[position])
                position += 1
            default:
                unescaped?.append(byte)
            }
        }
        let key = name(keySpan)
        throw EventError(field: key, "\(key): the quoted value has no closing '\"'")
    }

    private mutating func skipBlanks() {
        while position < bytes.count, isBlank(bytes[position]) { position += 1 }
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}

/// Reading a logfmt line's fields as text: the replies `tocsinctl` reads from tocsind
/// (`ok status open=3 store="…"`), with the same quoting rules as events.
public enum LogfmtFields {
    /// The value of `key` in the `key=value` pairs of `line`, after any leading bare words
    /// (`ok status`); nil when it is absent or the pairs do not parse.
    public static func value(_ key: String, in line: String) -> String? {
        all(in: line)?.first { $0.key == key }?.value
    }

    /// Every `key=value` pair of `line` in order, after any leading bare words; nil when the
    /// pairs do not parse.
    public static func all(in line: String) -> [(key: String, value: String)]? {
        var bytes = Array(line.utf8)
        // Skip leading words without '=' ("ok", "status").
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x20 { end += 1 }
            if bytes[start..<end].contains(0x3D) { break }
            start = end + 1
        }
        guard start < bytes.count else { return nil }
        bytes.removeFirst(start)
        return bytes.withUnsafeBytes { buffer -> [(key: String, value: String)]? in
            var reader = LogfmtReader(bytes: buffer, position: 0)
            guard let fields = try? reader.readFields() else { return nil }
            return fields.map { field in
                (field.keyText(in: buffer), field.withValueBytes(in: buffer) { String(decoding: $0, as: UTF8.self) })
            }
        }
    }
}
