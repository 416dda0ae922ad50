import Foundation
import Glibc
import Testing

/// The whole way with the real MTA (README "Replies by mail"; set up by
/// scripts/test-setup.sh): the step mail delivered by exim4, the reply sent through exim's
/// sendmail to the alias `tocsin-reply-test`, piped into `tocsinctl mail-in` as exim's pipe
/// user (mail), the incident acked.
@Suite("mail-in through exim4's alias pipe", .serialized)
struct MailInEximTests {
    static let wrapper = "/run/tocsin-test-mail-in"

    /// A tocsind mailing through exim, whose socket exim's pipe user may reach, and the
    /// alias's wrapper pointing at it.
    static func daemon(tag: String) throws -> DaemonProcess {
        let d = try DaemonProcess(rules: """
            set language zh-CN
            set storm-window 0s
            set mail-from "Tocsin <tocsin@localhost>"
            set reply-to "Tocsin <tocsin-reply-test@localhost>"
            contact sink mail mailsink@localhost
            rule r
              match kind=fault
              after 0m notify sink
              after 1h notify sink
            """, arguments: ["--sendmail", "/usr/sbin/sendmail"])
        try d.start(mailDrop: false)
        chmod(d.socketPath, 0o666)
        let tocsinctl = Binaries.directory.appendingPathComponent("tocsinctl").path
        try "#!/bin/sh\nexec \(tocsinctl) mail-in --socket \(d.socketPath)\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        return d
    }

    /// The step mail about `tag` in mailsink's mailbox, as exim delivered it.
    static func deliveredStep(tag: String) -> String? {
        let script = """
            import mailbox, sys
            for m in mailbox.mbox('/var/mail/mailsink'):
                if m.get('X-Tocsin-Step') == '1' and '\(tag)' in (m.get_payload(decode=True) or b'').decode('utf-8', 'replace'):
                    sys.stdout.buffer.write(m.as_bytes())
                    break
            """
        var found: String?
        _ = eventually(30) {
            let text = (try? Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script]))?.stdout ?? ""
            found = text.isEmpty ? nil : text
            return found != nil
        }
        return found
    }

    static func sendThroughExim(_ mail: String) throws {
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/sbin/sendmail"), ["-t", "-oi"], stdin: mail)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("a reply '确认' sent through exim reaches the alias pipe, runs tocsinctl mail-in as user mail, and acks the incident")
    func ackThroughExim() throws {
        let tag = "exim-reply-\(UInt32.random(in: 0...UInt32.max))"
        let d = try Self.daemon(tag: tag)
        defer { d.stop() }
        _ = try d.send("kind=fault severity=2 id=\(tag) summary=网络中断")
        let step = try #require(Self.deliveredStep(tag: tag), "exim did not deliver the step mail")
        try Self.sendThroughExim(PhoneReply.make(to: step, text: "确认", from: "mailsink@localhost"))
        #expect(eventually(30) { (try? d.incidents().first { $0["id"] as? String == tag }?["state"] as? String) == "acked" })
        let shown = try d.ctl(["show", tag]).stdout
        let mailUID = String(getpwnam("mail").pointee.pw_uid)
        #expect(shown.contains("(mail:sink, uid \(mailUID)"), "the pipe ran as user mail: \(shown)")
    }

    @Test("with tocsind stopped the pipe exits 75 and exim keeps the reply; once tocsind is up, exim's retry acks")
    func deferredWhileDown() throws {
        let tag = "exim-defer-\(UInt32.random(in: 0...UInt32.max))"
        let d = try Self.daemon(tag: tag)
        defer { d.stop() }
        _ = try d.send("kind=fault severity=2 id=\(tag) summary=停电")
        let step = try #require(Self.deliveredStep(tag: tag))
        d.stop()
        let messageID = "<\(tag)@phone.example>"
        try Self.sendThroughExim(PhoneReply.make(to: step, text: "收到", from: "mailsink@localhost", messageID: messageID))
        let exim = URL(fileURLWithPath: "/usr/sbin/exim4")
        // exim tried, the pipe said 75: the message waits in the queue.
        #expect(eventually(20) {
            let log = ((try? String(contentsOfFile: "/var/log/exim4/mainlog", encoding: .utf8)) ?? "").split(separator: "\n")
            guard let arrival = log.first(where: { $0.contains(" <= ") && $0.contains("id=\(tag)@phone.example") }) else { return false }
            let queueID = arrival.split(separator: " ")[2]
            return log.contains { $0.contains("\(queueID) == |\(Self.wrapper)") && $0.contains("returned 75") }
        }, "exim deferred the delivery on exit status 75")
        try d.start(mailDrop: false)
        chmod(d.socketPath, 0o666)
        _ = try Binaries.run(exim, ["-qff"])
        #expect(eventually(30) { (try? d.incidents().first { $0["id"] as? String == tag }?["state"] as? String) == "acked" })
    }
}
