import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// Writing to stdout/stderr and leaving with a status.
enum Output {
    static func out(_ text: String) { FileHandleWriter.stdout(text) }

    static func err(_ text: String) { FileHandleWriter.stderr(text) }

    /// Prints `tocsinctl: message` to stderr and exits with `status`.
    static func fail(_ message: String, status: Int32 = 1) -> Never {
        err("tocsinctl: \(message)\n")
        exit(status)
    }
}
