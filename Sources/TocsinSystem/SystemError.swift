#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call or file operation: what was attempted, on which path, and why
/// (the errno text), plus where in Tocsin's source it was raised.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    /// What was being done (`cannot read rules directory`).
    public var operation: String
    /// The file or socket involved.
    public var path: String?
    /// The errno value (0 when not from a system call).
    public var code: Int32
    /// Source location in Tocsin, for bug reports.
    public var location: String

    /// Creates an error from the current `errno`.
    public init(_ operation: String, path: String? = nil, code: Int32 = errno, file: String = #fileID, line: Int = #line) {
        self.operation = operation
        self.path = path
        self.code = code
        self.location = "\(file):\(line)"
    }

    /// `cannot read rules directory '/etc/tocsin/rules': No such file or directory`.
    public var description: String {
        var text = operation
        if let path { text += " '\(path)'" }
        if code != 0 { text += ": " + String(cString: strerror(code)) }
        return text
    }
}
