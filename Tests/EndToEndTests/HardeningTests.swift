import Foundation
import Glibc
import Testing

/// The shipped unit's hardening: its systemd exposure score, and tocsind sending mail through
/// exim4 from inside the parts of its sandbox that can be rebuilt without systemd as PID 1.
@Suite("The shipped unit's hardening", .serialized)
struct HardeningTests {
    static let unitPath = Binaries.repository.appendingPathComponent("systemd/tocsind.service").path

    /// The values of `key=` in the unit, in order.
    static func setting(_ key: String) -> [String] {
        let text = (try? String(contentsOfFile: unitPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    @Test("systemd-analyze security --offline=yes rates tocsind.service at 2.0 or lower")
    func exposure() throws {
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["security", "--offline=yes", "--no-pager", Self.unitPath])
        let score = r.stdout.firstMatch(of: /Overall exposure level for tocsind\.service: (\d+\.\d+)/).flatMap { Double($0.1) }
        #expect(score != nil, "no score in: \(r.stdout.suffix(500)) \(r.stderr)")
        #expect((score ?? 99) <= 2.0, "exposure \(score ?? 99)")
        for (key, value) in [("User", "tocsin"), ("NoNewPrivileges", nil), ("RestrictSUIDSGID", "yes"), ("ProcSubset", "pid"), ("UMask", "0077")] as [(String, String?)] {
            #expect(Self.setting(key).last == value, "\(key)=\(Self.setting(key))")
        }
    }

    @Test("as a non-root user with the unit's capability bounding set, umask and /proc subset, tocsind mails through exim4")
    func eximInsideTheSandbox() throws {
        let capabilities = try #require(Self.setting("CapabilityBoundingSet").last).split(separator: " ")
            .map { "+" + $0.lowercased().replacingOccurrences(of: "cap_", with: "") }.joined(separator: ",")
        let umask = try #require(Self.setting("UMask").last)
        let tag = "sandbox-\(RealPartsTests.unique)"
        let d = try DaemonProcess(
            rules: """
                set storm-window 0s
                contact sink mail mailsink@localhost
                rule r
                  match kind=complaint
                  after 0m notify sink
                  subject "[投诉] {summary}"
                """,
            arguments: ["--sendmail", "/usr/sbin/sendmail"])
        _ = try Binaries.run(URL(fileURLWithPath: "/bin/chown"), ["-R", "nobody:nogroup", d.root.path])
        chmod(d.notify.path, 0o666)
        d.launcher = [
            "/usr/bin/unshare", "-m", "--propagation", "private",
            "/bin/sh", "-c", #"mount -t proc -o subset=pid,hidepid=invisible proc /proc && exec "$@""#, "sh",
            "/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--bounding-set=-all,\(capabilities)",
            "/bin/sh", "-c", #"umask "$0" && exec "$@""#, umask,
        ]
        try d.start(mailDrop: false)
        defer { d.stop() }
        #expect(try d.send(#"kind=complaint id=\#(tag) summary="柜台排队过久""#) == "ok incident=1 id=\(tag) state=open")
        var mails: [[String: String]] = []
        #expect(eventually(30) {
            mails = RealPartsTests.mailsinkMessages(containing: tag)
            return !mails.isEmpty
        }, "exim delivered nothing; see /var/log/exim4/mainlog")
        #expect(mails.first?["subject"] == "[投诉] 柜台排队过久")
        // The store stays readable by the operators' group although the umask is 0077.
        var st = stat()
        #expect(stat(d.state.appendingPathComponent("tocsin.db").path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o640)
        #expect(st.st_uid == 65534)
        #expect(try String(contentsOfFile: "/proc/\(d.pid)/status", encoding: .utf8).contains("\nUid:\t65534"))
    }
}
