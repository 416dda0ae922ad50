import Foundation
import Glibc
import Testing

/// tocsind with the real parts a branch server has (set up by scripts/test-setup.sh):
/// exim4's sendmail, journald, systemd's socket activation and unit verifier.
@Suite("tocsind with real parts: exim4, journald, systemd", .serialized)
struct RealPartsTests {
    static let unique = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    @Test("a mail through exim4's sendmail, read back from the mailbox by Python: Chinese subject intact, threaded")
    func exim() throws {
        let tag = "exim-\(Self.unique)"
        let d = try DaemonProcess(rules: """
            set storm-window 0s
            set mail-from "Tocsin 告警 <tocsin@localhost>"
            contact sink mail mailsink@localhost
            rule r
              match kind=fault
              after 0m notify sink
              after 2s notify sink
              subject "[故障 {severity}级] {summary} — {age} 未恢复"
            """, arguments: ["--sendmail", "/usr/sbin/sendmail"])
        try d.start(mailDrop: false)
        defer { d.stop() }
        _ = try d.send(#"kind=fault severity=2 id=\#(tag) summary="核心系统无法登录""#)
        var mails: [[String: String]] = []
        let found = eventually(30) {
            mails = Self.mailsinkMessages(containing: tag)
            return mails.count >= 2
        }
        #expect(found, "exim delivered \(mails.count) of 2 mails")
        guard mails.count >= 2 else { return }
        #expect(mails[0]["subject"]?.hasPrefix("[故障 2级] 核心系统无法登录 — ") == true)
        #expect(mails[0]["auto"] == "auto-generated")
        let first = mails.first { $0["reply"] == "" }
        let second = mails.first { $0["reply"] != "" }
        #expect(first != nil && second != nil)
        #expect(second?["reply"] == first?["id"])
        #expect(second?["refs"] == first?["id"])
    }

    /// The Tocsin mails in /var/mail/mailsink whose body contains `tag`, parsed by Python's
    /// email package: subject, Message-ID, In-Reply-To, References, Auto-Submitted, body.
    static func mailsinkMessages(containing tag: String) -> [[String: String]] {
        let script = """
            import mailbox, json
            from email import message_from_bytes, policy
            out = []
            for m in mailbox.mbox('/var/mail/mailsink'):
                if m.get('X-Tocsin-Step') is None: continue
                p = message_from_bytes(m.as_bytes(), policy=policy.default)
                out.append({'subject': str(p['subject']), 'id': str(p['message-id']), 'reply': str(p.get('in-reply-to') or ''), 'refs': str(p.get('references') or ''), 'auto': str(p['auto-submitted']), 'body': p.get_content()})
            print(json.dumps([o for o in out if '\(tag)' in o['body']]))
            """
        let r = try? Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script])
        return (try? JSONSerialization.jsonObject(with: Data((r?.stdout ?? "").utf8)) as? [[String: String]]) ?? []
    }

    @Test("every decision is a journal entry: journalctl TOCSIN_INCIDENT=N shows the incident's story")
    func journal() throws {
        let tag = "journal-\(Self.unique)"
        let d = try DaemonProcess(rules: "set storm-window 0s\ncontact a mail a@example.org\nrule r\n  match kind=fault\n  after 0m notify a\n")
        try d.start()
        defer { d.stop() }
        let reply = try d.send("kind=fault severity=3 id=\(tag)")
        #expect(reply == "ok incident=1 id=\(tag) state=open")
        _ = try d.send("action=resolve id=\(tag) cause=test")
        var entries: [[String: Any]] = []
        let found = eventually(10) {
            entries = d.journalEntries(["TOCSIN_INCIDENT=1"])
            return entries.contains { $0["MESSAGE_ID"] as? String == "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d28" }
        }
        #expect(found)
        let kinds = Set(entries.compactMap { $0["MESSAGE_ID"] as? String })
        for id in ["6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d21", "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d23", "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d24", "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d28"] {
            #expect(kinds.contains(id), "missing MESSAGE_ID \(id)")
        }
        let opened = entries.first { $0["MESSAGE_ID"] as? String == "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d23" }
        #expect(opened?["TOCSIN_ID"] as? String == tag)
        #expect(opened?["TOCSIN_KIND"] as? String == "fault")
        #expect(opened?["TOCSIN_SEVERITY"] as? String == "3")
        #expect(opened?["TOCSIN_RULE"] as? String == "r")
        #expect(opened?["PRIORITY"] as? String == "5")
        let step = entries.first { $0["MESSAGE_ID"] as? String == "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d24" }
        #expect(step?["TOCSIN_STEP"] as? String == "1")
        #expect(step?["TOCSIN_CONTACT"] as? String == "a")
    }

    @Test("a storm of 6,000 events: the journal gets its budget (shared by all routine entries) and a summary; the store gets every one")
    func journalStorm() throws {
        let d = try DaemonProcess(rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n")
        try d.start()
        defer { d.stop() }
        let replies = try d.send((0..<6000).map { "kind=fault id=storm-\($0)" })
        #expect(replies.allSatisfy { $0.hasPrefix("ok incident=") })
        var written = 0
        var suppressed = 0
        // A storm that takes more than a second to apply gets a summary for each second:
        // wait for the last one, not the first.
        let accounted = eventually(15) {
            let entries = d.journalEntries(["MESSAGE_ID=6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d23"])
            written = entries.filter { $0["TOCSIN_SUPPRESSED"] == nil }.count
            suppressed = entries.compactMap { ($0["TOCSIN_SUPPRESSED"] as? String).flatMap { Int($0) } }.reduce(0, +)
            return written + suppressed >= 6000
        }
        #expect(accounted, "written \(written) + summarized \(suppressed) after 15 s")
        #expect(suppressed > 0, "no summary of the entries held back")
        #expect(written >= 900 && written < 3000, "\(written) \"incident opened\" entries written")
        #expect(written + suppressed == 6000, "written \(written) + summarized \(suppressed)")
        #expect(try d.incidents().count == 6000)
    }

    @Test("the socket passed by systemd-socket-activate is used")
    func socketActivation() throws {
        let d = try DaemonProcess(rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        p.arguments = [
            "-l", d.socketPath, "-E", "NOTIFY_SOCKET=\(d.notify.path)",
            Binaries.directory.appendingPathComponent("tocsind").path, "--rules", d.rulesDir.path, "--state", d.state.path,
            "--spool", d.spool.path, "--socket", d.root.appendingPathComponent("not-used.sock").path, "--mail-drop", d.maildir.path,
        ]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer {
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
        }
        #expect(eventually(10) { FileManager.default.fileExists(atPath: d.socketPath) })
        #expect(try d.send("kind=fault id=activated") == "ok incident=1 id=activated state=open")
        #expect(eventually(10) { d.notify.messages.contains { $0.contains("READY=1") } })
        #expect(!FileManager.default.fileExists(atPath: d.root.appendingPathComponent("not-used.sock").path))
    }

    @Test("sd_notify: READY=1 with STATUS, WATCHDOG=1 from the loop, STOPPING=1 on SIGTERM")
    func notifyProtocol() throws {
        let d = try DaemonProcess(
            rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n",
            environment: ["WATCHDOG_USEC": "400000"])
        try d.start()
        #expect(d.notify.messages.contains { $0.hasPrefix("READY=1\nSTATUS=0 open incidents, 0 queued notifications") })
        #expect(eventually(3) { d.notify.messages.filter { $0 == "WATCHDOG=1" }.count >= 2 })
        d.stop()
        #expect(d.process?.terminationStatus == 0)
        #expect(eventually(2) { d.notify.messages.contains("STOPPING=1") })
        #expect(!FileManager.default.fileExists(atPath: d.socketPath))
    }

    @Test("systemd-analyze verify accepts the shipped units with no output")
    func verifyUnits() throws {
        let dir = Binaries.temporaryDirectory("units")
        for name in ["tocsind.service", "tocsind.socket"] {
            var text = try String(contentsOf: Binaries.repository.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
            text = text.replacingOccurrences(of: "/usr/local/bin/tocsind", with: Binaries.directory.appendingPathComponent("tocsind").path)
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let r = try Binaries.run(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
            ["verify", "--man=no", dir.appendingPathComponent("tocsind.service").path, dir.appendingPathComponent("tocsind.socket").path])
        #expect(r.status == 0)
        #expect(r.stdout + r.stderr == "")
    }

    @Test("sysusers and tmpfiles entries create the user and the spool")
    func sysusersTmpfiles() throws {
        let root = Binaries.temporaryDirectory("sysroot")
        for (file, dir, name) in [("tocsin.sysusers", "usr/lib/sysusers.d", "tocsin.conf"), ("tocsin.tmpfiles", "usr/lib/tmpfiles.d", "tocsin.conf")] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Binaries.repository.appendingPathComponent("systemd/\(file)"), to: root.appendingPathComponent("\(dir)/\(name)"))
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let users = try Binaries.run(URL(fileURLWithPath: "/usr/bin/systemd-sysusers"), ["--root=\(root.path)"])
        #expect(users.status == 0, "\(users.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8).contains("tocsin:x:"))
        let tmp = try Binaries.run(URL(fileURLWithPath: "/usr/bin/systemd-tmpfiles"), ["--root=\(root.path)", "--create"])
        #expect(tmp.status == 0, "\(tmp.stderr)")
        for sub in ["tmp", "new", "failed"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("var/spool/tocsin/\(sub)").path))
        }
    }
}

