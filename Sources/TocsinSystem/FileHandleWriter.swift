#if canImport(Glibc)
    import Glibc
#endif

/// Unbuffered writes of text to the standard streams.
public enum FileHandleWriter {
    /// Writes `text` to stderr.
    public static func stderr(_ text: String) { write(text, to: 2) }
    /// Writes `text` to stdout.
    public static func stdout(_ text: String) { write(text, to: 1) }

    package static func write(_ text: String, to fd: Int32) {
        var copy = text
        copy.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
