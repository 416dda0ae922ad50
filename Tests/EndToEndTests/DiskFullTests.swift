import Foundation
import Glibc
import Testing

/// The store's disk fills up (a small tmpfs): ingest answers `error` and acknowledges
/// nothing it did not store, spool files stay in place, and tocsind recovers by itself when
/// space returns.
@Suite("tocsind with a full disk", .serialized)
struct DiskFullTests {
    @Test("disk full: error replies, nothing acknowledged is lost, spool files wait, recovery without restart")
    func diskFull() throws {
        let d = try DaemonProcess(rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n")
        try FileManager.default.createDirectory(at: d.state, withIntermediateDirectories: true)
        let mounted = try Binaries.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=4m", "tmpfs", d.state.path])
        try #require(mounted.status == 0, "cannot mount a tmpfs (tests need root)")
        defer { _ = try? Binaries.run(URL(fileURLWithPath: "/bin/umount"), ["-l", d.state.path]) }
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=fault id=before") == "ok incident=1 id=before state=open")

        // Fill the disk.
        let filler = d.state.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0x41, count: 65_536)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)

        let summary = String(repeating: "满", count: 6000)
        let lines = (0..<40).map { "kind=fault id=full-\($0) summary=\(summary)" }
        let replies = try d.send(lines)
        let acknowledged = zip(lines, replies).filter { $0.1.hasPrefix("ok") }.map { $0.0.split(separator: " ")[1].dropFirst(3) }
        let refused = replies.filter { $0.hasPrefix("error") }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0.hasPrefix("error reason=\"not stored: ") && $0.contains("full") })

        // What an operator sees: tocsind answers, but says its store is failing (exit 1).
        let status = try d.ctl(["status"])
        #expect(status.status == 1, "\(status.stdout)")
        #expect(status.stdout.contains("but its store is FAILING (a commit failed "), "\(status.stdout)")
        #expect(status.stdout.contains("s ago): cannot commit to"), "\(status.stdout)")
        #expect(status.stdout.contains("LOW: tocsind cannot store events on a full disk"), "\(status.stdout)")

        let spooled = try d.spoolFile("while-full", "kind=fault id=spooled summary=\(summary)\n")
        usleep(2_500_000)
        #expect(FileManager.default.fileExists(atPath: spooled.path), "the spool file was taken while the disk was full")

        // Space returns: tocsind carries on by itself.
        try FileManager.default.removeItem(at: filler)
        #expect(eventually(10) { !FileManager.default.fileExists(atPath: spooled.path) })
        #expect(try d.send("kind=fault id=after").hasPrefix("ok incident="))

        d.stop()
        try d.start()
        let stored = Set(try d.incidents().compactMap { $0["id"] as? String })
        for id in acknowledged { #expect(stored.contains(String(id)), "acknowledged \(id) was lost") }
        #expect(stored.isSuperset(of: ["before", "spooled", "after"]))
    }
}
