/// A field as a reader found it, before its value is checked: its key and value bytes are
/// each either a span of the line itself (most: nothing to undo) or bytes of their own
/// (quotes and escapes undone), so reading a line makes no array or string per field.
struct RawField {
    enum Bytes {
        /// `line[span]`.
        case span(Range<Int>)
        /// Bytes of their own.
        case bytes([UInt8])
    }

    var key: Bytes
    var value: Bytes

    /// Calls `body` with the key's bytes, `line` being the line it was read from.
    func withKeyBytes<R, E: Error>(
        in line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try RawField.with(key, in: line, body)
    }

    /// Calls `body` with the value's bytes, `line` being the line it was read from.
    func withValueBytes<R, E: Error>(
        in line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try RawField.with(value, in: line, body)
    }

    /// The key as text (for messages).
    func keyText(in line: UnsafeRawBufferPointer) -> String {
        withKeyBytes(in: line) { String(decoding: $0, as: UTF8.self) }
    }

    private static func with<R, E: Error>(
        _ bytes: Bytes, in line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        switch bytes {
        case .span(let span): return try body(UnsafeRawBufferPointer(rebasing: line[span]))
        case .bytes(let bytes):
            // withUnsafeBytes does not carry a typed throw through; the error is handed out.
            var result: Result<R, E>!
            bytes.withUnsafeBytes { buffer in result = Result { () throws(E) -> R in try body(buffer) } }
            return try result.get()
        }
    }
}
