import Foundation
import Glibc
import Testing

@Suite("tocsinctl check, test and drill (the real binary)")
struct TocsinctlRulesTests {
    @Test("check on the shipped rules: exit 0 and a summary")
    func checkShipped() throws {
        let result = try Binaries.tocsinctl(["check", "rules"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("rules OK: 6 files, 6 rules, 6 contacts, 1 roster, 1 report"), "\(result.stdout)")
        // From 1 December the next year's holidays are due: the shipped rules have 2026's.
        let today = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date())
        if today.year == 2026 && today.month == 12 {
            #expect(result.stdout.hasPrefix("warning: the rules have no holiday lines for 2027: it counts as weekdays only"), "\(result.stdout)")
        }
    }

    @Test("check on a broken copy: every error with file, line and column; exit 1")
    func checkBroken() throws {
        let dir = Binaries.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: Binaries.repository.appendingPathComponent("rules"), to: rules)
        let faults = rules.appendingPathComponent("10-faults.rules")
        var text = try String(contentsOf: faults, encoding: .utf8)
        text = text.replacingOccurrences(of: "after 60m notify dept-head", with: "after 60m notify dept-haed")
        text = text.replacingOccurrences(of: "after 15m notify", with: "after 15 notify")
        try text.write(to: faults, atomically: true, encoding: .utf8)
        let reports = rules.appendingPathComponent("30-reports.rules")
        try "report daily 17:70 notify centre-manager\n".write(to: reports, atomically: true, encoding: .utf8)
        let result = try Binaries.tocsinctl(["check", "rules"], cwd: dir)
        #expect(result.status == 1)
        #expect(result.stdout.contains("rules/10-faults.rules:13:20: error: unknown contact 'dept-haed' (did you mean 'dept-head'?)\n  after 60m notify dept-haed\n                   ^~~~~~~~~\n"))
        #expect(result.stdout.contains("rules/10-faults.rules:23:9: error: bad duration '15'"))
        #expect(result.stdout.contains("rules/30-reports.rules:1:14: error: bad time of day '17:70'"))
        #expect(result.stdout.hasSuffix("3 errors in rules\n"))
    }

    @Test("a FIFO named *.rules: check refuses it at once, naming it; a reload with it keeps the old rules")
    func fifoRuleFile() throws {
        let dir = Binaries.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: Binaries.repository.appendingPathComponent("rules"), to: rules)
        let fifo = rules.appendingPathComponent("50-pipe.rules")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let result = try Binaries.tocsinctl(["check", rules.path])
        #expect(result.status == 1)
        #expect(result.stderr == "tocsinctl: refusing to read a FIFO as a file: '\(fifo.path)'\n", "\(result.stderr)")

        let d = try DaemonProcess(rules: "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n")
        try d.start()
        defer { d.stop() }
        #expect(mkfifo(d.rulesDir.appendingPathComponent("pipe.rules").path, 0o644) == 0)
        d.signal(SIGHUP)
        #expect(eventually(10) {
            d.journalEntries(["PRIORITY=3"]).contains { ($0["MESSAGE"] as? String)?.contains("reload: refusing to read a FIFO as a file") == true }
                || d.stderrText().contains("reload: refusing to read a FIFO as a file")
        })
        #expect(try d.send("kind=fault id=after-reload") == "ok incident=1 id=after-reload state=open")
    }

    @Test("check with TOCSIN_RULES and with a missing directory")
    func checkPaths() throws {
        let ok = try Binaries.tocsinctl(["check"], environment: ["TOCSIN_RULES": "rules"])
        #expect(ok.status == 0)
        let missing = try Binaries.tocsinctl(["check", "/nonexistent/rules"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "tocsinctl: cannot read rules '/nonexistent/rules': No such file or directory\n")
    }

    @Test("test: level 2 fault → centre-manager at 30m, dept-head at 60m")
    func testMajor() throws {
        let result = try Binaries.tocsinctl(["test", "--rules", "rules", "kind=fault", "severity=2", "--at", "2026-12-04 16:30"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("""
            rule fault-major (rules/10-faults.rules:10)
              +30m  centre-manager  <zhang.wei@branch-001.example>  (due 2026-12-04 17:00)
              +60m  dept-head       <li.na@branch-001.example>  (due 2026-12-04 17:30)
              steps stop when the incident is resolved

            """))
    }

    @Test("test: level 4 fault → 15m and 30m; urgent complaint → everyone at once")
    func testMinorAndUrgent() throws {
        let minor = try Binaries.tocsinctl(["test", "kind=fault", "severity=4"], environment: ["TOCSIN_RULES": "rules"])
        #expect(minor.stdout.contains("+15m  centre-manager"))
        #expect(minor.stdout.contains("+30m  dept-head"))
        let urgent = try Binaries.tocsinctl(["test", "kind=complaint", "urgency=urgent", "summary=客户投诉"], environment: ["TOCSIN_RULES": "rules"])
        #expect(urgent.stdout.contains("rule complaint-urgent"))
        for who in ["shift-lead", "centre-manager", "dept-head"] { #expect(urgent.stdout.contains("+0m  \(who)")) }
        // shift-lead is a roster: the preview names the member on duty when the step fires.
        #expect(urgent.stdout.contains(/\+0m  shift-lead      roster: lead-(zhang|li|zhao) on duty then, <lead\.(zhang|li|zhao)@branch-001\.example>/), "\(urgent.stdout)")
        #expect(urgent.stdout.contains("first subject: [紧急投诉] 客户投诉"))
    }

    @Test("test: no rule matches says so plainly and exits 1; a bad field exits 2")
    func testNoMatch() throws {
        let result = try Binaries.tocsinctl(["test", "--rules", "rules", "kind=weather"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("no rule matches kind=weather\n"))
        let bad = try Binaries.tocsinctl(["test", "--rules", "rules", "kind=fault", "severity=high"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "tocsinctl: severity must be an integer, got \"high\"\n")
    }

    @Test("drill: the shipped scenario prints the policy playing out")
    func drill() throws {
        let result = try Binaries.tocsinctl(["drill", "--rules", "rules", "rules/drills/core-outage.drill"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Drill rules/drills/core-outage.drill against rules, starting 2026-11-23 09:00 Asia/Shanghai, running 9h")
        #expect(lines.contains { $0.hasPrefix("+30m     09:30  notify  centre-manager <zhang.wei@branch-001.example> [step 1 of fault-major] [故障 2级] 核心系统无法登录 — 30m 未恢复") })
        #expect(lines.contains { $0.hasPrefix("+1h      10:00  notify  dept-head <li.na@branch-001.example> [step 2 of fault-major]") })
        #expect(lines.last == "9 events, 18 messages to 4 contacts")
    }

    @Test("--help reads like a man page")
    func help() throws {
        let result = try Binaries.tocsinctl(["--help"])
        #expect(result.status == 0)
        for command in ["check", "test", "drill"] { #expect(result.stdout.contains("  \(command)")) }
    }

    @Test(
        "every --help wraps its prose as one paragraph at 80 columns, not line by line",
        arguments: [
            ["tocsind"], ["tocsinctl"], ["tocsinctl", "submit"], ["tocsinctl", "list"], ["tocsinctl", "export"],
            ["tocsinctl", "check"], ["tocsinctl", "test"], ["tocsinctl", "drill"], ["tocsinctl", "status"],
            ["tocsinctl", "ack"],
        ])
    func helpIsFilled(command: [String]) throws {
        let result = try Binaries.run(
            Binaries.directory.appendingPathComponent(command[0]), Array(command.dropFirst()) + ["--help"],
            environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        // The prose between OVERVIEW and USAGE (wrapped below 80 columns): a line broken early
        // (its next line's first word would have fitted) is a hard line break wrapped again.
        let prose = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("USAGE:") }
        for (line, next) in zip(prose, prose.dropFirst()) where !line.isEmpty && !next.isEmpty && !next.hasPrefix(" ") {
            let firstWord = next.split(separator: " ").first ?? ""
            #expect(line.count + 1 + firstWord.count >= 80, "\(command.joined(separator: " ")) --help breaks early: \"\(line)\"")
        }
        for line in prose { #expect(line.count <= 80, "\(command.joined(separator: " ")) --help: \"\(line)\"") }
    }
}
