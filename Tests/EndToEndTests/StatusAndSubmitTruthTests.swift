import Foundation
import Glibc
import Testing

/// `tocsinctl status` and `submit` tell the operator what is true: a hung daemon is not
/// "running", a refused socket is not "not running", and an event without a reply may
/// still be stored (and can be resent safely).
@Suite("status and submit say what is true", .serialized)
struct StatusAndSubmitTruthTests {
    static let rules = "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n"

    @Test("status: running and answering exits 0; stopped (SIGSTOP, as hung) says NOT RESPONDING and exits 3")
    func hungDaemon() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let running = try d.ctl(["status"])
        #expect(running.status == 0)
        #expect(running.stdout.hasPrefix("tocsind:       running (answering on \(d.socketPath))\n"), "\(running.stdout)")
        #expect(running.stdout.contains("Disk:          "))
        d.signal(SIGSTOP)
        defer { d.signal(SIGCONT) }
        let hung = try d.ctl(["status"])
        #expect(hung.status == 3)
        #expect(hung.stdout.hasPrefix("tocsind:       NOT RESPONDING (connected to \(d.socketPath), but no answer within 5 s"), "\(hung.stdout)")
    }

    @Test("status as a user outside group tocsin: permission denied, with the fix; exit 4")
    func permissionDenied() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        chmod(d.root.path, 0o755)
        let tocsinctl = Binaries.directory.appendingPathComponent("tocsinctl").path
        let r = try Binaries.run(
            URL(fileURLWithPath: "/usr/bin/setpriv"),
            ["--reuid=nobody", "--regid=nogroup", "--clear-groups", tocsinctl, "status"], environment: d.ctlEnvironment)
        #expect(r.status == 4, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.hasPrefix("tocsind:       UNKNOWN: permission denied on \(d.socketPath): are you in group tocsin?"), "\(r.stdout)")
    }

    @Test("submit without a reply: says the event may be stored and how to resend it; the resend is the same incident")
    func noReply() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        d.signal(SIGSTOP)
        let r = try d.ctl(["submit", "kind=fault", "id=slow-1", "summary=核心"])
        d.signal(SIGCONT)
        #expect(r.status == 75)
        #expect(r.stderr == "tocsinctl: no reply from tocsind within 10 s: the event may still be stored; sending it again with the same id (id=slow-1) is safe: it is never a second incident\n", "\(r.stderr)")
        #expect(eventually(10) { (try? d.incidents().count) == 1 })
        let again = try d.ctl(["submit", "kind=fault", "id=slow-1", "summary=核心"])
        #expect(again.stdout == "ok incident=1 id=slow-1 state=open\n")
        #expect(try d.incidents().count == 1)
    }

    @Test("submit without an id makes one up before sending, so a resend is never a second incident")
    func clientSideID() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let r = try d.ctl(["submit", "kind=fault", "summary=no id given"])
        #expect(r.status == 0)
        let id = try #require(r.stdout.firstMatch(of: /^ok incident=1 id=(ctl-\d+-[0-9a-f]+) state=open\n$/)?.1)
        #expect(try d.ctl(["submit", "kind=fault", "id=\(id)", "summary=no id given"]).stdout == "ok incident=1 id=\(id) state=open\n")
        #expect(try d.incidents().count == 1)
    }

    @Test("an id starting with '-': the command the mail suggests works")
    func dashID() throws {
        let d = try DaemonProcess(rules: "set storm-window 0s\ncontact a mail a@example.org\nrule r\n  match kind=fault\n  after 0m notify a\n")
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=fault id=-x") == "ok incident=1 id=-x state=open")
        #expect(eventually(10) { !d.mails().isEmpty })
        let suggested = try #require(d.mails().first?.split(separator: "\n").first { $0.hasPrefix("Acknowledge:") })
        #expect(suggested == "Acknowledge:  tocsinctl ack --by NAME -- -x")
        let r = try d.ctl(["ack", "--by", "zhang", "--", "-x"])
        #expect(r.stdout == "ok incident=1 id=-x state=acked\n", "\(r.stdout) \(r.stderr)")
    }
}