@Suite("tocsind notifications: exec contacts and failing sendmail", .serialized)
struct NotificationTests {
    @Test("exec contact: argv from the rules, the message on stdin, TOCSIN_* in the environment, no shell")
    func execContact() throws {
        let dir = Binaries.temporaryDirectory("exec")
        let script = dir.appendingPathComponent("sms.sh")
        let out = dir.appendingPathComponent("out")
        try "#!/bin/sh\n{ echo \"args:$1|$2\"; echo \"incident:$TOCSIN_INCIDENT id:$TOCSIN_ID rule:$TOCSIN_RULE step:$TOCSIN_STEP contact:$TOCSIN_CONTACT\"; cat; } > \(out.path)\n"
            .write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let d = try DaemonProcess(rules: """
            contact sms exec \(script.path) +8613800000000 "two words; $(rm -rf /)"
            rule r
              match kind=complaint
              after 0m notify sms
            """)
        try d.start()
        defer { d.stop() }
        _ = try d.send(#"kind=complaint id=c-9 summary="客户投诉 $(touch /tmp/pwned)""#)
        #expect(eventually { (try? String(contentsOf: out, encoding: .utf8))?.contains("客户投诉") == true })
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.hasPrefix("args:+8613800000000|two words; $(rm -rf /)\nincident:1 id:c-9 rule:r step:1 contact:sms\n"))
        #expect(text.contains("客户投诉 $(touch /tmp/pwned)"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
    }

