import Foundation
import Glibc
import Testing

/// `tocsinctl list` on a store with history: a short default, the whole history on request,
/// rows as they are read, and a pager on a terminal.
@Suite("tocsinctl list with history", .serialized)
struct ListingTests {
    static let rules = "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n"

    /// A daemon with 50 resolved incidents (old-0 … old-49) and then 3 open ones.
    func history() throws -> DaemonProcess {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        var lines: [String] = []
        for n in 0..<50 { lines += ["kind=fault id=old-\(n)", "action=resolve id=old-\(n) cause=fixed"] }
        for n in 0..<3 { lines.append("kind=fault id=open-\(n)") }
        let replies = try d.send(lines)
        #expect(replies.allSatisfy { $0.hasPrefix("ok ") })
        return d
    }

    func ids(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }
    }

    @Test("the default: every open incident and the newest 20 others, newest first, with a note that older ones exist")
    func defaultSelection() throws {
        let d = try history()
        defer { d.stop() }
        let r = try d.ctl(["list"])
        #expect(r.status == 0)
        let shown = ids(r.stdout)
        #expect(shown.count == 3 + 17, "\(shown)")  // the newest 20 include the 3 open ones
        #expect(Array(shown.prefix(4)) == ["open-2", "open-1", "open-0", "old-49"])
        #expect(shown.last == "old-33")
        #expect(r.stderr == "(older incidents are not shown: --all lists every one, --since DATE those since a date)\n")
        let all = try d.ctl(["list", "--all"])
        #expect(ids(all.stdout).count == 53)
        #expect(all.stderr.isEmpty)
        #expect(ids(try d.ctl(["list", "--open"]).stdout) == ["open-2", "open-1", "open-0"])
        #expect(ids(try d.ctl(["list", "--all", "--limit", "5"]).stdout).count == 5)
    }

    @Test("--since a date: those opened since; today includes all, tomorrow none")
    func sinceDate() throws {
        let d = try history()
        defer { d.stop() }
        let today = try d.ctl(["list", "--since", "2000-01-01"])
        #expect(ids(today.stdout).count == 53)
        let later = try d.ctl(["list", "--since", "2999-01-01"])
        #expect(later.stdout == "no incidents\n")
        let bad = try d.ctl(["list", "--since", "yesterday"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "tocsinctl: --since: 'yesterday' is not a date (YYYY-MM-DD or RFC 3339)\n")
    }

    @Test("--json streams an array a JSON parser reads whole; its first line is the newest incident")
    func jsonStream() throws {
        let d = try history()
        defer { d.stop() }
        let r = try d.ctl(["list", "--all", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 53)
        let first = r.stdout.split(separator: "\n").first ?? ""
        #expect(first.hasPrefix("[{\"incident\":53,\"id\":\"open-2\""), "\(first)")
    }

    @Test("on a terminal the rows go through $PAGER; --no-pager and a pipe print directly")
    func pager() throws {
        let d = try history()
        defer { d.stop() }
        let tocsinctl = Binaries.directory.appendingPathComponent("tocsinctl").path
        var env = d.ctlEnvironment
        env["PAGER"] = "sed s/^/paged:/"
        let paged = try Binaries.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", "\(tocsinctl) list --open", "/dev/null"], environment: env)
        #expect(paged.stdout.contains("paged:#53"), "\(paged.stdout)")
        let direct = try Binaries.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", "\(tocsinctl) list --open --no-pager", "/dev/null"], environment: env)
        #expect(direct.stdout.contains("#53") && !direct.stdout.contains("paged:"), "\(direct.stdout)")
        #expect(!(try d.ctl(["list", "--open"]).stdout.contains("paged:")))
    }
}
