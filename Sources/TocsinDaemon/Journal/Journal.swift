import CSystemd
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// Writes journal entries through libsystemd's `sd_journal_sendv`, one per decision, with
/// `SYSLOG_IDENTIFIER=tocsind`, `PRIORITY`, `MESSAGE_ID` and the `TOCSIN_*` fields. Where no
/// journal is running (a container, a developer's shell) it writes `<N>message` lines to
/// stderr instead (sd-daemon's priority prefixes), never failing the caller.
///
/// tocsind sends from a thread of its own (`startSending`, a `WorkerQueue` of one worker
/// that takes everything queued): a send is a syscall to journald (~30 µs), and a burst of
/// 2,000 entries at the start of a storm held the event loop for ~60 ms while clients
/// waited for their replies; a slow journald no longer stalls it either.
public final class Journal: @unchecked Sendable {
    private let useJournal: Bool
    private let identifier: String

    /// The sending thread (nil: entries are sent by the caller); guarded by `lock`.
    private var sender: WorkerQueue<JournalEntry, Never>?
    private let lock = Lock()
    /// `set site`: added to every entry as `TOCSIN_SITE` (guarded by `lock`).
    private var site: String?
    /// Entries that may wait before `write` waits for the thread (journald stuck).
    static let maxPending = 20_000
    /// Where entries go instead of the journal (tests).
    private let sink: ((JournalEntry) -> Void)?

    /// Uses the journal when its socket is there, unless `forceStderr`.
    public convenience init(identifier: String = "tocsind", forceStderr: Bool = false) {
        self.init(identifier: identifier, forceStderr: forceStderr, sink: nil)
    }

    /// A journal whose entries go to `sink` (tests), or to the journal when nil.
    init(identifier: String, forceStderr: Bool, sink: ((JournalEntry) -> Void)?) {
        self.sink = sink
        self.identifier = identifier
        var st = stat()
        self.useJournal = !forceStderr && stat("/run/systemd/journal/socket", &st) == 0
    }

    /// Sends entries from a thread of their own from now on, in order; `stopSending` sends
    /// what is left.
    public func startSending() {
        let queue = WorkerQueue<JournalEntry, Never>(threads: 1, share: { $0 }, capacity: Journal.maxPending) {
            [unowned self] entries in
            for entry in entries { deliver(entry) }
            return []
        }
        lock.withLock { sender = queue }
    }

    /// Sends what is queued, stops the thread; later entries are sent by the caller.
    public func stopSending() {
        let queue = lock.withLock {
            defer { sender = nil }
            return sender
        }
        queue?.stop()
    }

    /// Sets the site every later entry carries as `TOCSIN_SITE` (nil: none).
    public func setSite(_ site: String?) { lock.withLock { self.site = site } }

    /// Writes one entry (queues it, once `startSending` was called).
    public func write(_ entry: JournalEntry) {
        if let queue = lock.withLock({ sender }) {
            queue.submit(entry)
        } else {
            deliver(entry)
        }
    }

    private func deliver(_ entry: JournalEntry) {
        var entry = entry
        if let site = lock.withLock({ self.site }) { entry.fields.append(("TOCSIN_SITE", site)) }
        if let sink { return sink(entry) }
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
