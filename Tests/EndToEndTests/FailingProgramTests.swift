import Foundation
import Glibc
import Testing

/// Notification programs that are missing, hang or flood their output: tocsind warns, kills,
/// retries, and never blocks, bloats or loses the notification.
@Suite("tocsind with failing notification programs", .serialized)
struct FailingProgramTests {
    static let mediaRule = "rule r\n  match kind=media\n  after 0m notify a\n"

    @Test("sendmail missing: a warning names it at start; the mail waits in the queue and goes once sendmail exists")
    func missingSendmail() throws {
        let dir = Binaries.temporaryDirectory("missing")
        let stub = dir.appendingPathComponent("sbin/sendmail")
        let d = try DaemonProcess(
            rules: "contact a mail a@example.org\n" + Self.mediaRule,
            arguments: ["--sendmail", stub.path, "--first-retry", "1s"])
        try d.start(mailDrop: false)
        defer { d.stop() }
        #expect(try d.send("kind=media id=m1") == "ok incident=1 id=m1 state=open")
        let warning = "cannot run \(stub.path) (No such file or directory): notifications to a will fail and be retried"
        #expect(eventually(10) { d.journalEntries(["PRIORITY=4"]).contains { ($0["MESSAGE"] as? String)?.contains(warning) == true } })
        #expect(eventually(10) { (try? d.ctl(["status"]).stdout.contains(/retrying after \d+ attempts?: cannot run \S+: No such file or directory/)) == true })

        try FileManager.default.createDirectory(at: stub.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "#!/bin/sh\ncat > \(dir.path)/delivered\n".write(to: stub, atomically: true, encoding: .utf8)
        chmod(stub.path, 0o755)
        let delivered = dir.appendingPathComponent("delivered")
        #expect(eventually(30) { FileManager.default.fileExists(atPath: delivered.path) })
        #expect(eventually(5) { (try? d.ctl(["status"]).stdout.contains("0 failed, 1 sent")) == true })
        #expect(try String(contentsOf: delivered, encoding: .utf8).contains("Message-ID: <tocsin."))
    }

    @Test("an exec contact that is missing or hangs: warned about, killed at the timeout, retried, then marked failed")
    func hangingExecContact() throws {
        let dir = Binaries.temporaryDirectory("exec-hang")
        let script = dir.appendingPathComponent("sms.sh")
        try "#!/bin/sh\ncat > /dev/null\nsleep 600 &\nsleep 600\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(
            rules: "contact a exec \(script.path) 13800000000\ncontact gone exec /nonexistent/sms-gateway\n" + Self.mediaRule,
            arguments: ["--delivery-timeout", "1s", "--first-retry", "1s", "--give-up-after", "3s"])
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=media id=m1") == "ok incident=1 id=m1 state=open")
        #expect(eventually(10) { d.journalEntries(["PRIORITY=4"]).contains { ($0["MESSAGE"] as? String)?.contains("cannot run /nonexistent/sms-gateway") == true } })
        #expect(eventually(20) { (try? d.ctl(["status"]).stdout.contains("1 failed")) == true })
        let status = try d.ctl(["status"]).stdout
        #expect(status.contains("FAILED after"))
        #expect(status.contains("timed out after 1s and was killed"))
        // The whole process group went, the backgrounded sleep too.
        let leftovers = try Binaries.run(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", "sleep 600"]).stdout
        let ours = leftovers.split(separator: "\n").filter { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").isEmpty == false
                && ((try? String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8)) ?? "").contains("TOCSIN_CONTACT=a")
        }
        #expect(ours.isEmpty, "left running: \(ours)")
    }

