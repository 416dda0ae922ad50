/// A compact byte form of an `Incident`, for keeping a million open incidents in memory:
/// varints and length-prefixed UTF-8, about 150 bytes for a typical fault, against a
/// 224-byte struct plus a separate allocation for every field array and long string.
enum IncidentCodec {
    static func encode(_ incident: Incident) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        // What scheduling needs comes first, so `schedule(_:)` reads only a prefix.
        out.append(incident.state == .open ? 0 : incident.state == .acked ? 1 : 2)
        put(incident.began, &out)
        put(incident.firedSteps, &out)
        put(UInt64(incident.repeatsSent), &out)
        put(incident.rule?.rawValue, &out)
        put(incident.id, &out)
        put(UInt64(incident.fields.fields.count), &out)
        for field in incident.fields.fields {
            put(field.key, &out)
            put(field.value, &out)
        }
        put(incident.opened, &out)
        put(incident.lastSeen, &out)
        put(UInt64(incident.count), &out)
        put(incident.scheduleDigest, &out)
        put(incident.ackedAt, &out)
        put(incident.ackedBy, &out)
        put(incident.resolvedAt, &out)
        put(incident.resolvedBy, &out)
        put(incident.cause, &out)
        put(UInt64(incident.told.count), &out)
        for name in incident.told { put(name.rawValue, &out) }
        put(incident.threadRoot, &out)
        return out
    }

    static func decode(_ bytes: [UInt8], number: IncidentNumber) -> Incident {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            let schedule = reader.schedule()
            let id = reader.string()
            var fields: [EventField] = []
            let fieldCount = Int(reader.varint())
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount {
                let key = reader.string()
                fields.append(EventField(key, reader.string()))
            }
            var incident = Incident(
                number: number, id: id, fields: Event(fields: fields), began: schedule.began, opened: reader.timestamp())
            incident.lastSeen = reader.timestamp()
            incident.count = Int(reader.varint())
            incident.rule = schedule.rule
            incident.scheduleDigest = reader.string()
            incident.firedSteps = schedule.firedSteps
            incident.repeatsSent = schedule.repeatsSent
            incident.state = schedule.state
            incident.ackedAt = reader.optionalTimestamp()
            incident.ackedBy = reader.optionalString()
            incident.resolvedAt = reader.optionalTimestamp()
            incident.resolvedBy = reader.optionalString()
            incident.cause = reader.optionalString()
            let toldCount = Int(reader.varint())
            incident.told.reserveCapacity(toldCount)
            for _ in 0..<toldCount { incident.told.append(ContactName(reader.string())) }
            incident.threadRoot = reader.optionalString()
            return incident
        }
    }

    /// Only what scheduling needs, from the front of the bytes.
    static func schedule(_ bytes: [UInt8]) -> ScheduleState {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            return reader.schedule()
        }
    }

    // MARK: writing

    private static func put(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func put(_ string: String, _ out: inout [UInt8]) {
        var s = string
        s.withUTF8 { utf8 in
            put(UInt64(utf8.count), &out)
            out.append(contentsOf: utf8)
        }
    }

    private static func put(_ string: String?, _ out: inout [UInt8]) {
        guard let string else { return out.append(0) }
        out.append(1)
        put(string, &out)
    }

    private static func put(_ time: Timestamp, _ out: inout [UInt8]) {
        let ms = time.milliseconds
        put(UInt64(bitPattern: (ms << 1) ^ (ms >> 63)), &out)  // zigzag: small negatives stay short
    }

    private static func put(_ time: Timestamp?, _ out: inout [UInt8]) {
        guard let time else { return out.append(0) }
        out.append(1)
        put(time, &out)
    }

    // MARK: reading

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func byte() -> UInt8 {
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = byte()
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        mutating func string() -> String {
            let count = Int(varint())
            defer { position += count }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<position + count]), as: UTF8.self)
        }

        mutating func optionalString() -> String? { byte() == 0 ? nil : string() }

        mutating func timestamp() -> Timestamp {
            let z = varint()
            return Timestamp(milliseconds: Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1))
        }

        mutating func optionalTimestamp() -> Timestamp? { byte() == 0 ? nil : timestamp() }

        mutating func schedule() -> ScheduleState {
            let state = byte()
            return ScheduleState(
                state: state == 0 ? .open : state == 1 ? .acked : .resolved, began: timestamp(), firedSteps: varint(),
                repeatsSent: Int(varint()), rule: optionalString().map { RuleName($0) })
        }
    }
}

/// One stored incident as borrowed UTF-8 and integers, straight from the store's columns,
/// for packing without building an `Incident` (a restart packs a million of them).
public struct StoredIncidentColumns {
    public var number: Int64
    public var state: Incident.State
    public var began: Int64
    public var firedSteps: UInt64
    public var repeatsSent: Int64
    public var rule: UnsafeBufferPointer<UInt8>?
    public var id: UnsafeBufferPointer<UInt8>
    /// The fields as the canonical logfmt line (`Event.logfmt`).
    public var fields: UnsafeBufferPointer<UInt8>
    public var opened: Int64
    public var lastSeen: Int64
    public var count: Int64
    public var scheduleDigest: UnsafeBufferPointer<UInt8>
    public var ackedAt: Int64?
    public var ackedBy: UnsafeBufferPointer<UInt8>?
    public var resolvedAt: Int64?
    public var resolvedBy: UnsafeBufferPointer<UInt8>?
    public var cause: UnsafeBufferPointer<UInt8>?
    /// Contact names separated by spaces.
    public var told: UnsafeBufferPointer<UInt8>
    public var threadRoot: UnsafeBufferPointer<UInt8>?

