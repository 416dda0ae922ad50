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

extension IncidentCodec {
    /// Packs an incident given as borrowed UTF-8 and integers exactly as `encode` packs the
    /// `Incident` they describe (`PackedIncident.init?(number:…)`).
    static func encode(_ b: BorrowedIncident) -> [UInt8] {
        var out = PackedWriter(capacity: 64 + b.id.count + b.fields.packed.count + b.scheduleDigest.count + b.told.count * 16)
        out.byte(b.state == .open ? 0 : b.state == .acked ? 1 : 2)
        out.signed(b.began)
        out.varint(b.firedSteps)
        out.varint(UInt64(b.repeatsSent))
        out.raw(b.rule)
        out.varint(UInt64(b.told.count))
        for name in b.told { out.raw(name) }
        out.raw(b.threadRoot)
        out.raw(b.id)
        out.varint(UInt64(b.fields.count))
        out.bytes.append(contentsOf: b.fields.packed)
        out.signed(b.opened)
        out.signed(b.lastSeen)
        out.varint(UInt64(b.count))
        out.raw(b.scheduleDigest)
        out.time(b.ackedAt.map(Timestamp.init(milliseconds:)))
        out.raw(b.ackedBy)
        out.time(b.resolvedAt.map(Timestamp.init(milliseconds:)))
        out.raw(b.resolvedBy)
        out.raw(b.cause)
        return out.bytes
    }
}

/// An incident's parts as borrowed UTF-8 and integers, in the order they are packed.
struct BorrowedIncident {
    var state: Incident.State
    var began: Int64
    var firedSteps: UInt64
    var repeatsSent: Int64
    var rule: UnsafeBufferPointer<UInt8>?
    var told: [UnsafeBufferPointer<UInt8>]
    var threadRoot: UnsafeBufferPointer<UInt8>?
    var id: UnsafeBufferPointer<UInt8>
    var fields: Event
    var opened: Int64
    var lastSeen: Int64
    var count: Int64
    var scheduleDigest: UnsafeBufferPointer<UInt8>
    var ackedAt: Int64?
    var ackedBy: UnsafeBufferPointer<UInt8>?
    var resolvedAt: Int64?
    var resolvedBy: UnsafeBufferPointer<UInt8>?
    var cause: UnsafeBufferPointer<UInt8>?
}
