import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Writes journal entries through libsystemd's `sd_journal_sendv`, one per decision, with
/// `SYSLOG_IDENTIFIER=tocsind`, `PRIORITY`, `MESSAGE_ID` and the `TOCSIN_*` fields. Where no
/// journal is running (a container, a developer's shell) it writes `<N>message` lines to
/// stderr instead (sd-daemon's priority prefixes), never failing the caller.
public final class Journal: @unchecked Sendable {
    private let useJournal: Bool
    private let identifier: String

    /// Uses the journal when its socket is there, unless `forceStderr`.
    public init(identifier: String = "tocsind", forceStderr: Bool = false) {
        self.identifier = identifier
        var st = stat()
        self.useJournal = !forceStderr && stat("/run/systemd/journal/socket", &st) == 0
    }

    /// Writes one entry.
    public func write(_ entry: JournalEntry) {
        if useJournal, send(entry) >= 0 { return }
        var line = "<\(entry.priority.rawValue)>" + entry.message.replacingNewlines()
        let tocsin = entry.fields.filter { $0.0.hasPrefix("TOCSIN_") && $0.0 != "TOCSIN_EVENT" }
        if !tocsin.isEmpty {
            line += " [" + tocsin.map { "\($0.0)=\($0.1.replacingNewlines())" }.joined(separator: " ") + "]"
        }
        FileHandleWriter.stderr(line + "\n")
    }

    /// Logs a plain message.
    public func log(_ kind: JournalMessage, _ priority: JournalPriority, _ message: String, _ fields: [(String, String)] = []) {
        write(JournalEntry(kind, priority, message, fields: fields))
    }

    private func send(_ entry: JournalEntry) -> Int32 {
        var strings = [
            "MESSAGE=" + entry.message, "PRIORITY=\(entry.priority.rawValue)", "MESSAGE_ID=" + entry.kind.id,
            "SYSLOG_IDENTIFIER=" + identifier,
        ]
        for (name, value) in entry.fields { strings.append(name + "=" + value) }
        // One C buffer per field ("FIELD=value"; values may hold any UTF-8, no NUL).
        let buffers = strings.map { text -> (UnsafeMutablePointer<UInt8>, Int) in
            let bytes = Array(text.utf8)
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            pointer.initialize(from: bytes, count: bytes.count)
            return (pointer, bytes.count)
        }
        defer { for (pointer, _) in buffers { pointer.deallocate() } }
        var iovecs = buffers.map { iovec(iov_base: UnsafeMutableRawPointer($0.0), iov_len: $0.1) }
        return sd_journal_sendv(&iovecs, Int32(iovecs.count))
    }
}

extension String {
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
