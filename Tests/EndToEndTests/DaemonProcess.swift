import Foundation
import Glibc
import Testing

/// A real tocsind started on temporary directories, with a NOTIFY_SOCKET the test listens
/// on (so READY=1 is observed, not guessed), a Maildir for mail, and helpers to talk to it.
final class DaemonProcess {
    /// Rules that tell one contact (`ops`) of every fault at once, with no storm control.
    static let everyFaultToOps = """
        set storm-window 0s
        contact ops mail ops@example.org
        rule r
          match kind=fault
          after 0m notify ops
        """

    let root: URL
    var process: Process?
    /// When the first start began (journal queries look no further back: PIDs are reused).
    var firstStart: Date?
    let notify: NotifyListener
    var stderrFile: URL { root.appendingPathComponent("stderr.log") }
    var extraArguments: [String]
    var environment: [String: String]
    /// A command tocsind is started through (e.g. a sandbox), before its path and arguments.
    var launcher: [String] = []

    var rulesDir: URL { root.appendingPathComponent("rules") }
    var socketPath: String { root.appendingPathComponent("events.sock").path }
    var spool: URL { root.appendingPathComponent("spool") }
    var state: URL { root.appendingPathComponent("state") }
    var maildir: URL { root.appendingPathComponent("maildir") }

    init(rules: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let root = Binaries.temporaryDirectory("tocsind")
        self.root = root
        notify = try NotifyListener(path: root.appendingPathComponent("notify.sock").path)
        extraArguments = arguments
        self.environment = environment
        try FileManager.default.createDirectory(at: rulesDir, withIntermediateDirectories: true)
        try rules.write(to: rulesDir.appendingPathComponent("test.rules"), atomically: true, encoding: .utf8)
    }

    /// The tocsinctl environment pointing at this daemon.
    var ctlEnvironment: [String: String] {
        ["TOCSIN_SOCKET": socketPath, "TOCSIN_STATE": state.path, "TOCSIN_SPOOL": spool.path, "TOCSIN_RULES": rulesDir.path]
    }

    /// Starts tocsind and waits for READY=1.
    func start(mailDrop: Bool = true) throws {
        let p = Process()
        let tocsind = Binaries.directory.appendingPathComponent("tocsind")
        var args = ["--rules", rulesDir.path, "--spool", spool.path, "--socket", socketPath, "--state", state.path]
        if mailDrop { args += ["--mail-drop", maildir.path] }
        if let program = launcher.first {
            p.executableURL = URL(fileURLWithPath: program)
            p.arguments = Array(launcher.dropFirst()) + [tocsind.path] + args + extraArguments
        } else {
            p.executableURL = tocsind
            p.arguments = args + extraArguments
        }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOCSIN_") }
        env["NOTIFY_SOCKET"] = notify.path
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if !FileManager.default.fileExists(atPath: stderrFile.path) {
            _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: stderrFile)
        log.seekToEndOfFile()
        p.standardError = log
        p.standardOutput = FileHandle.nullDevice
        if firstStart == nil { firstStart = Date() }
        let mark = notify.messages.count
        try p.run()
        process = p
        guard notify.waitFor("READY=1", seconds: 30, after: mark, unless: { !p.isRunning }) else {
            p.terminate()
            throw DaemonError.notReady(stderrText())
        }
    }

    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// SIGTERM and wait; a clean stop exits 0 without a crash report.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0,
            "tocsind stopped with \(p.terminationReason == .exit ? "status" : "signal") \(p.terminationStatus): \(stderrText().suffix(3000))",
            sourceLocation: sourceLocation)
    }

    /// SIGKILL and wait.
    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// What tocsind wrote to stderr so far (its log when no journal is running).
    func stderrText() -> String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }

    deinit {
        notify.close()
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }

    /// Sends lines on one connection and returns one reply per line.
    func send(_ lines: [String]) throws -> [String] {
        let client = try LineClient(path: socketPath)
        try client.write(lines.map { $0 + "\n" }.joined())
        return try lines.map { _ in try client.readLine() }
    }

    func send(_ line: String) throws -> String { try send([line])[0] }

    /// Drops a spool file (tmp/ then rename into new/).
    @discardableResult
    func spoolFile(_ name: String, _ content: String) throws -> URL {
        let tmp = spool.appendingPathComponent("tmp/\(name)")
        try content.write(to: tmp, atomically: false, encoding: .utf8)
        let target = spool.appendingPathComponent("new/\(name)")
        guard rename(tmp.path, target.path) == 0 else { throw DaemonError.io("rename \(tmp.path)") }
        return target
    }

    /// The mails delivered to the Maildir so far.
    func mails() -> [String] {
        let dir = maildir.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }

    /// `tocsinctl` against this daemon.
    func ctl(_ arguments: [String]) throws -> Binaries.Result {
        try Binaries.tocsinctl(arguments, environment: ctlEnvironment)
    }

    /// The daemon's resident set size in kB, from /proc.
    func residentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }

    /// This daemon's journal entries (`journalctl -o json _PID=… MATCHES…`), parsed.
    func journalEntries(_ matches: [String] = []) -> [[String: Any]] {
        let journalctl = URL(fileURLWithPath: "/usr/bin/journalctl")
        _ = try? Binaries.run(journalctl, ["--sync"])
        // _PID alone can match an earlier process's entries once PIDs wrap around.
        let since = "@\(Int((firstStart ?? Date()).timeIntervalSince1970) - 1)"
        let r = try? Binaries.run(
            journalctl, ["-o", "json", "--no-pager", "--since", since, "SYSLOG_IDENTIFIER=tocsind", "_PID=\(pid)"] + matches)
        return (r?.stdout ?? "").split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `tocsinctl list --json`, parsed.
    func incidents() throws -> [[String: Any]] {
        let out = try ctl(["list", "--json"]).stdout
        return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]) ?? []
    }
}

