import Foundation
import Glibc
import Testing

/// The spool as a careless or hostile writer in its group meets it: folders swapped for
/// symlinks, files written in place in new/, names that collide in failed/, binary lines.
@Suite("The spool against its writers", .serialized)
struct SpoolHardeningTests {
    static let rules = """
        set storm-window 0s
        contact ops mail ops@example.org
        rule r
          match kind=fault
          after 1h notify ops
        """

    func names(_ dir: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    @Test("new/ swapped for a symlink to the state directory: refused at start; while running, nothing of the state is touched")
    func symlinkedNew() throws {
        let d = try DaemonProcess(rules: Self.rules, arguments: ["--rescan-interval", "1s"])
        try d.start()
        #expect(try d.send("kind=fault id=a") == "ok incident=1 id=a state=open")
        let new = d.spool.appendingPathComponent("new")
        // While running: mv new new.orig; ln -s STATE new
        #expect(rename(new.path, d.spool.appendingPathComponent("new.orig").path) == 0)
        #expect(symlink(d.state.path, new.path) == 0)
        usleep(3_000_000)  // three rescans
        let logged = d.journalEntries(["PRIORITY=3"]).compactMap { $0["MESSAGE"] as? String } + [d.stderrText()]
        #expect(logged.contains { $0.contains("refusing the spool folder: it is a symlink or not a directory: '\(new.path)'; tocsind keeps using the folder it had open") }, "\(logged)")
        let stateFiles = names(d.state)
        #expect(stateFiles.contains("tocsin.db"), "\(stateFiles)")
        #expect(names(d.spool.appendingPathComponent("failed")).isEmpty)
        #expect(try d.send("kind=fault id=b") == "ok incident=2 id=b state=open")
        d.stop()
        #expect(names(d.state).contains("tocsin.db"))
        // At start: refused, saying why.
        #expect(throws: DaemonError.self) { try d.start() }
        #expect(d.stderrText().contains("refusing the spool folder: it is a symlink or not a directory: '\(new.path)'"), "\(d.stderrText().suffix(600))")
        #expect(names(d.state).contains("tocsin.db"))
    }

    @Test("new/ replaced by a directory while running: re-opened and logged; files in it are applied")
    func replacedNew() throws {
        let d = try DaemonProcess(rules: Self.rules, arguments: ["--rescan-interval", "1s"])
        try d.start()
        defer { d.stop() }
        let new = d.spool.appendingPathComponent("new")
        #expect(rename(new.path, d.spool.appendingPathComponent("new.old").path) == 0)
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: false)
        try d.spoolFile("after-swap", "kind=fault id=swapped\n")
        // The rescan notices the swap and re-opens new/.
        #expect(eventually(10) { (try? d.incidents().contains { $0["id"] as? String == "swapped" }) == true })
        #expect(!FileManager.default.fileExists(atPath: new.appendingPathComponent("after-swap").path))
    }

