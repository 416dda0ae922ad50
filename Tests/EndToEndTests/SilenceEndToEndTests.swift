import Foundation
import Testing

private let rules = """
    set storm-window 0s
    set timezone Asia/Shanghai
    contact lead mail lead@branch.example
    contact boss mail boss@branch.example
    rule fault
      match kind=fault
      after 2s notify lead
      after 4s notify boss
    """

/// When each mail arrived, in seconds after `start`, by recipient, polling the Maildir.
private func arrivals(_ d: DaemonProcess, since start: Date, until count: Int, within seconds: Double) -> [(String, Double)] {
    var seen: [String: Double] = [:]
    var order: [(String, Double)] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline, order.count < count {
        for mail in d.mails() {
            let key = header("Message-ID", in: mail) ?? mail
            if seen[key] == nil {
                let at = Date().timeIntervalSince(start)
                seen[key] = at
                order.append((header("To", in: mail) ?? "?", at))
            }
        }
        usleep(50_000)
    }
    return order
}

/// Silences against the real tocsind on second-scale rules (SPEC §14).
@Suite("Silences (the real binary)", .serialized)
struct SilenceEndToEndTests {
    @Test("no step fires inside a silence; after it the steps fire at the shifted instants (±1 s); journaled with TOCSIN_SILENCE")
    func shiftedSteps() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let start = Date()
        _ = try d.send("kind=fault id=teller-7 summary=打印机故障")
        usleep(500_000)
        let add = try d.ctl(["silence", "add", "kind=fault", "id~^teller-", "--for", "3s", "--reason", "更换打印机", "--by", "ops"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.hasPrefix("ok silence=1 until=20"), "\(add.stdout)")
        let held = Date().timeIntervalSince(start)
        // A repeat of the event while held is journaled with the silence's id.
        _ = try d.send("kind=fault id=teller-7 summary=打印机故障")
        let got = arrivals(d, since: start, until: 2, within: 12)
        #expect(got.count == 2, "\(got)")
        guard got.count == 2 else { return }
        // Held from `held` for 3 s: lead at 2 + 3, boss at 4 + 3 (from the start).
        #expect(got[0].0 == "lead@branch.example" && abs(got[0].1 - 5) <= 1, "\(got) held at \(held)")
        #expect(got[1].0 == "boss@branch.example" && abs(got[1].1 - 7) <= 1, "\(got)")
        let created = d.journalEntries(["TOCSIN_SILENCE=1", "MESSAGE_ID=6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2d"])
        #expect(created.count == 1)
        #expect((created.first?["TOCSIN_REASON"] as? String) == "更换打印机")
        #expect(d.journalEntries(["TOCSIN_SILENCE=1", "MESSAGE_ID=6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2e"]).count == 1)
        #expect(d.journalEntries(["TOCSIN_SILENCE=1", "MESSAGE_ID=6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d21"]).count == 1)
    }

