#if canImport(Glibc)
    import Glibc
#endif

/// One `key=value` pair of an event, in the order the sender wrote it.
public struct EventField: Hashable, Sendable {
    /// The key: `[A-Za-z_][A-Za-z0-9_.-]*`.
    public var key: String
    /// The value: valid UTF-8 without control characters other than tab.
    public var value: String

    /// Creates a field (unchecked: use `EventParser` for input from outside).
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// What an event asks for (`action=`).
public enum EventAction: String, Sendable, CaseIterable {
    /// Report a fault or complaint (the default).
    case open
    /// Someone has taken it on.
    case ack
    /// It is recovered or settled.
    case resolve
    /// Add a remark to the timeline.
    case note
}

/// An event: a validated, ordered list of fields, as parsed by `EventParser`.
///
/// The fields with a meaning (`action`, `id`, `kind`, `severity`, `at`, `summary`, `by`,
/// `cause`) have typed accessors; every other field is kept as sent, shown in messages and
/// matchable by rules.
///
/// The fields are kept packed in one byte buffer (each key, then its value, as a LEB128
/// length and the UTF-8), the form `IncidentCodec` keeps an incident's fields in: a parsed
/// line becomes one buffer instead of two strings a field, and packing or unpacking an
/// incident copies its fields' bytes as they are. `fields` unpacks them.
public struct Event: Hashable, Sendable {
    /// The fields, packed: for each, the key and then the value, each a LEB128 length and
    /// that many bytes of UTF-8. Equal fields pack to equal bytes.
    private(set) var packed: [UInt8]
    /// How many fields there are.
    public private(set) var count: Int

    /// Creates an event from fields already validated (the parser's job).
    public init(fields: [EventField]) {
        packed = []
        count = 0
        for field in fields { set(field.key, field.value) }
    }

    /// An event from fields packed as `packed` describes (validated by whoever packed them).
    init(packed: [UInt8], count: Int) {
        self.packed = packed
        self.count = count
    }

    /// All fields, in the sender's order, keys unique.
    public var fields: [EventField] {
        var out: [EventField] = []
        out.reserveCapacity(count)
        forEachField { key, value in
            out.append(EventField(String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return out
    }

    /// Calls `body` with each field's key and value bytes, in order.
    func forEachField(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        let _: Void? = walk { p, _, key, value in
            body(UnsafeBufferPointer(rebasing: p[key]), UnsafeBufferPointer(rebasing: p[value]))
            return nil
        }
    }

    /// Where `key`'s field lies in `packed`: the whole field, and its value's bytes.
    private func locate(_ key: UnsafeBufferPointer<UInt8>) -> (field: Range<Int>, value: Range<Int>)? {
        guard let keyBase = key.baseAddress else { return nil }
        return walk { p, field, keyRange, value in
            keyRange.count == key.count && memcmp(p.baseAddress! + keyRange.lowerBound, keyBase, key.count) == 0
                ? (field, value) : nil
        }
    }

    /// Walks the packed fields, giving `body` the bytes and each field's whole range, key
    /// range and value range, until it returns something. The bytes are this type's own, so
    /// the lengths are read without the checks `PackedReader` makes of bytes from outside.
    @inline(__always)
    private func walk<R>(_ body: (UnsafeBufferPointer<UInt8>, Range<Int>, Range<Int>, Range<Int>) -> R?) -> R? {
        packed.withUnsafeBufferPointer { p in
            var i = 0
            for _ in 0..<count {
                let start = i
                let keyLength = Event.length(p, &i)
                let key = i..<i + keyLength
                i = key.upperBound
                let valueLength = Event.length(p, &i)
                let value = i..<i + valueLength
                i = value.upperBound
                if let result = body(p, start..<i, key, value) { return result }
            }
            return nil
        }
    }

    /// Reads a LEB128 length at `i` and moves past it.
    @inline(__always)
    private static func length(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int {
        var byte = p[i]
        i += 1
        var value = Int(byte & 0x7F)
        var shift = 7
        while byte >= 0x80 {
            byte = p[i]
            i += 1
            value |= Int(byte & 0x7F) << shift
            shift += 7
        }
        return value
    }

    /// The value bytes of `key`, if present (a slice of the packed bytes: nothing copied).
    func valueBytes(_ key: String) -> ArraySlice<UInt8>? {
        var key = key
        guard let found = key.withUTF8({ locate($0) }) else { return nil }
        return packed[found.value]
    }

    /// Calls `body` with the value bytes of `key` (nil when absent), without making a string.
    public func withValue<R>(_ key: String, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        func value(_ keyBytes: UnsafeBufferPointer<UInt8>) -> R {
            guard let found = locate(keyBytes) else { return body(nil) }
            return packed.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[found.value])) }
        }
        // A native string's bytes in place (`withUTF8` on a copy would retain it first).
        if let result = key.utf8.withContiguousStorageIfAvailable(value) { return result }
        var key = key
        return key.withUTF8(value)
    }

    /// `withValue` for a body that returns nothing: not generic, so a caller in another
    /// module calls it directly rather than through the unspecialized generic.
    public func withValueBytes(_ key: String, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) { withValue(key, body) }

    /// The value of `key`, if present.
    public subscript(key: String) -> String? {
        withValue(key) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Whether `key`'s value is one of `texts`.
    public func has(_ key: String, equalToAnyOf texts: [String]) -> Bool {
        withValue(key) { value in
            guard let value else { return false }
            for index in texts.indices {
                let equal = texts[index].utf8.withContiguousStorageIfAvailable {
                    $0.count == value.count && ($0.isEmpty || memcmp($0.baseAddress!, value.baseAddress!, $0.count) == 0)
                } ?? texts[index].utf8.elementsEqual(value)
                if equal { return true }
            }
            return false
        }
    }

    /// `key`'s value as a number (`Double` syntax), if present and one.
    public func number(_ key: String) -> Double? {
        withValue(key) { value in
            guard let value else { return nil }
            // Plain digits (exact in a Double up to 15 of them) without making a string.
            if value.count <= 15, let number = Event.digits(value) { return Double(number) }
            return Double(String(decoding: value, as: UTF8.self))
        }
    }

    /// The value of plain decimal digits (at most 18: no overflow), or nil.
    static func digits<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var number: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            number = number * 10 + Int64(byte - 0x30)
        }
        return number
    }