    @Test("the spool root tocsind creates is sticky")
    func stickyRoot() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        var st = stat()
        #expect(stat(d.spool.path, &st) == 0)
        #expect(st.st_mode & S_ISVTX != 0, "mode \(String(st.st_mode & 0o7777, radix: 8))")
    }

    @Test("two bad files of the same name, and one named x.error, all keep a file and a note of their own in failed/")
    func failedNamesNeverCollide() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let failed = d.spool.appendingPathComponent("failed")
        try d.spoolFile("events.txt", "kind=fault severity=high id=one\n")
        #expect(eventually { names(failed).count == 2 })
        try d.spoolFile("events.txt", "kind=fault severity=low id=two\n")
        #expect(eventually { names(failed).count == 4 })
        try d.spoolFile("x", "kind=fault severity=x1 id=three\n")
        #expect(eventually { names(failed).count == 6 })
        try d.spoolFile("x.error", "kind=fault severity=x2 id=four\n")
        #expect(eventually { names(failed).count == 8 }, "\(names(failed))")
        let files = names(failed)
        let notes = files.filter { $0.hasSuffix(".error") }
        let contents = try notes.map { try String(contentsOf: failed.appendingPathComponent($0), encoding: .utf8) }.sorted()
        #expect(contents == [
            "events.txt: line 1: severity must be an integer, got \"high\"\n",
            "events.txt: line 1: severity must be an integer, got \"low\"\n",
            "x.error: line 1: severity must be an integer, got \"x2\"\n",
            "x: line 1: severity must be an integer, got \"x1\"\n",
        ])
        // Every failed file has its note beside it, under its own name.
        for file in files where !file.hasSuffix(".error") { #expect(files.contains(file + ".error"), "\(file) has no note: \(files)") }
        let data = try files.filter { !$0.hasSuffix(".error") }.map { try String(contentsOf: failed.appendingPathComponent($0), encoding: .utf8) }
        #expect(Set(data).count == 4)
    }

    @Test("a file written in new/ itself is applied only once its last line is complete")
    func incompleteLastLine() throws {
        let d = try DaemonProcess(rules: Self.rules, arguments: ["--spool-grace", "3s"])
        try d.start()
        defer { d.stop() }
        let path = d.spool.appendingPathComponent("new/in-place").path
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0)
        let first = "kind=fault id=w1\nkind=fault severity=1"
        _ = first.withCString { write(fd, $0, strlen($0)) }
        usleep(1_500_000)
        // Not applied, not failed: waiting for the rest.
        #expect(try d.incidents().isEmpty)
        #expect(FileManager.default.fileExists(atPath: path))
        let rest = "0 id=w2\n"
        _ = rest.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        #expect(eventually(10) { (try? d.incidents().count) == 2 })
        let severities = try d.incidents().reduce(into: [String: Int]()) { $0[$1["id"] as? String ?? ""] = $1["severity"] as? Int }
        #expect(severities["w2"] == 10, "\(severities)")
    }

    @Test("a file cut short goes to failed/ after the grace, saying so; no line of it is applied")
    func cutShort() throws {
        let d = try DaemonProcess(rules: Self.rules, arguments: ["--spool-grace", "2s"])
        try d.start()
        defer { d.stop() }
        try d.spoolFile("cut", "kind=fault id=c1\nkind=fault id=c2 severity=")
        let note = d.spool.appendingPathComponent("failed/cut.error")
        #expect(eventually(10) { FileManager.default.fileExists(atPath: note.path) })
        #expect(try String(contentsOf: note, encoding: .utf8).hasPrefix("cut: the last line has no newline after 2s"))
        #expect(try d.incidents().isEmpty)
    }

    @Test("a binary or non-UTF-8 line never reaches the .error note")
    func binaryLine() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let tmp = d.spool.appendingPathComponent("tmp/binary")
        var bytes = Array("kind=fault id=b1 summary=".utf8) + [0xFF, 0xFE, 0x1B, 0x5B, 0x32, 0x4A, 0x00, 0x07] + Array("\n".utf8)
        bytes += Array("kind=fault id=\u{1B}[31mred\n".utf8)
        try Data(bytes).write(to: tmp)
        #expect(rename(tmp.path, d.spool.appendingPathComponent("new/binary").path) == 0)
        let note = d.spool.appendingPathComponent("failed/binary.error")
        #expect(eventually(10) { FileManager.default.fileExists(atPath: note.path) })
        let raw = try Data(contentsOf: note)
        #expect(String(data: raw, encoding: .utf8) != nil, "the note is not UTF-8")
        #expect(!raw.contains { $0 < 0x20 && $0 != 0x0A }, "control bytes in the note: \(Array(raw))")
        #expect(raw.filter { $0 == 0x0A }.count == 1)
    }

    /// Runs a query on the stopped daemon's store with Python's sqlite3 and returns the number.
    func scalar(_ d: DaemonProcess, _ sql: String) throws -> Int {
        let script = "import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])"
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, d.state.appendingPathComponent("tocsin.db").path, sql])
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test("records of applied spool files go once their files are deleted; a name reused with the same content is applied again")
    func spoolRecordsForgotten() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        for n in 0..<20 { try d.spoolFile("batch-\(n)", "kind=fault id=b\(n)\n") }
        #expect(eventually(10) { names(d.spool.appendingPathComponent("new")).isEmpty })
        // The same name and content again, once the first is gone: a new report, applied.
        let again = try d.spoolFile("heartbeat", "kind=fault id=hb\n")
        #expect(eventually(10) { !FileManager.default.fileExists(atPath: again.path) })
        usleep(300_000)
        _ = try d.send("kind=fault id=round")  // a round, which commits the forgetting
        try d.spoolFile("heartbeat", "kind=fault id=hb\n")
        #expect(eventually(10) { names(d.spool.appendingPathComponent("new")).isEmpty })
        usleep(300_000)
        _ = try d.send("kind=fault id=round")
        d.stop()
        #expect(try scalar(d, "SELECT count FROM incidents WHERE id = 'hb'") == 2)
        #expect(try scalar(d, "SELECT COUNT(*) FROM spool_done") == 0)
    }
}