    @Test("resolved inside a silence: 'recovered' only to those told before it")
    func recoveredOnlyToTold() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault id=core summary=核心系统")
        #expect(eventually(5) { d.mails().count == 1 })
        #expect(try d.ctl(["silence", "add", "id=core", "--for", "1h", "--reason", "核心升级"]).status == 0)
        usleep(3_000_000)  // boss's step (4 s) is held
        #expect(try d.send("action=resolve id=core cause=升级完成") == "ok incident=1 id=core state=resolved")
        #expect(eventually(5) { d.mails().count == 2 })
        usleep(1_000_000)
        let to = d.mails().map { header("To", in: $0) ?? "?" }
        #expect(to == ["lead@branch.example", "lead@branch.example"], "\(to)")
    }

    @Test("a window from 23:59:58 to 00:00:03 is one window: a step due at 23:59:58 fires at 00:00:03, not at midnight (tocsind's wall clock set by faketime)")
    func windowAcrossMidnight() throws {
        try #require(FileManager.default.fileExists(atPath: "/usr/bin/faketime"), "faketime is installed by scripts/test-setup.sh")
        // 23:59:58 in Asia/Shanghai is 15:59:58 UTC; only the wall clock is faked (timers
        // and timeouts run on the real monotonic clock).
        let d = try DaemonProcess(rules: """
            set storm-window 0s
            set timezone Asia/Shanghai
            contact lead mail lead@branch.example
            maintenance midnight daily 23:59:58-00:00:03 match kind=fault
            rule fault
              match kind=fault
              after 0m notify lead
            """, environment: ["FAKETIME_DONT_FAKE_MONOTONIC": "1"])
        // faketime(1) sets up libfaketime and runs tocsind as its child; SIGTERM goes to the
        // child, and the wrapper exits with it.
        // The fake clock starts at 23:59:55 when tocsind starts; the event goes at 23:59:58.5
        // by it (however long the start took, up to 3.5 s), inside the window, before midnight.
        d.launcher = ["/usr/bin/faketime", "-f", "@2026-12-04 15:59:55"]
        let launched = Date()
        try d.start()
        defer {
            _ = try? Binaries.run(URL(fileURLWithPath: "/usr/bin/pkill"), ["-TERM", "-P", String(d.pid)])
            d.stop()
        }
        let wait = 3.5 - Date().timeIntervalSince(launched)
        if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        #expect(try d.send("kind=fault id=midnight-1").hasPrefix("ok incident=1"))
        #expect(eventually(10) { d.mails().count == 1 })
        let mail = try #require(d.mails().first)
        #expect(header("Date", in: mail) == "Sat, 5 Dec 2026 00:00:03 +0800", "\(header("Date", in: mail) ?? "-")")
        let shown = try d.ctl(["show", "midnight-1"]).stdout
        #expect(shown.contains("2026-12-04 23:59:5"), "opened before midnight: \(shown)")
        #expect(shown.contains("2026-12-05 00:00:03  step"), "\(shown)")
        #expect(!shown.contains("2026-12-05 00:00:00  step"))
    }

    @Test("kill -9 right after 'ok': the silence survives and still holds; list and expire")
    func survivesKill() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        let start = Date()
        _ = try d.send("kind=fault id=atm-1")
        let add = try d.ctl(["silence", "add", "kind=fault", "--for", "4s", "--reason", "planned"])
        #expect(add.status == 0, "\(add.stderr)")
        d.kill9()
        try d.start()
        defer { d.stop() }
        let list = try d.ctl(["silence", "list", "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1, "\(list.stdout)")
        #expect(rows?.first?["number"] as? Int == 1 && rows?.first?["matchers"] as? String == "kind=fault")
        #expect(rows?.first?["reason"] as? String == "planned" && rows?.first?["state"] as? String == "active")
        let got = arrivals(d, since: start, until: 1, within: 10)
        // Lead's 2 s step, held 4 s: about 6 s after the start, not at once after the restart.
        #expect(got.count == 1 && got[0].1 >= 5, "\(got)")
        let expire = try d.ctl(["silence", "expire", "1"])
        #expect(expire.status == 1 && expire.stderr.contains("no silence #1 is active or to come"), "\(expire.stderr)")
    }

    @Test("list, show and test say what holds an incident: 'silenced by #1 until …', a maintenance window by name")
    func listShowTest() throws {
        let d = try DaemonProcess(rules: rules + "\nmaintenance upgrade 2026-12-12 22:00..2026-12-13 04:00 match kind=fault system=core\n")
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault id=teller-1 summary=x")
        _ = try d.send("kind=fault id=atm-1 summary=y")
        let add = try d.ctl(["silence", "add", "id~^teller-", "--for", "2h", "--reason", "更换打印机"])
        let until = String(add.stdout.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let list = try d.ctl(["list"])
        #expect(list.stdout.contains("silenced by #1 until \(until)"), "\(list.stdout)")
        let rows = try d.incidents()
        let teller = rows.first { $0["id"] as? String == "teller-1" }
        #expect(teller?["state"] as? String == "silenced" && teller?["held_by"] as? String == "silence #1", "\(rows)")
        #expect(rows.first { $0["id"] as? String == "atm-1" }?["state"] as? String == "open")
        let show = try d.ctl(["show", "teller-1"])
        #expect(show.stdout.contains("Held          silenced by #1 until \(until)\n"), "\(show.stdout)")
        let test = try d.ctl(["test", "kind=fault", "id=teller-9"])
        #expect(test.stdout.contains("  held: silenced by #1 until \(until)"), "\(test.stdout)")
        let window = try d.ctl(["test", "kind=fault", "system=core", "--at", "2026-12-12 23:00"])
        #expect(window.stdout.contains("  held: silenced by maintenance upgrade until 2026-12-13 04:00"), "\(window.stdout)")
        #expect(window.stdout.contains("+2s  lead  <lead@branch.example>  (due 2026-12-13 04:00)"), "\(window.stdout)")
    }

    @Test("silence add refuses what is wrong: no reason, a bad matcher, an end before the start")
    func refusals() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let noReason = try d.ctl(["silence", "add", "kind=fault", "--for", "1h"])
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let badMatcher = try d.ctl(["silence", "add", "kind", "--for", "1h", "--reason", "x"])
        #expect(badMatcher.status != 0 && badMatcher.stderr.contains("'kind' is not a matcher"), "\(badMatcher.stderr)")
        let backwards = try d.ctl(["silence", "add", "kind=fault", "--from", "2030-01-02", "--until", "2030-01-01", "--reason", "x"])
        #expect(backwards.status == 1 && backwards.stderr.contains("ends") && backwards.stderr.contains("before it begins"), "\(backwards.stderr)")
        let list = try d.ctl(["silence", "list"])
        #expect(list.stdout == "no silences in force or to come\n", "\(list.stdout)")
    }
}

