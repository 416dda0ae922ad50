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
public struct Event: Hashable, Sendable {
    /// All fields, in the sender's order, keys unique.
    public private(set) var fields: [EventField]

    /// Creates an event from fields already validated (the parser's job).
    public init(fields: [EventField]) { self.fields = fields }

    /// The value of `key`, if present.
    public subscript(key: String) -> String? {
        for field in fields where field.key == key { return field.value }
        return nil
    }

    /// Sets (or replaces in place) a field.
    public mutating func set(_ key: String, _ value: String) {
        if let index = fields.firstIndex(where: { $0.key == key }) {
            fields[index].value = value
        } else {
            fields.append(EventField(key, value))
        }
    }

    /// Removes a field if present.
    public mutating func remove(_ key: String) { fields.removeAll { $0.key == key } }

    /// `action`, `open` when absent.
    public var action: EventAction { self["action"].flatMap(EventAction.init(rawValue:)) ?? .open }
    /// The reporter's incident key.
    public var id: String? { self["id"] }
    /// `fault`, `complaint`, `media`, …
    public var kind: String? { self["kind"] }
    /// 1 = most serious.
    public var severity: Int? { self["severity"].flatMap { Int($0) } }
    /// One line: what was seen.
    public var summary: String? { self["summary"] }
    /// When it happened, if the sender said.
    public var at: Timestamp? { self["at"].flatMap(EventParser.parseTime) }

    /// These fields merged over `self`: values in `newer` win, new keys are appended.
    public func merging(_ newer: Event) -> Event {
        var merged = self
        for field in newer.fields { merged.set(field.key, field.value) }
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
        var size = fields.count
        for field in fields { size += field.key.utf8.count + field.value.utf8.count + 2 }
        out.reserveCapacity(out.count + size)
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(0x20) }
            var key = field.key
            key.withUTF8 { out.append(contentsOf: $0) }
            out.append(0x3D)
            Event.appendLogfmtQuoted(field.value, to: &out)
        }
    }

    /// A logfmt value: bare when it can be, else in double quotes with `\"` and `\\`.
    public static func logfmtQuoted(_ value: String) -> String {
        var out: [UInt8] = []
        appendLogfmtQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `logfmtQuoted(value)` as UTF-8 (the quoted characters are ASCII, so bytes do).
    public static func appendLogfmtQuoted(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            let needsQuotes = utf8.isEmpty || utf8.contains { $0 == 0x20 || $0 == 0x09 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3D }
            guard needsQuotes else { return out.append(contentsOf: utf8) }
            out.append(0x22)
            for byte in utf8 {
                if byte == 0x22 || byte == 0x5C { out.append(0x5C) }
                out.append(byte)
            }
            out.append(0x22)
        }
    }
}
