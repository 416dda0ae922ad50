/// A compact byte form of an `Incident`, for keeping a million open incidents in memory:
/// varints and length-prefixed UTF-8, about 150 bytes for a typical fault, against a
/// 224-byte struct plus a separate allocation for every field array and long string.
enum IncidentCodec {
    static func encode(_ incident: Incident) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        put(incident.id, &out)
        put(UInt64(incident.fields.fields.count), &out)
        for field in incident.fields.fields {
            put(field.key, &out)
            put(field.value, &out)
        }
        put(incident.began, &out)
        put(incident.opened, &out)
        put(incident.lastSeen, &out)
        put(UInt64(incident.count), &out)
        put(incident.rule?.rawValue, &out)
        put(incident.scheduleDigest, &out)
        put(incident.firedSteps, &out)
        put(UInt64(incident.repeatsSent), &out)
        out.append(incident.state == .open ? 0 : incident.state == .acked ? 1 : 2)
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
            let id = reader.string()
            var fields: [EventField] = []
            let fieldCount = Int(reader.varint())
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount {
                let key = reader.string()
                fields.append(EventField(key, reader.string()))
            }
            let began = reader.timestamp()
            var incident = Incident(number: number, id: id, fields: Event(fields: fields), began: began, opened: reader.timestamp())
            incident.lastSeen = reader.timestamp()
            incident.count = Int(reader.varint())
            incident.rule = reader.optionalString().map { RuleName($0) }
            incident.scheduleDigest = reader.string()
            incident.firedSteps = reader.varint()
            incident.repeatsSent = Int(reader.varint())
            let state = reader.byte()
            incident.state = state == 0 ? .open : state == 1 ? .acked : .resolved
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
    }
}