/// Ack timeouts and dependencies against the real tocsind on second-scale rules (SPEC §15, §16).
@Suite("Ack timeouts and dependencies (the real binary)", .serialized)
struct HeldClockEndToEndTests {
    @Test("an expired ack sends 'ack expired' and the steps resume; show says the ack ran out")
    func ackExpires() throws {
        let d = try DaemonProcess(rules: """
            set storm-window 0s
            contact lead mail lead@branch.example
            contact boss mail boss@branch.example
            rule urgent
              match kind=complaint
              after 0m notify lead
              after 2s notify boss
              stop on ack
              ack-timeout 10s
            """)
        try d.start()
        defer { d.stop() }
        let start = Date()
        _ = try d.send("kind=complaint id=c-1 summary=客户投诉")
        #expect(eventually(5) { d.mails().count == 1 })
        let ack = try d.ctl(["ack", "c-1", "--by", "lead", "--for", "2s"])
        #expect(ack.status == 0 && ack.stdout.contains("state=acked"), "\(ack.stdout)\(ack.stderr)")
        let acked = Date().timeIntervalSince(start)
        #expect(eventually(6) { d.mails().count == 2 })
        let expired = d.mails().first { header("Message-ID", in: $0)?.contains(".ack-expired.") == true }
        #expect(expired.map { header("To", in: $0) } == "lead@branch.example")
        #expect((try PythonEmailE2E.parse(expired ?? "")["subject"] as? String)?.hasPrefix("[Tocsin #1] ACK EXPIRED") == true)
        // Held from the ack for 2 s: boss's 2 s step comes at about 2 + 2 s, not at once.
        #expect(eventually(6) { d.mails().count == 3 })
        let boss = Date().timeIntervalSince(start)
        #expect(boss >= 3.2 && boss <= acked + 4.5, "boss at \(boss), acked at \(acked)")
        let show = try d.ctl(["show", "c-1"])
        #expect(show.stdout.contains("State         open") && show.stdout.contains("ack expired"), "\(show.stdout)")
    }

    @Test("children of an open parent fire nothing; when it resolves they fire on their shifted deadlines; list says waiting on #1")
    func childrenWait() throws {
        let d = try DaemonProcess(rules: """
            set storm-window 4s
            contact lead mail lead@branch.example
            contact boss mail boss@branch.example
            rule core
              match kind=fault system=core-banking
              after 1s notify boss
            rule terminal
              match kind=fault system=terminal
              depends on kind=fault system=core-banking equal branch
              after 2s notify lead
            """)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault system=core-banking branch=b1 id=core summary=核心中断")
        _ = try d.send((1...5).map { "kind=fault system=terminal branch=b1 id=t-\($0) summary=终端\($0)" })
        #expect(eventually(5) { d.mails().count == 1 })  // boss, for the core
        usleep(3_000_000)
        #expect(d.mails().count == 1)
        let list = try d.ctl(["list"])
        #expect(list.stdout.contains("waiting on #1"), "\(list.stdout)")
        let resolvedAt = Date()
        #expect(try d.send("action=resolve id=core cause=恢复").hasPrefix("ok "))
        // The recovered mail to boss, listing the five still open.
        #expect(eventually(8) { d.mails().contains { header("Message-ID", in: $0)?.contains(".recovered.") == true } })
        let recovered = d.mails().first { header("Message-ID", in: $0)?.contains(".recovered.") == true } ?? ""
        #expect(recovered.contains("t-5"), "\(recovered)")
        // Five children released at once, 2 s later: the first to lead at once, the other
        // four gathered by storm control into one digest at the window's end.
        #expect(eventually(8) { d.mails().filter { header("To", in: $0) == "lead@branch.example" }.count == 1 })
        #expect(Date().timeIntervalSince(resolvedAt) >= 1.5)
        #expect(eventually(8) { d.mails().filter { header("To", in: $0) == "lead@branch.example" }.count == 2 })
        let digest = d.mails().last { header("To", in: $0) == "lead@branch.example" } ?? ""
        #expect(header("Message-ID", in: digest)?.contains(".digest.") == true, "\(digest)")
    }
}
