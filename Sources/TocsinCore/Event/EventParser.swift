/// Parses and validates one event line (logfmt or JSON) against every rule of SPEC §3.
///
/// Parsing works on bytes, so a line with invalid UTF-8 still gets an error that names the
/// field it is in. The first problem found is reported; nothing of a bad line is kept.
public enum EventParser {
    /// Parses one line (without its newline). `now` is the receive time, for the
    /// "`at` more than 5 minutes in the future" check.
    public static func parse(_ line: String, now: Timestamp) throws(EventError) -> Event {
        var copy = line
        return try copy.withUTF8 { result(bytes: UnsafeRawBufferPointer($0), now: now) }.get()
    }

    /// Parses one line of bytes into an event or the reason it was refused.
    public static func result(bytes: UnsafeRawBufferPointer, now: Timestamp) -> Result<Event, EventError> {
        Result { () throws(EventError) -> Event in try parse(bytes: bytes, now: now) }
    }

    /// Parses one line of bytes (without its newline).
    public static func parse(bytes: UnsafeRawBufferPointer, now: Timestamp) throws(EventError) -> Event {
        guard bytes.count <= EventLimits.maxLineBytes else {
            throw EventError(field: nil, "line is \(bytes.count) bytes; the limit is \(EventLimits.maxLineBytes) (64 KiB)")
        }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        guard start < bytes.count else { throw EventError(field: nil, "empty line: no fields") }
        let raw: [RawField]
        if bytes[start] == UInt8(ascii: "{") {
            var reader = JSONLineReader(bytes: bytes, position: start)
            raw = try reader.readObject().map { RawField(key: .bytes(Array($0.key.utf8)), value: .bytes($0.value)) }
        } else {
            var reader = LogfmtReader(bytes: bytes, position: start)
            raw = try reader.readFields()
        }
        return try validate(raw, line: bytes, now: now)
    }

    /// Reads back a logfmt line this program wrote itself (`Event.logfmt`, kept in the store):
    /// the fields as written, without checking them again (a restart reads a million).
    public static func trusted(logfmt line: String) -> Event? {
        var copy = line
        return copy.withUTF8 { trusted(logfmt: $0) }
    }

