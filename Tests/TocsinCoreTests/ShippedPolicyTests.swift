import Foundation
import Testing
import TocsinCore

/// One test per row of SPEC §1, against the rules shipped in rules/, on a manual clock.
@Suite("The shipped policy (SPEC §1)")
struct ShippedPolicyTests {
    let rules = Rules.shipped

    @Test("the shipped rules compile without errors or warnings")
    func compilesCleanly() {
        let compilation = RuleCompiler.compile(Rules.shippedFiles)
        #expect(compilation.diagnostics.isEmpty, "\(compilation.renderedDiagnostics())")
        #expect(compilation.ruleSet?.settings.zone.identifier == "Asia/Shanghai")
    }

    @Test("level 1-2 fault: centre manager at 30 min, department head at 60 min", arguments: [1, 2])
    func majorFault(level: Int) {
        var h = EngineHarness(rules: rules)
        h.submit("kind=fault severity=\(level) id=core summary=核心系统无法登录")
        h.advance(by: .minutes(29))
        #expect(h.drain().isEmpty)
        h.advance(by: .minutes(1))
        #expect(h.drain() == ["+30m centre-manager step"])
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+1h dept-head step"])
        h.advance(by: .hours(5))
        #expect(h.drain().isEmpty)
    }

    @Test("level 3-4 fault: centre manager at 15 min, department head at 30 min", arguments: [3, 4])
    func minorFault(level: Int) {
        var h = EngineHarness(rules: rules)
        h.submit("kind=fault severity=\(level) id=teller-7")
        h.advance(by: .minutes(14))
        #expect(h.drain().isEmpty)
        h.advance(by: .minutes(1))
        #expect(h.drain() == ["+15m centre-manager step"])
        h.advance(by: .minutes(15))
        #expect(h.drain() == ["+30m dept-head step"])
    }