    /// Sets (or replaces in place) a field.
    public mutating func set(_ key: String, _ value: String) {
        var key = key
        var value = value
        key.withUTF8 { keyBytes in value.withUTF8 { set(keyBytes, $0) } }
    }

    /// `set` for a key and value as UTF-8.
    private mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        guard let found = locate(key) else {
            return appendNew(key: UnsafeRawBufferPointer(key), value: UnsafeRawBufferPointer(value))
        }
        var field: [UInt8] = []
        field.reserveCapacity(key.count + value.count + 4)
        PackedWriter.appendRaw(key, to: &field)
        PackedWriter.appendRaw(value, to: &field)
        packed.replaceSubrange(found.field, with: field)
    }

    /// Appends a field whose key is not yet present (the parser has checked that).
    mutating func appendNew(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        PackedWriter.appendRaw(key.assumingMemoryBound(to: UInt8.self), to: &packed)
        PackedWriter.appendRaw(value.assumingMemoryBound(to: UInt8.self), to: &packed)
        count += 1
    }

    /// Makes room for this many more packed bytes.
    mutating func reservePacked(_ bytes: Int) { packed.reserveCapacity(packed.count + bytes) }

    /// Removes a field if present.
    public mutating func remove(_ key: String) {
        var key = key
        guard let found = key.withUTF8({ locate($0) }) else { return }
        packed.removeSubrange(found.field)
        count -= 1
    }

    /// `action`, `open` when absent.
    public var action: EventAction {
        withValue("action") { value in
            guard let value else { return .open }
            return EventAction(rawValue: String(decoding: value, as: UTF8.self)) ?? .open
        }
    }
    /// The reporter's incident key.
    public var id: String? { self["id"] }
    /// `fault`, `complaint`, `media`, …
    public var kind: String? { self["kind"] }
    /// 1 = most serious.
    public var severity: Int? {
        withValue("severity") { value in
            // Digits only, as the parser checks; anything else is read the slow way.
            guard let value else { return nil }
            return Event.digits(value).map(Int.init) ?? Int(String(decoding: value, as: UTF8.self))
        }
    }
    /// One line: what was seen.
    public var summary: String? { self["summary"] }
    /// When it happened, if the sender said.
    public var at: Timestamp? { self["at"].flatMap(EventParser.parseTime) }

    /// These fields merged over `self`: values in `newer` win, new keys are appended.
    public func merging(_ newer: Event) -> Event {
        var merged = self
        newer.forEachField { merged.set($0, $1) }
        return merged
    }

    /// The canonical logfmt line (quoting only where needed), as stored and spooled.
    public var logfmt: String {
        var out: [UInt8] = []
        appendLogfmt(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `logfmt` as UTF-8.
    public func appendLogfmt(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + packed.count + 2 * count)
        var first = true
        forEachField { key, value in
            if !first { out.append(0x20) }
            first = false
            out.append(contentsOf: key)
            out.append(0x3D)
            Event.appendLogfmtQuoted(value, to: &out)
        }
    }

    /// A logfmt value: bare when it can be, else in double quotes with `\"` and `\\`.
    public static func logfmtQuoted(_ value: String) -> String {
        var out: [UInt8] = []
        var value = value
        value.withUTF8 { appendLogfmtQuoted($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `logfmtQuoted(value)` as UTF-8.
    public static func appendLogfmtQuoted(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendLogfmtQuoted($0, to: &out) }
    }

    /// Appends `logfmtQuoted` of these UTF-8 bytes (the quoted characters are ASCII, so
    /// bytes do).
    static func appendLogfmtQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var needsQuotes = utf8.isEmpty
        for byte in utf8 where byte <= 0x5C && (byte == 0x20 || byte == 0x09 || byte == 0x22 || byte == 0x5C || byte == 0x3D) {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return out.append(contentsOf: utf8) }
        out.append(0x22)
        for byte in utf8 {
            if byte == 0x22 || byte == 0x5C { out.append(0x5C) }
            out.append(byte)
        }
        out.append(0x22)
    }
}
