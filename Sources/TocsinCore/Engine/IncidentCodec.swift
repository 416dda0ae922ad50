/// A compact byte form of an `Incident`, for keeping a million open incidents in memory:
/// varints and length-prefixed UTF-8, about 150 bytes for a typical fault, against a
/// 224-byte struct plus a separate allocation for every field array and long string.
enum IncidentCodec {
    static func encode(_ incident: Incident) -> [UInt8] {
        var out = PackedWriter(capacity: 160)
        // What scheduling needs comes first, so `schedule(_:)` reads only a prefix.
        out.byte(incident.state == .open ? 0 : incident.state == .acked ? 1 : 2)
        out.time(incident.began)
        out.varint(incident.firedSteps)
        out.varint(UInt64(incident.repeatsSent))
        out.string(incident.rule?.rawValue)
        out.string(incident.id)
        out.varint(UInt64(incident.fields.count))
        out.bytes.append(contentsOf: incident.fields.packed)  // the same form: copied as it is
        out.time(incident.opened)
        out.time(incident.lastSeen)
        out.varint(UInt64(incident.count))
        out.string(incident.scheduleDigest)
        out.time(incident.ackedAt)
        out.string(incident.ackedBy)
        out.time(incident.resolvedAt)
        out.string(incident.resolvedBy)
        out.string(incident.cause)
        out.varint(UInt64(incident.told.count))
        for name in incident.told { out.string(name.rawValue) }
        out.string(incident.threadRoot)
        return out.bytes
    }

    static func decode(_ bytes: [UInt8], number: IncidentNumber) -> Incident {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PackedReader(buffer)
            let schedule = reader.schedule()
            let id = reader.string()
            let fieldCount = Int(reader.varint())
            let fieldsStart = reader.position
            for _ in 0..<fieldCount {
                reader.skipString()
                reader.skipString()
            }
            let fields = Event(packed: Array(buffer[fieldsStart..<reader.position]), count: fieldCount)
            var incident = Incident(
                number: number, id: id, fields: fields, began: schedule.began, opened: reader.time())
            incident.lastSeen = reader.time()
            incident.count = Int(reader.varint())
            incident.rule = schedule.rule
            incident.scheduleDigest = reader.string()
            incident.firedSteps = schedule.firedSteps
            incident.repeatsSent = schedule.repeatsSent
            incident.state = schedule.state
            incident.ackedAt = reader.optionalTime()
            incident.ackedBy = reader.optionalString()
            incident.resolvedAt = reader.optionalTime()
            incident.resolvedBy = reader.optionalString()
            incident.cause = reader.optionalString()
            let toldCount = Int(reader.varint())
            incident.told.reserveCapacity(toldCount)
            for _ in 0..<toldCount { incident.told.append(ContactName(reader.string())) }
            incident.threadRoot = reader.optionalString()
            return incident
        }
    }

    /// `encode(incident)` for an incident that differs from the packed one only in what a
    /// step firing changes (`firedSteps`, `repeatsSent`, `told`, `threadRoot`): the front and
    /// the tail are written again, the fields in between copied as they are.
    static func patchProgress(_ bytes: [UInt8], with incident: Incident) -> [UInt8] {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PackedReader(buffer)
            _ = reader.schedule()
            let middleStart = reader.position
            reader.skipString()  // id
            for _ in 0..<reader.varint() {
                reader.skipString()
                reader.skipString()
            }
            _ = reader.varint()  // opened
            _ = reader.varint()  // last seen
            _ = reader.varint()  // count
            reader.skipString()  // schedule digest
            _ = reader.optionalTime()  // acked at
            reader.skipOptionalString()  // acked by
            _ = reader.optionalTime()  // resolved at
            reader.skipOptionalString()  // resolved by
            reader.skipOptionalString()  // cause
            let middleEnd = reader.position
            var out = PackedWriter(capacity: bytes.count + 48)
            out.byte(incident.state == .open ? 0 : incident.state == .acked ? 1 : 2)
            out.time(incident.began)
            out.varint(incident.firedSteps)
            out.varint(UInt64(incident.repeatsSent))
            out.string(incident.rule?.rawValue)
            out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[middleStart..<middleEnd]))
            out.varint(UInt64(incident.told.count))
            for name in incident.told { out.string(name.rawValue) }
            out.string(incident.threadRoot)
            return out.bytes
        }
    }

    /// Only what scheduling needs, from the front of the bytes.
    static func schedule(_ bytes: [UInt8]) -> ScheduleState {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PackedReader(buffer)
            return reader.schedule()
        }
    }
}

extension PackedReader {
    /// The front of a packed incident.
    fileprivate mutating func schedule() -> ScheduleState {
        let state = byte()
        return ScheduleState(
            state: state == 0 ? .open : state == 1 ? .acked : .resolved, began: time(), firedSteps: varint(),
            repeatsSent: Int(varint()), rule: optionalString().map { RuleName($0) })
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
        var out = PackedWriter(capacity: 64 + c.id.count + c.fields.count + c.scheduleDigest.count + c.told.count)
        out.byte(c.state == .open ? 0 : c.state == .acked ? 1 : 2)
        out.signed(c.began)
        out.varint(c.firedSteps)
        out.varint(UInt64(c.repeatsSent))
        out.raw(c.rule)
        out.raw(c.id)
        // Fields the store cannot read back (never written so) are packed as none, as
        // `Store.incident(from:)` reads them.
        let fields = EventParser.trusted(logfmt: c.fields) ?? Event(fields: [])
        out.varint(UInt64(fields.count))
        out.bytes.append(contentsOf: fields.packed)
        out.signed(c.opened)
        out.signed(c.lastSeen)
        out.varint(UInt64(c.count))
        out.raw(c.scheduleDigest)
        out.time(c.ackedAt.map(Timestamp.init(milliseconds:)))
        out.raw(c.ackedBy)
        out.time(c.resolvedAt.map(Timestamp.init(milliseconds:)))
        out.raw(c.resolvedBy)
        out.raw(c.cause)
        let names = c.told.split(separator: 0x20)
        out.varint(UInt64(names.count))
        for name in names { out.raw(UnsafeBufferPointer(rebasing: name)) }
        out.raw(c.threadRoot)
        return out.bytes
    }
}