enum DaemonError: Error {
    case notReady(String)
    case io(String)
    case timeout(String)
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// Header value of a mail's text (first occurrence, unfolded).
func header(_ name: String, in mail: String) -> String? {
    var lines = mail.components(separatedBy: "\n\n").first?.components(separatedBy: "\n") ?? []
    var unfolded: [String] = []
    while !lines.isEmpty {
        let line = lines.removeFirst()
        if line.hasPrefix(" ") || line.hasPrefix("\t"), !unfolded.isEmpty { unfolded[unfolded.count - 1] += line } else { unfolded.append(line) }
    }
    return unfolded.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
}

/// A blocking Unix stream client with a read timeout.
final class LineClient: @unchecked Sendable {
    let fd: Int32
    var buffer: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else {
            close(fd)
            throw DaemonError.io("connect \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw DaemonError.io("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw DaemonError.timeout("no reply (\(n))") }
            buffer += chunk[0..<n]
        }
    }
}

/// A NOTIFY_SOCKET: a Unix datagram socket that collects sd_notify messages.
final class NotifyListener: @unchecked Sendable {
    let path: String
    let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var closed = false
    var messages: [String] { lock.withLock { received } }

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else { throw DaemonError.io("bind \(path)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Drain continuously, as systemd does: a full datagram queue would block sd_notify.
        let thread = Thread { [weak self] in
            while let self, !self.lock.withLock({ self.closed }) { self.drain() }
        }
        thread.start()
    }

    func close() { lock.withLock { closed = true } }

    deinit { Glibc.close(fd) }

    /// Reads what arrived.
    func drain() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return }
        let text = String(decoding: chunk[0..<n], as: UTF8.self)
        lock.withLock { received.append(text) }
    }

    /// Waits until a message containing `text` arrives after the first `mark` messages
    /// (take `messages.count` before the signal that causes it, so a fast answer is not missed).
    func waitFor(_ text: String, seconds: Double, after mark: Int = 0, unless givingUp: () -> Bool = { false }) -> Bool {
        func arrived() -> Bool {
            let all = messages
            return all.count > mark && all[mark...].contains { $0.contains(text) }
        }
        _ = eventually(seconds) { arrived() || givingUp() }
        return arrived()
    }
}
