import Foundation
import Glibc
import Testing

/// A head office collecting branches' journals (SPEC §20, README "Head office"):
/// systemd-journal-upload sends this machine's journal to systemd-journal-remote on
/// loopback, and each branch's entries are found there by TOCSIN_SITE.
@Suite("branches' journals collected at head office", .serialized)
struct JournalRemoteTests {
    static let remote = URL(fileURLWithPath: "/lib/systemd/systemd-journal-remote")
    static let upload = URL(fileURLWithPath: "/lib/systemd/systemd-journal-upload")
    static let journalctl = URL(fileURLWithPath: "/usr/bin/journalctl")

    static func branch(_ site: String) throws -> DaemonProcess {
        try DaemonProcess(rules: """
            set site \(site)
            set storm-window 0s
            contact ops mail ops@\(site.lowercased()).example
            rule r
              match kind=fault
              after 0m notify ops
            """)
    }

    @Test("two tocsind with sites BJ-001 and SH-002, one journal-remote: journalctl -D finds each site's incident by TOCSIN_SITE")
    func twoSites() throws {
        // Upload only what this test writes: from the journal's current end.
        let cursorLine = try Binaries.run(Self.journalctl, ["-n", "0", "--show-cursor", "--no-pager"]).stdout
        let cursor = try #require(cursorLine.split(separator: "\n").first { $0.hasPrefix("-- cursor: ") }).dropFirst("-- cursor: ".count)
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        for (site, id) in [("BJ-001", "bj-\(tag)"), ("SH-002", "sh-\(tag)")] {
            let d = try Self.branch(site)
            try d.start()
            #expect(try d.send("kind=fault severity=2 id=\(id) summary=网络中断").hasPrefix("ok"))
            #expect(eventually(10) { !d.mails().isEmpty })
            d.stop()
        }
        _ = try Binaries.run(Self.journalctl, ["--sync"])

        let output = Binaries.temporaryDirectory("journal-remote")
        let port = 19_532 + Int(UInt16.random(in: 100...9_000))
        let server = Process()
        server.executableURL = Self.remote
        server.arguments = ["--listen-http=127.0.0.1:\(port)", "--output=\(output.path)/"]
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // The server listens once it answers; the upload then sends everything after the cursor and ends.
        var uploaded: Binaries.Result?
        #expect(eventually(10) {
            uploaded = try? Binaries.run(Self.upload, ["--url=http://127.0.0.1:\(port)", "--after-cursor=\(cursor)", "--follow=no"])
            return uploaded?.status == 0
        }, "journal-upload: \(uploaded?.stderr ?? "-")")

        func found(_ site: String, _ id: String) -> [[String: Any]] {
            let r = try? Binaries.run(Self.journalctl, ["-D", output.path, "-o", "json", "--no-pager", "TOCSIN_SITE=\(site)", "TOCSIN_ID=\(id)"])
            return (r?.stdout ?? "").split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        var bj: [[String: Any]] = []
        var sh: [[String: Any]] = []
        #expect(eventually(15) {
            bj = found("BJ-001", "bj-\(tag)")
            sh = found("SH-002", "sh-\(tag)")
            return !bj.isEmpty && !sh.isEmpty
        })
        #expect(bj.contains { ($0["MESSAGE"] as? String)?.contains("incident #1 bj-\(tag) opened") == true }, "\(bj.compactMap { $0["MESSAGE"] })")
        #expect(sh.allSatisfy { $0["SYSLOG_IDENTIFIER"] as? String == "tocsind" })
        // Neither branch's incident is found under the other's site.
        #expect(found("SH-002", "bj-\(tag)").isEmpty)
        #expect(found("BJ-001", "sh-\(tag)").isEmpty)
    }
}