    @Test("a fault recovered in time tells nobody")
    func recoveredInTime() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=fault severity=2 id=core")
        h.advance(by: .minutes(29))
        h.submit("action=resolve id=core cause=power by=wang")
        h.advance(by: .hours(3))
        #expect(h.drain().isEmpty)
    }

    @Test("urgent, serious or hostile complaint: shift lead, centre manager and department head at once",
          arguments: ["urgent", "serious", "hostile"])
    func urgentComplaint(urgency: String) {
        var h = EngineHarness(rules: rules)
        h.submit("kind=complaint urgency=\(urgency) id=c-1")
        #expect(h.drain().sorted() == ["+0m centre-manager step", "+0m dept-head step", "+0m lead-zhang step"])
    }

    @Test("complaint against an agent: shift lead at once, duty officer at 30 min, centre manager at 60 min")
    func agentComplaint() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=complaint against=agent id=c-2")
        #expect(h.drain() == ["+0m lead-zhang step"])
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+30m duty-officer step"])
        h.advance(by: .minutes(30))
        #expect(h.drain() == ["+1h centre-manager step"])
    }

    @Test("complaint against an agent settled within 30 min goes no further")
    func agentComplaintSettled() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=complaint against=agent id=c-2")
        h.advance(by: .minutes(20))
        h.submit("action=resolve id=c-2")
        h.advance(by: .hours(2))
        #expect(h.drain() == ["+0m lead-zhang step", "+20m lead-zhang recovered"])
    }

    @Test("general complaint not closed in 24 h: centre manager")
    func generalComplaint() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=complaint id=c-3 summary=排队时间长")
        h.advance(by: .hours(23) + .minutes(59))
        #expect(h.drain().filter { !$0.contains("report") }.isEmpty)
        h.advance(by: .minutes(1))
        #expect(h.drain().filter { !$0.contains("report") } == ["+1d centre-manager step"])
    }

    @Test("media enquiry: shift lead at once")
    func media() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=media id=m-1 summary=记者来电")
        #expect(h.drain() == ["+0m lead-zhang step"])
    }

    @Test("every day at 17:00 Beijing time: the summary to the centre manager and department head")
    func dailySummary() {
        var h = EngineHarness(rules: rules)
        h.submit("kind=media id=m-1")
        h.submit("action=resolve id=m-1")
        h.advance(by: .minutes(1))
        // The media rule is 'storm off': its recovered message goes at once too.
        #expect(h.drain() == ["+0m lead-zhang step", "+0m lead-zhang recovered"])
        h.advance(by: .hours(8) - .minutes(1) - .seconds(1))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        let reports = h.sent
        #expect(h.drain() == ["+8h centre-manager report", "+8h dept-head report"])
        #expect(reports.first?.subject == "[Tocsin] 日报 2026-11-23：新增1，已恢复1，仍未恢复0")
        h.advance(by: .hours(24))
        #expect(h.drain() == ["+1d8h centre-manager report", "+1d8h dept-head report"])
    }

    @Test("the shipped expect patrol, once uncommented, compiles and opens expect:patrol after 35 working minutes")
    func shippedPatrol() throws {
        var files = Rules.shippedFiles
        let index = try #require(files.firstIndex { $0.name.hasSuffix("30-reports.rules") })
        let text = files[index].text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let l = String(line)
            return l.hasPrefix("# expect") || l.hasPrefix("#   ") ? String(l.dropFirst(2)) : l
        }.joined(separator: "\n")
        #expect(text.contains("\nexpect patrol\n  match kind=patrol\n  every 30m grace 5m during workhours\n"))
        files[index] = SourceFile(name: files[index].name, text: text)
        let compilation = RuleCompiler.compile(files)
        #expect(compilation.diagnostics.isEmpty, "\(compilation.renderedDiagnostics())")
        let set = try #require(compilation.ruleSet)
        // Tuesday 2026-12-08 10:00: a patrol; none after: missed at 10:35, told to lead-li.
        var h = EngineHarness(rules: set, start: RFC3339.parse("2026-12-08T10:00:00+08:00")!)
        h.submit("kind=patrol id=patrol summary=巡查正常")
        h.advance(by: .minutes(35))
        #expect(h.drain(since: RFC3339.parse("2026-12-08T10:00:00+08:00")!) == ["+35m lead-li step"])
    }

    @Test("shift-lead is a roster: the member on duty is told, by the duty day's handoff at 08:30")
    func shiftLeadRoster() throws {
        let at = { (text: String) in RFC3339.parse(text)! }
        let cases: [(String, String)] = [
            ("2026-10-10T10:00:00+08:00", "lead-zhang"),  // a makeup Saturday (国庆节调休上班): the workday line
            ("2026-10-03T10:00:00+08:00", "lead-zhao"),  // a holiday
            ("2026-12-08T10:00:00+08:00", "lead-li"),  // an ordinary Tuesday
            ("2026-12-08T08:00:00+08:00", "lead-zhang"),  // before the handoff: Monday's duty
        ]
        for (instant, member) in cases {
            var h = EngineHarness(rules: rules, start: at(instant))
            h.submit("kind=media id=m-1 summary=记者来电")
            let told = h.drain().map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
            #expect(told == ["\(member) step"], "\(instant)")
        }
    }

    @Test("the daily report names today's and tomorrow's duty, and a year without holiday data")
    func reportNamesDuty() throws {
        // Friday 2026-12-04 17:00: Friday's duty is lead-zhang, Saturday's lead-zhao.
        var h = EngineHarness(rules: rules, start: RFC3339.parse("2026-12-04T16:59:00+08:00")!)
        h.advance(by: .minutes(1))
        let report = try #require(h.sent.first { $0.purpose == .report })
        #expect(report.body.contains("值班：\n  shift-lead：今天 lead-zhang，明天 lead-zhao\n"), "\(report.body)")
        #expect(report.body.contains("规则中没有 2027 年的节假日安排"))
    }

    @Test("report daily 17:00 on workdays skips the weekend and a holiday week, and goes on a makeup Saturday")
    func reportOnWorkdays() throws {
        let set = try #require(RuleCompiler.compile("""
            set timezone Asia/Shanghai
            contact m mail m@example.org
            holiday 2026-10-01..2026-10-07 国庆节
            workday 2026-10-10 国庆节调休上班
            report daily 17:00 on workdays notify m
            """).ruleSet)
        var h = EngineHarness(rules: set, start: RFC3339.parse("2026-09-29T12:00:00+08:00")!)
        h.advance(by: .hours(24 * 13 + 6))  // to 2026-10-12 18:00
        let days = h.sent.filter { $0.purpose == .report }.map { set.settings.zone.local($0.created).dateString }
        #expect(days == ["2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"], "\(days)")
    }
}