    /// Creates the columns of one row.
    public init(
        number: Int64, state: Incident.State, began: Int64, firedSteps: UInt64, repeatsSent: Int64,
        rule: UnsafeBufferPointer<UInt8>?, id: UnsafeBufferPointer<UInt8>, fields: UnsafeBufferPointer<UInt8>, opened: Int64,
        lastSeen: Int64, count: Int64, scheduleDigest: UnsafeBufferPointer<UInt8>, ackedAt: Int64?,
        ackedBy: UnsafeBufferPointer<UInt8>?, resolvedAt: Int64?, resolvedBy: UnsafeBufferPointer<UInt8>?,
        cause: UnsafeBufferPointer<UInt8>?, told: UnsafeBufferPointer<UInt8>, threadRoot: UnsafeBufferPointer<UInt8>?
    ) {
        self.number = number
        self.state = state
        self.began = began
        self.firedSteps = firedSteps
        self.repeatsSent = repeatsSent
        self.rule = rule
        self.id = id
        self.fields = fields
        self.opened = opened
        self.lastSeen = lastSeen
        self.count = count
        self.scheduleDigest = scheduleDigest
        self.ackedAt = ackedAt
        self.ackedBy = ackedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.cause = cause
        self.told = told
        self.threadRoot = threadRoot
    }
}

extension IncidentCodec {
    /// Packs stored columns exactly as `encode` packs the `Incident` they describe.
    static func encode(_ c: StoredIncidentColumns) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + c.id.count + c.fields.count + c.scheduleDigest.count + c.told.count)
        out.append(c.state == .open ? 0 : c.state == .acked ? 1 : 2)
        putTime(c.began, &out)
        putVarint(c.firedSteps, &out)
        putVarint(UInt64(c.repeatsSent), &out)
        putOptional(c.rule, &out)
        putBytes(c.id, &out)
        putLogfmtFields(c.fields, &out)
        putTime(c.opened, &out)
        putTime(c.lastSeen, &out)
        putVarint(UInt64(c.count), &out)
        putBytes(c.scheduleDigest, &out)
        putOptionalTime(c.ackedAt, &out)
        putOptional(c.ackedBy, &out)
        putOptionalTime(c.resolvedAt, &out)
        putOptional(c.resolvedBy, &out)
        putOptional(c.cause, &out)
        let names = c.told.split(separator: 0x20)
        putVarint(UInt64(names.count), &out)
        for name in names { putBytes(UnsafeBufferPointer(rebasing: name), &out) }
        putOptional(c.threadRoot, &out)
        return out
    }

    private static func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func putTime(_ ms: Int64, _ out: inout [UInt8]) {
        putVarint(UInt64(bitPattern: (ms << 1) ^ (ms >> 63)), &out)
    }

    private static func putOptionalTime(_ ms: Int64?, _ out: inout [UInt8]) {
        guard let ms else { return out.append(0) }
        out.append(1)
        putTime(ms, &out)
    }

    private static func putBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        putVarint(UInt64(bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    private static func putOptional(_ bytes: UnsafeBufferPointer<UInt8>?, _ out: inout [UInt8]) {
        guard let bytes else { return out.append(0) }
        out.append(1)
        putBytes(bytes, &out)
    }

    /// The fields of a logfmt line this program wrote (`Event.logfmt`), as `encode` packs them.
    private static func putLogfmtFields(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        var pairs: [(key: Range<Int>, value: [UInt8]?, plain: Range<Int>)] = []
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n, bytes[i] == 0x20 { i += 1 }
            guard i < n else { break }
            let keyStart = i
            while i < n, bytes[i] != 0x3D { i += 1 }
            let key = keyStart..<i
            i = min(i + 1, n)
            if i < n, bytes[i] == 0x22 {
                i += 1
                var unescaped: [UInt8] = []
                while i < n, bytes[i] != 0x22 {
                    if bytes[i] == 0x5C, i + 1 < n { i += 1 }
                    unescaped.append(bytes[i])
                    i += 1
                }
                i += 1
                pairs.append((key, unescaped, 0..<0))
            } else {
                let start = i
                while i < n, bytes[i] != 0x20 { i += 1 }
                pairs.append((key, nil, start..<i))
            }
        }
        putVarint(UInt64(pairs.count), &out)
        for pair in pairs {
            putBytes(UnsafeBufferPointer(rebasing: bytes[pair.key]), &out)
            if let value = pair.value {
                putVarint(UInt64(value.count), &out)
                out.append(contentsOf: value)
            } else {
                putBytes(UnsafeBufferPointer(rebasing: bytes[pair.plain]), &out)
            }
        }
    }
}