    @Test("sendmail and an exec contact writing megabytes of output: delivered, tocsind stays small and responsive")
    func floodingOutput() throws {
        let dir = Binaries.temporaryDirectory("flood")
        let stub = dir.appendingPathComponent("sendmail")
        try "#!/bin/sh\nhead -c 20000000 /dev/zero | tr '\\\\0' x\ncat > \(dir.path)/mail\nhead -c 20000000 /dev/zero >&2\n"
            .write(to: stub, atomically: true, encoding: .utf8)
        chmod(stub.path, 0o755)
        let script = dir.appendingPathComponent("sms.sh")
        try "#!/bin/sh\ncat > \(dir.path)/sms\nexec yes 'flooding stderr' >&2\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(
            rules: """
                contact a mail a@example.org
                contact b exec \(script.path)
                rule r
                  match kind=media
                  after 0m notify a b
                """,
            arguments: ["--sendmail", stub.path, "--delivery-timeout", "3s", "--first-retry", "60s"])
        try d.start(mailDrop: false)
        defer { d.stop() }
        #expect(try d.send("kind=media id=m1") == "ok incident=1 id=m1 state=open")
        var peak = 0
        var answered = 0
        let done = eventually(30) {
            peak = max(peak, d.residentKilobytes())
            if (try? d.send("kind=media id=probe\(answered)")).map({ $0.hasPrefix("ok ") }) == true { answered += 1 }
            let status = (try? d.ctl(["status"]).stdout) ?? ""
            return status.contains("1 sent") && status.contains("timed out after 3s")
        }
        #expect(done)
        #expect(answered > 5, "tocsind answered only \(answered) events while the children flooded it")
        #expect(peak < 100_000, "RSS peaked at \(peak) kB")
        #expect(try String(contentsOf: dir.appendingPathComponent("mail"), encoding: .utf8).contains("To: a@example.org"))
        #expect(try String(contentsOf: dir.appendingPathComponent("sms"), encoding: .utf8).contains("m1"))
    }

    @Test("an SMS gateway that reads only part of its stdin and exits 0 has sent it: once, never retried")
    func partialReader() throws {
        let dir = Binaries.temporaryDirectory("exec-partial")
        let script = dir.appendingPathComponent("sms.sh")
        // Reads 160 bytes, then closes stdin before tocsind can write the rest (EPIPE).
        try "#!/bin/sh\nhead -c 160 >> \(dir.path)/sent\necho >> \(dir.path)/sent\nexec 0<&-\nsleep 0.3\n"
            .write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(
            rules: "contact a exec \(script.path) 13800000000\n" + Self.mediaRule,
            arguments: ["--first-retry", "1s"])
        try d.start()
        defer { d.stop() }
        // Longer than a pipe's buffer: without the 16 KiB cut, tocsind would still be writing.
        let long = String(repeating: "媒体来电，记者询问网点停业原因。", count: 1_250)
        #expect(try d.send("kind=media id=m1 summary=\"\(long)\"") == "ok incident=1 id=m1 state=open")
        #expect(eventually(10) { (try? d.ctl(["status"]).stdout.contains("0 failed, 1 sent")) == true })
        usleep(4_000_000)  // past three retries' worth of time
        let sent = try Data(contentsOf: dir.appendingPathComponent("sent"))
        #expect(sent.filter { $0 == 0x0A }.count == 1, "sent \(sent.filter { $0 == 0x0A }.count) times")
        #expect(try d.ctl(["status"]).stdout.contains("0 queued"))
    }

    @Test("an exec program that exits 0 leaving a child writing to its stdout is done at its exit; the child is killed")
    func backgroundChild() throws {
        let dir = Binaries.temporaryDirectory("exec-background")
        let script = dir.appendingPathComponent("sms.sh")
        try "#!/bin/sh\ncat > \(dir.path)/sms\n(while sleep 0.1; do echo tick; done) &\necho queued\nexit 0\n"
            .write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(
            rules: "contact a exec \(script.path)\n" + Self.mediaRule,
            arguments: ["--delivery-timeout", "60s"])
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=media id=m1") == "ok incident=1 id=m1 state=open")
        // Sent at the script's exit, not at the 60 s timeout the child's open stdout would reach.
        #expect(eventually(10) { (try? d.ctl(["status"]).stdout.contains("0 failed, 1 sent")) == true })
        let ticking = try Binaries.run(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", "while sleep 0.1"]).stdout
            .split(separator: "\n").filter {
                ((try? String(contentsOfFile: "/proc/\($0)/environ", encoding: .utf8)) ?? "").contains("TOCSIN_CONTACT=a")
            }
        #expect(ticking.isEmpty, "left running: \(ticking)")
    }

    @Test("a step whose delivery fails and is retried still reaches the contact before the repeats that follow it")
    func orderKeptAcrossRetries() throws {
        let dir = Binaries.temporaryDirectory("exec-order")
        let script = dir.appendingPathComponent("sms.sh")
        // The first attempt at the second step fails; everything else succeeds.
        try """
            #!/bin/sh
            cat > /dev/null
            if [ "$TOCSIN_STEP" = "2" ] && [ ! -e \(dir.path)/failed-once ]; then touch \(dir.path)/failed-once; exit 1; fi
            echo "$TOCSIN_STEP" >> \(dir.path)/order
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(
            rules: """
                set storm-window 0s
                contact a exec \(script.path)
                rule r
                  match kind=fault
                  after 0m notify a
                  after 1s notify a
                  repeat 1s max 3
                """,
            arguments: ["--first-retry", "4s"])
        try d.start()
        defer { d.stop() }
        #expect(try d.send("kind=fault id=f1") == "ok incident=1 id=f1 state=open")
        let order = dir.appendingPathComponent("order")
        #expect(eventually(20) { ((try? String(contentsOf: order, encoding: .utf8)) ?? "").split(separator: "\n").count == 5 })
        let steps = ((try? String(contentsOf: order, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(steps.count == 5)
        #expect(steps.prefix(2) == ["1", "2"], "delivered in the order \(steps)")
    }
}
