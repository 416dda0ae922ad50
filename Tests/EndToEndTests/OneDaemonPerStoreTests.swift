import Foundation
import Glibc
import Testing

/// One tocsind per store and per socket, and a store whose files go missing: the real
/// tocsind, as an operator's slip (a second `tocsind` by hand, `rm tocsin.db-wal`, `: >
/// tocsin.db`) would meet it.
@Suite("One daemon per store; the store's files kept", .serialized)
struct OneDaemonPerStoreTests {
    static let rules = DaemonProcess.everyFaultToOps

    /// Starts a second tocsind on `d`'s directories (with `socket` instead, if given) and
    /// returns its exit status and stderr; it must exit by itself.
    func secondDaemon(_ d: DaemonProcess, state: String? = nil, socket: String? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = Binaries.directory.appendingPathComponent("tocsind")
        p.arguments = [
            "--rules", d.rulesDir.path, "--spool", d.spool.path, "--socket", socket ?? d.socketPath,
            "--state", state ?? d.state.path, "--mail-drop", d.maildir.path,
        ]
        p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOCSIN_") && $0.key != "NOTIFY_SOCKET" }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let exited = eventually(15) { !p.isRunning }
        if !exited {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        #expect(exited, "the second tocsind did not exit by itself")
        return (p.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test("a second tocsind on the same state exits 1 naming the holder's PID; the first keeps its socket and sends each mail once")
    func secondOnSameState() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=fault id=one") == "ok incident=1 id=one state=open")
        let (status, stderr) = try secondDaemon(d)
        #expect(status == 1)
        #expect(stderr.contains("another tocsind (pid \(d.pid)) is running on the state directory \(d.state.path)"), "\(stderr)")
        #expect(try d.send("kind=fault id=two") == "ok incident=2 id=two state=open")
        #expect(eventually(10) { d.mails().count == 2 })
        usleep(500_000)
        let ids = d.mails().compactMap { header("Message-ID", in: $0) }
        #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
    }

    @Test("a second tocsind on another state but the same socket path leaves the listening socket alone")
    func secondOnSameSocket() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let otherState = d.root.appendingPathComponent("other-state").path
        let (status, stderr) = try secondDaemon(d, state: otherState)
        #expect(status == 1)
        #expect(stderr.contains("another process (another tocsind?) is listening on the events socket; not replacing '\(d.socketPath)'"), "\(stderr)")
        #expect(try d.send("kind=fault id=still-mine") == "ok incident=1 id=still-mine state=open")
    }

    @Test("a stale socket file and a stale lock file (after kill -9) do not stop a restart")
    func staleFiles() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        #expect(try d.send("kind=fault id=a") == "ok incident=1 id=a state=open")
        d.kill9()
        #expect(FileManager.default.fileExists(atPath: d.socketPath))
        #expect(FileManager.default.fileExists(atPath: d.state.appendingPathComponent("tocsind.lock").path))
        try d.start()
        #expect(try d.send("kind=fault id=b") == "ok incident=2 id=b state=open")
        d.stop()
        #expect(!FileManager.default.fileExists(atPath: d.socketPath))
    }

    @Test("rm tocsin.db-wal while running: tocsind stops with status 1, and every event answered ok is there after the restart")
    func walRemoved() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        let process = try #require(d.process)
        var acknowledged: [String] = []
        for n in 0..<20 where try d.send("kind=fault id=before-\(n)").hasPrefix("ok ") { acknowledged.append("before-\(n)") }
        #expect(acknowledged.count == 20)
        try FileManager.default.removeItem(atPath: d.state.appendingPathComponent("tocsin.db-wal").path)
        var n = 0
        while process.isRunning && n < 2_000 {
            guard let reply = try? d.send("kind=fault id=after-\(n)") else { break }
            if reply.hasPrefix("ok ") { acknowledged.append("after-\(n)") }
            n += 1
        }
        #expect(eventually(10) { !process.isRunning }, "tocsind went on with its WAL removed")
        guard !process.isRunning else { return d.kill9() }
        #expect(process.terminationReason == .exit && process.terminationStatus == 1)
        let said = d.journalEntries(["PRIORITY=2"]).compactMap { $0["MESSAGE"] as? String } + [d.stderrText()]
        let wal = d.state.appendingPathComponent("tocsin.db-wal").path
        #expect(said.contains { $0.contains("stopping: the store's file \(wal) was removed while tocsind was running") }, "\(said)")

        try d.start()
        defer { d.stop() }
        let stored = Set(try d.incidents().compactMap { $0["id"] as? String })
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "answered ok and lost: \(lost)")
    }

    @Test("an empty tocsin.db stops tocsind with a clear error and is left as it is")
    func emptyStore() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        #expect(try d.send("kind=fault id=a") == "ok incident=1 id=a state=open")
        d.stop()
        let path = d.state.appendingPathComponent("tocsin.db").path
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        #expect(truncate(path, 0) == 0)
        #expect(throws: DaemonError.self) { try d.start() }
        #expect(d.stderrText().contains("cannot open \(path): the file is empty (0 bytes), so it is not a Tocsin store"), "\(d.stderrText().suffix(800))")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0)
    }
}
