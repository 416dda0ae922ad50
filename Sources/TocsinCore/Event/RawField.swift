/// A field as a reader found it, before its value is checked: the value's bytes are either
/// a span of the line itself (most values: nothing to undo) or bytes of their own (quotes
/// and escapes undone), so reading a line makes no array per value.
struct RawField {
    enum Value {
        /// `line[span]`.
        case span(Range<Int>)
        /// Unescaped bytes.
        case bytes([UInt8])
    }

    var key: String
    var value: Value

    /// Calls `body` with the value's bytes, `line` being the line it was read from.
    func withValueBytes<R, E: Error>(
        in line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        switch value {
        case .span(let span): return try body(UnsafeRawBufferPointer(rebasing: line[span]))
        case .bytes(let bytes):
            // withUnsafeBytes does not carry a typed throw through; the error is handed out.
            var result: Result<R, E>!
            bytes.withUnsafeBytes { buffer in result = Result { () throws(E) -> R in try body(buffer) } }
            return try result.get()
        }
    }
}
