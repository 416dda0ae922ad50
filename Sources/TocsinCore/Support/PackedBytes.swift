/// The primitives of Tocsin's compact byte forms (`IncidentCodec`, `HeldMessageCodec`):
/// LEB128 varints, zigzag timestamps, length-prefixed UTF-8, and a presence byte before
/// anything optional.
struct PackedWriter {
    /// What has been written.
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Writes into `storage`'s buffer, emptied (its capacity kept); `storage` is left empty
    /// until the caller takes the bytes back.
    init(reusing storage: inout [UInt8]) {
        swap(&bytes, &storage)
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) { PackedWriter.appendVarint(value, to: &bytes) }

    /// Appends a LEB128 varint to `bytes`.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends length-prefixed bytes (`raw`) to `bytes`.
    static func appendRaw(_ raw: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        appendVarint(UInt64(raw.count), to: &bytes)
        bytes.append(contentsOf: raw)
    }

    /// A signed integer, zigzag-coded so that small negatives stay short.
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func time(_ time: Timestamp) { signed(time.milliseconds) }

    mutating func time(_ time: Timestamp?) {
        guard let time else { return bytes.append(0) }
        bytes.append(1)
        signed(time.milliseconds)
    }

    mutating func string(_ string: String) {
        var s = string
        s.withUTF8 { raw($0) }
    }

    mutating func string(_ string: String?) {
        guard let string else { return bytes.append(0) }
        bytes.append(1)
        self.string(string)
    }

    /// Length-prefixed bytes (UTF-8 read elsewhere).
    mutating func raw(_ utf8: UnsafeBufferPointer<UInt8>) { PackedWriter.appendRaw(utf8, to: &bytes) }

    mutating func raw(_ utf8: UnsafeBufferPointer<UInt8>?) {
        guard let utf8 else { return bytes.append(0) }
        bytes.append(1)
        raw(utf8)
    }
}

/// Reads what a `PackedWriter` wrote. Reading past the end sets `overrun` and yields zeros
/// and empty strings instead of trapping, so bytes from outside the process (a database
/// blob) are checked once, at the end.
struct PackedReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Whether a read went past the end.
    private(set) var overrun = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Records that the bytes do not hold what was expected (a count larger than what is left).
    mutating func markOverrun() {
        overrun = true
        position = bytes.count
    }

    /// Whether every byte was read, and no more.
    var isComplete: Bool { !overrun && position == bytes.count }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else {
            overrun = true
            return 0
        }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            let b = byte()
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
        overrun = true
        return value
    }

    mutating func signed() -> Int64 {
        let z = varint()
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    mutating func time() -> Timestamp { Timestamp(milliseconds: signed()) }

    mutating func optionalTime() -> Timestamp? { byte() == 0 ? nil : time() }

    mutating func string() -> String {
        let count = varint()
        guard count <= UInt64(bytes.count - position) else {
            overrun = true
            position = bytes.count
            return ""
        }
        let end = position + Int(count)
        defer { position = end }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }

    mutating func optionalString() -> String? { byte() == 0 ? nil : string() }

    /// Passes over a string without making it.
    mutating func skipString() {
        let count = varint()
        guard count <= UInt64(bytes.count - position) else { return markOverrun() }
        position += Int(count)
    }

    mutating func skipOptionalString() { if byte() != 0 { skipString() } }
}
