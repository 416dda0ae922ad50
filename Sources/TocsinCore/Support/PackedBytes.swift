/// The primitives of Tocsin's compact byte forms (`IncidentCodec`, `HeldMessageCodec`):
/// LEB128 varints, zigzag timestamps, length-prefixed UTF-8, and a presence byte before
/// anything optional.
package struct PackedWriter {
    /// What has been written.
    package var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Writes into `storage`'s buffer, emptied (its capacity kept); `storage` is left empty
    /// until the caller takes the bytes back.
    package init(reusing storage: inout [UInt8]) {
        swap(&bytes, &storage)
        bytes.removeAll(keepingCapacity: true)
    }

    package mutating func byte(_ value: UInt8) { bytes.append(value) }

    package mutating func varint(_ value: UInt64) { PackedWriter.appendVarint(value, to: &bytes) }

    /// Appends a LEB128 varint to `bytes`.
    package static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends length-prefixed bytes (`raw`) to `bytes`.
    package static func appendRaw(_ raw: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        appendVarint(UInt64(raw.count), to: &bytes)
        bytes.append(contentsOf: raw)
    }

    /// A signed integer, zigzag-coded so that small negatives stay short.
    package mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    package mutating func time(_ time: Timestamp) { signed(time.milliseconds) }

    package mutating func time(_ time: Timestamp?) {
        guard let time else { return bytes.append(0) }
        bytes.append(1)
        signed(time.milliseconds)
    }

    package mutating func string(_ string: String) {
        var s = string
        s.withUTF8 { raw($0) }
    }

    package mutating func string(_ string: String?) {
        guard let string else { return bytes.append(0) }
        bytes.append(1)
        self.string(string)
    }

    /// Length-prefixed bytes (UTF-8 read elsewhere).
    package mutating func raw(_ utf8: UnsafeBufferPointer<UInt8>) { PackedWriter.appendRaw(utf8, to: &bytes) }

    package mutating func raw(_ utf8: UnsafeBufferPointer<UInt8>?) {
        guard let utf8 else { return bytes.append(0) }
        bytes.append(1)
        raw(utf8)
    }
}

/// Reads what a `PackedWriter` wrote. Reading past the end sets `overrun` and yields zeros
/// and empty strings instead of trapping, so bytes from outside the process (a database
/// blob) are checked once, at the end.
package struct PackedReader {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var position = 0
    /// Whether a read went past the end.
    package private(set) var overrun = false

    package init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Records that the bytes do not hold what was expected (a count larger than what is left).
    package mutating func markOverrun() {
        overrun = true
        position = bytes.count
    }

    /// Whether every byte was read, and no more.
    package var isComplete: Bool { !overrun && position == bytes.count }

    package mutating func byte() -> UInt8 {
        guard position < bytes.count else {
            overrun = true
            return 0
        }
        defer { position += 1 }
        return bytes[position]
    }

    package mutating func varint() -> UInt64 {
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

    package mutating func signed() -> Int64 {
        let z = varint()
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    package mutating func time() -> Timestamp { Timestamp(milliseconds: signed()) }

    package mutating func optionalTime() -> Timestamp? { byte() == 0 ? nil : time() }

    package mutating func string() -> String {
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

    package mutating func optionalString() -> String? { byte() == 0 ? nil : string() }

    /// Passes over a string without making it.
    package mutating func skipString() {
        let count = varint()
        guard count <= UInt64(bytes.count - position) else { return markOverrun() }
        position += Int(count)
    }

    package mutating func skipOptionalString() { if byte() != 0 { skipString() } }
}