    @Test("sendmail failing twice then succeeding delivers once, with the same Message-ID")
    func flakySendmail() throws {
        let dir = Binaries.temporaryDirectory("flaky")
        let stub = dir.appendingPathComponent("sendmail")
        try """
            #!/bin/sh
            n=$(cat \(dir.path)/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(dir.path)/count
            [ "$1 $2" = "-t -oi" ] || { echo "bad args: $*" >&2; exit 64; }
            if [ $n -le 2 ]; then echo "temporary failure $n" >&2; exit 75; fi
            cat > \(dir.path)/delivered.$n
            """.write(to: stub, atomically: true, encoding: .utf8)
        chmod(stub.path, 0o755)
        let d = try DaemonProcess(
            rules: "contact a mail a@example.org\nrule r\n  match kind=media\n  after 0m notify a\n",
            arguments: ["--sendmail", stub.path, "--first-retry", "1s"])
        try d.start(mailDrop: false)
        defer { d.stop() }
        _ = try d.send("kind=media id=m1 summary=journalist")
        #expect(eventually(15) { FileManager.default.fileExists(atPath: dir.appendingPathComponent("delivered.3").path) })
        usleep(2_000_000)
        let delivered = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("delivered") }
        #expect(delivered == ["delivered.3"])
        let status = try d.ctl(["status"]).stdout
        #expect(status.contains("0 queued"))
        #expect(status.contains("0 failed, 1 sent"))
    }

    @Test("a hung sendmail is killed at the timeout and the notification is retried, then marked failed")
    func hungSendmail() throws {
        let dir = Binaries.temporaryDirectory("hung")
        let stub = dir.appendingPathComponent("sendmail")
        try "#!/bin/sh\nsleep 600\n".write(to: stub, atomically: true, encoding: .utf8)
        chmod(stub.path, 0o755)
        let d = try DaemonProcess(
            rules: "contact a mail a@example.org\nrule r\n  match kind=media\n  after 0m notify a\n",
            arguments: ["--sendmail", stub.path, "--delivery-timeout", "1s", "--first-retry", "1s", "--give-up-after", "3s"])
        try d.start(mailDrop: false)
        defer { d.stop() }
        _ = try d.send("kind=media id=m1")
        #expect(eventually(20) { (try? d.ctl(["status"]).stdout.contains("1 failed")) == true })
        let status = try d.ctl(["status"]).stdout
        #expect(status.contains("FAILED after"))
        #expect(status.contains("timed out after 1s and was killed"))
    }
}

@Suite("tocsind without a journal", .serialized)
struct NoJournalTests {
    @Test("with the journal socket gone, every decision still goes to stderr with <N> priority prefixes")
    func noJournal() throws {
        let d = try DaemonProcess(rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 0m notify a\n")
        let log = d.root.appendingPathComponent("stderr.log")
        let script = """
            mount -t tmpfs tmpfs /run/systemd/journal && exec "$0" "$@" 2>\(log.path)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        p.arguments = [
            "-m", "sh", "-c", script, Binaries.directory.appendingPathComponent("tocsind").path, "--rules", d.rulesDir.path,
            "--state", d.state.path, "--spool", d.spool.path, "--socket", d.socketPath, "--mail-drop", d.maildir.path,
        ]
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        #expect(eventually(10) { FileManager.default.fileExists(atPath: d.socketPath) })
        usleep(200_000)
        #expect(try d.send("kind=fault id=nj") == "ok incident=1 id=nj state=open")
        #expect(eventually(5) { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("<6>notified a:") })
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("<5>incident #1 nj opened: - (rule r) [TOCSIN_INCIDENT=1 TOCSIN_ID=nj TOCSIN_KIND=fault TOCSIN_RULE=r]"))
        #expect(text.contains("<6>event accepted: open #1 nj (socket)"))
    }
}