    /// `trusted(logfmt:)` for the line's UTF-8 (a restart's stored column, unmade into a string).
    package static func trusted(logfmt bytes: UnsafeBufferPointer<UInt8>) -> Event? {
        var event = Event(packed: [], count: 0)
        event.reservePacked(bytes.count + 8)
        let line = UnsafeRawBufferPointer(bytes)
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n, bytes[i] == 0x20 { i += 1 }
            guard i < n else { break }
            let keyStart = i
            while i < n, bytes[i] != 0x3D { i += 1 }
            guard i < n else { return nil }
            let key = UnsafeRawBufferPointer(rebasing: line[keyStart..<i])
            i += 1
            if i < n, bytes[i] == 0x22 {
                i += 1
                var unescaped: [UInt8] = []
                while i < n, bytes[i] != 0x22 {
                    if bytes[i] == 0x5C, i + 1 < n { i += 1 }
                    unescaped.append(bytes[i])
                    i += 1
                }
                guard i < n else { return nil }
                i += 1
                unescaped.withUnsafeBytes { event.appendNew(key: key, value: $0) }
            } else {
                let valueStart = i
                while i < n, bytes[i] != 0x20 { i += 1 }
                event.appendNew(key: key, value: UnsafeRawBufferPointer(rebasing: line[valueStart..<i]))
            }
        }
        return event
    }

    /// Builds an event from command-line words `key=value` (as `tocsinctl submit`/`test` get
    /// them: the shell has already split and unquoted them).
    public static func parse(arguments: [String], now: Timestamp) throws(EventError) -> Event {
        var raw: [RawField] = []
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw EventError(field: argument, "'\(FieldText.quoted(argument))' is not FIELD=VALUE")
            }
            let key = String(argument[..<equals])
            try checkKey(Array(key.utf8))
            raw.append(RawField(key: .bytes(Array(key.utf8)), value: .bytes(Array(argument[argument.index(after: equals)...].utf8))))
        }
        guard !raw.isEmpty else { throw EventError(field: nil, "no fields: give FIELD=VALUE pairs, e.g. kind=fault severity=2") }
        return try validate(raw, line: UnsafeRawBufferPointer(start: nil, count: 0), now: now)
    }

    /// Parses an `at` value: RFC 3339, or Unix seconds (an optional fraction allowed).
    public static func parseTime(_ text: String) -> Timestamp? {
        if let t = RFC3339.parse(text) { return t }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let seconds = Int64(parts[0])
        else { return nil }
        var millis: Int64 = 0
        if parts.count == 2 {
            guard !parts[1].isEmpty else { return nil }
            let digits = Array(parts[1].utf8.prefix(3)) + Array(repeating: UInt8(0x30), count: 3)
            millis = digits.prefix(3).reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        return Timestamp(milliseconds: seconds * 1000 + millis)
    }

    static func checkKey<Key: Collection<UInt8>>(_ key: Key) throws(EventError) {
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        let ok =
            !key.isEmpty && (isLetter(key.first!) || key.first! == 0x5F)
            && key.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D }
        guard ok else {
            let shown = FieldText.quoted(String(decoding: key, as: UTF8.self))
            throw EventError(
                field: nil,
                key.isEmpty
                    ? "empty field name before '='"
                    : "'\(shown)' is not a valid field name: a name starts with a letter or '_' and has only letters, digits, '_', '.' and '-'"
            )
        }
    }

    private static func validate(_ raw: [RawField], line: UnsafeRawBufferPointer, now: Timestamp) throws(EventError) -> Event {
        guard raw.count <= EventLimits.maxFields else {
            throw EventError(field: nil, "\(raw.count) fields; the limit is \(EventLimits.maxFields)")
        }
        var event = Event(packed: [], count: 0)
        event.reservePacked(line.count + 2 * raw.count)
        for (index, field) in raw.enumerated() {
            try field.withKeyBytes(in: line) { (key) throws(EventError) in
                // At most maxFields keys: a linear scan beats hashing them into a set.
                for earlier in raw[..<index] where earlier.withKeyBytes(in: line, { $0.elementsEqual(key) }) {
                    let name = field.keyText(in: line)
                    throw EventError(field: name, "\(name) is given twice")
                }
                try field.withValueBytes(in: line) { (bytes) throws(EventError) in
                    try checkValue(bytes, key: { field.keyText(in: line) })
                    event.appendNew(key: key, value: bytes)
                }
            }
        }
        try checkMeanings(event, now: now)
        return event
    }

    /// Checks a value's bytes: UTF-8, with no control character but tab.
    static func checkValue(_ bytes: UnsafeRawBufferPointer, key name: () -> String) throws(EventError) {
        var previous: UInt8 = 0
        var isASCII = true
        for byte in bytes {
            let isC0 = (byte < 0x20 && byte != 0x09) || byte == 0x7F
            let isC1 = previous == 0xC2 && byte >= 0x80 && byte <= 0x9F
            if isC0 || isC1 {
                let key = name()
                throw EventError(
                    field: key,
                    "\(key) contains the control character U+\(FieldText.hex4(UInt32(byte))); only tab is allowed")
            }
            if byte >= 0x80 { isASCII = false }
            previous = byte
        }
        guard isASCII || isUTF8(bytes) else {
            let key = name()
            throw EventError(field: key, "\(key) is not valid UTF-8")
        }
    }

    /// Whether the bytes are UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
    /// U+10FFFF, no sequence cut short).
    static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: (length, scalar) = (2, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (length, scalar) = (3, UInt32(lead & 0x0F))
            case 0xF0...0xF4: (length, scalar) = (4, UInt32(lead & 0x07))
            default: return false  // a stray continuation byte, an overlong 2-byte lead, or past U+10FFFF
            }
            guard i + length <= n else { return false }
            for j in 1..<length {
                let next = bytes[i + j]
                guard next & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            switch length {
            case 3 where scalar < 0x800 || (scalar >= 0xD800 && scalar <= 0xDFFF): return false
            case 4 where scalar < 0x10000 || scalar > 0x10FFFF: return false
            default: break
            }
            i += length
        }
        return true
    }

    /// Checks the fields with a meaning, on their bytes (a string is made only for a
    /// message or a time to parse).
    private static func checkMeanings(_ event: Event, now: Timestamp) throws(EventError) {
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        var action = EventAction.open
        if let value = event.valueBytes("action") {
            guard let parsed = EventAction(rawValue: text(value)) else {
                throw EventError(field: "action", "action must be open, ack, resolve or note, got \"\(FieldText.quoted(text(value)))\"")
            }
            action = parsed
        }
        if let id = event.valueBytes("id") {
            guard !id.isEmpty else { throw EventError(field: "id", "id must not be empty") }
            guard id.count <= EventLimits.maxIDBytes else {
                throw EventError(field: "id", "id is \(id.count) bytes; the limit is \(EventLimits.maxIDBytes)")
            }
        } else if action != .open {
            throw EventError(field: "id", "id is required for action=\(action.rawValue)")
        }
        if let kind = event.valueBytes("kind") {
            let isWord =
                !kind.isEmpty
                && kind.allSatisfy {
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                        || $0 == 0x2D || $0 == 0x5F
                }
            guard isWord else {
                throw EventError(
                    field: "kind",
                    "kind must be a word (letters, digits, '-', '_'), got \"\(FieldText.quoted(text(kind)))\"")
            }
        } else if action == .open {
            throw EventError(field: "kind", "kind is required to open an incident (e.g. kind=fault)")
        }
        if let severity = event.valueBytes("severity") {
            // Plain digits are the usual case; anything else is read as an integer the slow way.
            guard Event.digits(severity) != nil || ((Int(text(severity)) ?? -1) >= 0 && severity.first != 0x2B) else {
                throw EventError(
                    field: "severity",
                    "severity must be an integer, got \"\(FieldText.quoted(text(severity)))\"")
            }
        }
        if let value = event.valueBytes("at") {
            let at = text(value)
            guard let time = parseTime(at) else {
                throw EventError(
                    field: "at",
                    "at must be RFC 3339 (2026-11-22T09:30:00+08:00) or Unix seconds, got \"\(FieldText.quoted(at))\"")
            }
            if time > now + EventLimits.maxFutureSkew {
                throw EventError(
                    field: "at",
                    "at is \((time - now).humanAge) in the future (at most \(EventLimits.maxFutureSkew) is allowed): check the sender's clock")
            }
        }
    }
}

/// Making untrusted text safe to quote inside an error message.
public enum FieldText {
    /// The text with `"` and `\` escaped, non-printables as `\xNN`, cut to 64 characters.
    public static func quoted(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 64 {
                out += "…"
                break
            }
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case _ where scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0):
                out += "\\x" + String(hex4(scalar.value).suffix(2))
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }

    static func hex4(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
