import Foundation
import Glibc
import Testing

private let quickRules = """
    set storm-window 0s
    set timezone Asia/Shanghai
    set mail-from "Tocsin 告警 <tocsin@branch.example>"
    contact lead mail lead@branch.example
    contact boss mail boss@branch.example
    rule fault
      match kind=fault
      after 2s notify lead
      after 4s notify boss
      subject "[故障 {severity}级] {summary} — {age} 未恢复"
    rule at-once
      match kind=complaint
      after 0m notify lead
    """

@Suite("tocsind: ingest, escalation, durability (the real binary)", .serialized)
struct DaemonIngestTests {
    @Test("socket: one reply per line, in order, pipelined; a bad line does not end the connection")
    func socketIngest() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        let replies = try d.send([
            #"kind=fault severity=2 id=core summary="核心系统无法登录""#,
            "kind=fault severity=high id=x",
            #"{"kind":"complaint","id":"c-1","summary":"客户投诉"}"#,
            "action=resolve id=nope",
            "kind=fault severity=2 id=core",
            "kind=media",
        ])
        #expect(replies == [
            "ok incident=1 id=core state=open",
            #"error reason="severity must be an integer, got \"high\"""#,
            "ok incident=2 id=c-1 state=open",
            #"error reason="cannot resolve \"nope\": no open incident has that id""#,
            "ok incident=1 id=core state=open",
            "ok incident=3 id=auto-3 state=open",
        ])
        let core = try d.incidents().first { $0["id"] as? String == "core" }
        #expect(core?["incident"] as? Int == 1)
        #expect(core?["summary"] as? String == "核心系统无法登录")
    }

    @Test("spool: a file is applied whole and deleted; a bad file goes whole to failed/ with NAME.error")
    func spoolIngest() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        let good = try d.spoolFile("good-1", "kind=fault id=s1 summary=甲\nkind=fault id=s2\n")
        try d.spoolFile("bad-1", "kind=fault id=s3\nkind=fault severity=high id=s4\n")
        #expect(eventually { !FileManager.default.fileExists(atPath: good.path) })
        let failed = d.spool.appendingPathComponent("failed/bad-1")
        #expect(eventually { FileManager.default.fileExists(atPath: failed.path) })
        let note = try String(contentsOf: d.spool.appendingPathComponent("failed/bad-1.error"), encoding: .utf8)
        #expect(note == "bad-1: line 2: severity must be an integer, got \"high\"\n")
        let ids = try d.incidents().compactMap { $0["id"] as? String }
        #expect(Set(ids) == ["s1", "s2"])
    }

    @Test("stopped in the middle of a spool backlog: every file left in new/ is unapplied, every one gone is stored")
    func spoolStopMidway() throws {
        let d = try DaemonProcess(rules: quickRules)
        for sub in ["tmp", "new"] {
            try FileManager.default.createDirectory(at: d.spool.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for i in 0..<3000 { try d.spoolFile("f\(i)", "kind=complaint id=p\(i) summary=投诉-\(i)\n") }
        try d.start()
        d.stop()  // SIGTERM at READY=1, while the backlog is being taken up
        let left = Set((try FileManager.default.contentsOfDirectory(atPath: d.spool.appendingPathComponent("new").path)))
        let stored = Set(try d.incidents().compactMap { $0["id"] as? String })
        for i in 0..<3000 {
            // Applied files are deleted before tocsind exits (by the remover threads); the
            // others stay for the next start.
            #expect(stored.contains("p\(i)") != left.contains("f\(i)"), "file f\(i): stored \(stored.contains("p\(i)")), left \(left.contains("f\(i)"))")
        }
    }

    @Test("spool files left in new/ while tocsind was down are taken up at start")
    func spoolAtStart() throws {
        let d = try DaemonProcess(rules: quickRules)
        try FileManager.default.createDirectory(at: d.spool.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: d.spool.appendingPathComponent("new"), withIntermediateDirectories: true)
        let file = try d.spoolFile("early", "kind=complaint id=e1\n")
        try d.start()
        defer { d.stop() }
        #expect(eventually { !FileManager.default.fileExists(atPath: file.path) })
        #expect(try d.incidents().count == 1)
    }

    @Test("escalation on second-scale rules: lead at 2 s, boss at 4 s, with a Chinese subject and threading")
    func escalation() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        _ = try d.send(#"kind=fault severity=2 id=core summary="核心系统无法登录""#)
        usleep(1_000_000)
        #expect(d.mails().isEmpty)
        #expect(eventually(10) { d.mails().count == 2 })
        let mails = d.mails()
        let lead = mails.first { header("To", in: $0) == "lead@branch.example" }!
        let boss = mails.first { header("To", in: $0) == "boss@branch.example" }!
        #expect(header("In-Reply-To", in: boss) == header("Message-ID", in: lead))
        let parsed = try PythonEmailE2E.parse(lead)
        #expect((parsed["subject"] as? String)?.hasPrefix("[故障 2级] 核心系统无法登录 — ") == true)
        #expect(parsed["from"] as? String == "Tocsin 告警 <tocsin@branch.example>")
    }

    @Test("resolve stops the steps and tells those already told")
    func resolveStops() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault id=x summary=x")
        #expect(eventually(10) { d.mails().count == 1 })
        #expect(try d.send("action=resolve id=x cause=fixed by=ops") == "ok incident=1 id=x state=resolved")
        #expect(eventually(5) { d.mails().count == 2 })
        usleep(4_000_000)
        #expect(d.mails().count == 2)
        #expect(d.mails().contains { header("Subject", in: $0)?.contains("RECOVERED") == true })
    }

    @Test("set language zh-CN: the real sendmail's recovered mail says 已恢复 in its subject, Chinese labels in its body")
    func chineseRecovered() throws {
        let d = try DaemonProcess(rules: "set language zh-CN\n" + quickRules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=complaint id=c-9 summary=客户投诉ATM吞卡")
        #expect(eventually(10) { d.mails().count == 1 })
        #expect(try d.send("action=resolve id=c-9 cause=已退卡 by=ops") == "ok incident=1 id=c-9 state=resolved")
        #expect(eventually(5) { d.mails().count == 2 })
        let recovered = try #require(d.mails().first { header("Message-ID", in: $0)?.contains(".recovered.") == true })
        let parsed = try PythonEmailE2E.parse(recovered)
        let subject = try #require(parsed["subject"] as? String)
        #expect(subject.hasPrefix("[Tocsin #1] 已恢复（历时"), "\(subject)")
        let body = try #require(parsed["_body"] as? String)
        #expect(body.hasPrefix("已恢复：客户投诉ATM吞卡\n"), "\(body)")
        #expect(body.contains("原因      已退卡\n") && body.contains("处理人    ops\n"), "\(body)")
    }

    @Test("dedup: the same id is the same incident, counted")
    func dedup() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        #expect(try d.send(["kind=complaint id=c", "kind=complaint id=c", "kind=complaint id=c"]) == Array(repeating: "ok incident=1 id=c state=open", count: 3))
        #expect(try d.incidents().first?["count"] as? Int == 3)
        #expect(eventually { d.mails().count == 1 })
        usleep(300_000)
        #expect(d.mails().count == 1)
    }

    @Test("an event whose at is long past gets its overdue steps at once")
    func overdue() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        let anHourAgo = Int(Date().timeIntervalSince1970) - 3600
        _ = try d.send("kind=fault id=old at=\(anHourAgo)")
        #expect(eventually(3) { d.mails().count == 2 })
    }

    @Test("restart keeps timers: a step due while tocsind was down fires once after start")
    func restartKeepsTimers() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        _ = try d.send("kind=fault id=r")
        d.stop()
        usleep(5_000_000)
        #expect(d.mails().isEmpty)
        try d.start()
        defer { d.stop() }
        #expect(eventually(5) { d.mails().count == 2 })
        usleep(1_000_000)
        d.stop()
        try d.start()
        usleep(1_000_000)
        #expect(d.mails().count == 2)
        let ids = d.mails().compactMap { header("Message-ID", in: $0) }
        #expect(Set(ids).count == 2)
    }

    @Test("kill -9 during a pipelined burst loses no acknowledged event")
    func killDuringBurst() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        let client = try LineClient(path: d.socketPath)
        let total = 20_000
        let writer = Thread {
            try? client.write((0..<total).map { "kind=complaint id=k\($0)\n" }.joined())
        }
        writer.start()
        var acknowledged: [String] = []
        while acknowledged.count < 3000, let line = try? client.readLine() {
            if line.hasPrefix("ok") { acknowledged.append(line) }
        }
        d.kill9()
        while let line = try? client.readLine(), line.hasPrefix("ok") { acknowledged.append(line) }
        try d.start()
        defer { d.stop() }
        let stored = Set(try d.incidents().compactMap { $0["id"] as? String })
        let ackedIDs = acknowledged.compactMap { $0.split(separator: " ").first { $0.hasPrefix("id=") }.map { String($0.dropFirst(3)) } }
        #expect(ackedIDs.count >= 3000)
        #expect(ackedIDs.allSatisfy { stored.contains($0) }, "lost \(ackedIDs.filter { !stored.contains($0) }.count) acknowledged events")
    }

    @Test("a bad rule reload keeps the old rules in force; a good one applies")
    func reload() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        defer { d.stop() }
        let file = d.rulesDir.appendingPathComponent("test.rules")
        try (quickRules + "\nrule broken\n  match kind=x\n  after 1m notify nobody\n").write(to: file, atomically: true, encoding: .utf8)
        let mark = d.notify.messages.count
        d.signal(SIGHUP)
        #expect(d.notify.waitFor("READY=1", seconds: 10, after: mark))
        #expect(try d.send("kind=complaint id=still") == "ok incident=1 id=still state=open")
        #expect(eventually { d.mails().count == 1 })
        try quickRules.replacingOccurrences(of: "after 0m notify lead", with: "after 0m notify boss").write(to: file, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        usleep(500_000)
        _ = try d.send("kind=complaint id=after")
        #expect(eventually { d.mails().contains { header("To", in: $0) == "boss@branch.example" } })
        #expect(d.notify.messages.contains { $0.contains("RELOADING=1") })
    }

    @Test("storm control: 200 faults at once → one mail now, one digest at the window's end")
    func storm() throws {
        let d = try DaemonProcess(rules: stormRules(window: "3s"))
        try d.start()
        defer { d.stop() }
        _ = try d.send((0..<200).map { "kind=fault id=f\($0)" })
        #expect(eventually(3) { d.mails().count == 1 })
        #expect(eventually(8) { d.mails().count == 2 })
        usleep(4_000_000)
        #expect(d.mails().count == 2)
        let subjects = try d.mails().map { try PythonEmailE2E.parse($0)["subject"] as? String ?? "" }
        #expect(subjects.contains { $0.hasPrefix("[Tocsin] 199 escalations for fault — ") })
    }

    @Test("storm control across kill -9: the held messages survive and go out in the digest, then none is held")
    func stormAcrossCrash() throws {
        let d = try DaemonProcess(rules: stormRules(window: "4s"))
        try d.start()
        _ = try d.send((0..<50).map { "kind=fault id=f\($0) summary=停电-\($0)-" })
        #expect(eventually(3) { d.mails().count == 1 })
        #expect(try d.ctl(["status"]).stdout.contains("49 held by storm control"))
        d.kill9()
        try d.start()
        defer { d.stop() }
        #expect(eventually(10) { d.mails().count == 2 })
        let parsed = try d.mails().map { try PythonEmailE2E.parse($0) }
        let digest = parsed.first { ($0["subject"] as? String)?.hasPrefix("[Tocsin] 49 escalations for fault — ") == true }
        let first = parsed.first { $0["subject"] as? String != digest?["subject"] as? String }
        let listed = (digest?["_body"] as? String ?? "").split(separator: "\n").filter { $0.hasPrefix("- ") }
        // Every fault is told: one in the first mail, the 49 others listed in the digest.
        for n in 0..<50 {
            let told = listed.filter { $0.contains("停电-\(n)-") }.count + ((first?["subject"] as? String)?.contains("停电-\(n)-") == true ? 1 : 0)
            #expect(told == 1, "fault \(n) told \(told) times")
        }
        #expect(try d.ctl(["status"]).stdout.contains("0 held by storm control"))
        usleep(5_000_000)
        #expect(d.mails().count == 2)
    }

    @Test("the store removed under a running tocsind: it stops with status 1 within seconds, saying why; started again, it opens a new store")
    func storeRemoved() throws {
        let d = try DaemonProcess(rules: quickRules)
        try d.start()
        #expect(try d.send("kind=fault id=before-rm") == "ok incident=1 id=before-rm state=open")
        let process = try #require(d.process)
        try FileManager.default.removeItem(at: d.state)
        let stopped = eventually(5) { !process.isRunning }
        #expect(stopped, "tocsind went on with its store removed")
        guard stopped else { return d.kill9() }
        #expect(process.terminationReason == .exit && process.terminationStatus == 1)
        let said = d.journalEntries(["PRIORITY=2"]).compactMap { $0["MESSAGE"] as? String } + [d.stderrText()]
        let path = d.state.appendingPathComponent("tocsin.db").path
        #expect(said.contains { $0.contains("stopping: the store's file \(path) was removed while tocsind was running") }, "\(said)")

        try d.start()
        #expect(try d.incidents().isEmpty)
        #expect(try d.send("kind=fault id=after-rm") == "ok incident=1 id=after-rm state=open")
        d.stop()
    }

    @Test("bad rules at start: tocsind exits non-zero with every error")
    func badRulesAtStart() throws {
        let d = try DaemonProcess(rules: "contact a mail a@x.example\nrule r\n  match kind=fault\n  after 5x notify b\n")
        let p = Process()
        p.executableURL = Binaries.directory.appendingPathComponent("tocsind")
        p.arguments = ["--rules", d.rulesDir.path, "--state", d.state.path, "--socket", d.socketPath, "--spool", d.spool.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1)
        #expect(text.contains("test.rules:4:9: error: bad duration '5x'"))
        #expect(text.contains("test.rules:4:19: error: unknown contact 'b'"))
        #expect(text.contains("tocsind: the rules in \(d.rulesDir.path) have errors; not starting"))
    }
}

/// The quick rules with a storm window and faults told at once.
private func stormRules(window: String) -> String {
    quickRules.replacingOccurrences(of: "set storm-window 0s", with: "set storm-window \(window)")
        .replacingOccurrences(of: "after 2s notify lead\n  after 4s notify boss", with: "after 0m notify lead")
}

enum PythonEmailE2E {
    static func parse(_ text: String) throws -> [String: Any] {
        let script = "import sys,json,email,email.policy\nm=email.message_from_bytes(sys.stdin.buffer.read(),policy=email.policy.default)\nprint(json.dumps({k.lower():str(v) for k,v in m.items()}|{'_body':m.get_content()}))"
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], stdin: text)
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }
}
