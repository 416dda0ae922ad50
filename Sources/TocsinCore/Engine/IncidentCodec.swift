/// A compact byte form of an `Incident`, for keeping a million open incidents in memory:
/// varints and length-prefixed UTF-8, about 150 bytes for a typical fault, against a
/// 224-byte struct plus a separate allocation for every field array and long string.
enum IncidentCodec {
    static func encode(_ incident: Incident) -> [UInt8] {
        var out = PackedWriter(capacity: 160)
        // What scheduling needs comes first, so `schedule(_:)` reads only a prefix; then
        // what else a firing changes, so `patchProgress` rewrites only a prefix.
        writeProgressFront(incident, to: &out)
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
        return out.bytes
    }

    /// The front: state, began, fired steps, repeats sent, rule (the schedule), then who was
    /// told and the thread's first Message-ID.
    private static func writeProgressFront(_ incident: Incident, to out: inout PackedWriter) {
        out.byte(incident.state == .open ? 0 : incident.state == .acked ? 1 : 2)
        out.time(incident.began)
        out.varint(incident.firedSteps)
        out.varint(UInt64(incident.repeatsSent))
        out.string(incident.rule?.rawValue)
        out.varint(UInt64(incident.told.count))
        for name in incident.told { out.string(name.rawValue) }
        out.string(incident.threadRoot)
    }

    static func decode(_ bytes: [UInt8], number: IncidentNumber) -> Incident {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PackedReader(buffer)
            let schedule = reader.schedule()
            let toldCount = Int(reader.varint())
            var told: [ContactName] = []
            told.reserveCapacity(toldCount)
            for _ in 0..<toldCount { told.append(ContactName(reader.string())) }
            let threadRoot = reader.optionalString()
            let id = reader.string()
            let fieldCount = Int(reader.varint())
            let fieldsStart = reader.position
            for _ in 0..<fieldCount {
                reader.skipString()
                reader.skipString()
            }
            let fields = Event(packed: Array(buffer[fieldsStart..<reader.position]), count: fieldCount)
            let opened = reader.time()
            let lastSeen = reader.time()
            let count = Int(reader.varint())
            let scheduleDigest = reader.string()
            let ackedAt = reader.optionalTime()
            let ackedBy = reader.optionalString()
            let resolvedAt = reader.optionalTime()
            let resolvedBy = reader.optionalString()
            let cause = reader.optionalString()
            return Incident(
                number: number, id: id, fields: fields, began: schedule.began, opened: opened, lastSeen: lastSeen,
                count: count, rule: schedule.rule, scheduleDigest: scheduleDigest, firedSteps: schedule.firedSteps,
                repeatsSent: schedule.repeatsSent, state: schedule.state, ackedAt: ackedAt, ackedBy: ackedBy,
                resolvedAt: resolvedAt, resolvedBy: resolvedBy, cause: cause, told: told, threadRoot: threadRoot)
        }
    }

    /// Makes `bytes` (`encode` of an incident) into `encode(incident)` for an incident that
    /// differs from the packed one only in what a step firing changes (`firedSteps`,
    /// `repeatsSent`, `told`, `threadRoot`): only the front is written again, in place, and
    /// the rest stays where it is. `scratch` is working space.
    static func patchProgress(_ bytes: inout [UInt8], with incident: Incident, scratch: inout [UInt8]) {
        let frontEnd = bytes.withUnsafeBufferPointer { buffer in
            var reader = PackedReader(buffer)
            _ = reader.schedule()
            for _ in 0..<reader.varint() { reader.skipString() }  // told
            reader.skipOptionalString()  // thread root
            return reader.position
        }
        var front = PackedWriter(reusing: &scratch)
        writeProgressFront(incident, to: &front)
        bytes.replaceSubrange(0..<frontEnd, with: front.bytes)
        scratch = front.bytes
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
        let names = c.told.split(separator: 0x20)
        out.varint(UInt64(names.count))
        for name in names { out.raw(UnsafeBufferPointer(rebasing: name)) }
        out.raw(c.threadRoot)
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
        return out.bytes
    }
}
