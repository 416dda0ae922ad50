import Foundation
import Testing
import TocsinCore

@Suite("Drills")
struct DrillTests {
    @Test("the shipped drill plays the policy out: who is told, when")
    func shippedDrill() throws {
        let url = Rules.repository.appendingPathComponent("rules/drills/core-outage.drill")
        let file = SourceFile(name: "core-outage.drill", text: try String(contentsOf: url, encoding: .utf8))
        let (scenario, diagnostics) = DrillScenario.parse(file)
        #expect(diagnostics.isEmpty)
        let runner = DrillRunner(rules: Rules.shipped)
        let start = runner.startInstant(scenario!, today: Timestamp(milliseconds: 0))
        #expect(start == RFC3339.parse("2026-11-23T09:00:00+08:00"))
        let lines = runner.run(scenario!, start: start)
        #expect(!lines.contains { $0.kind == .error })
        let told = lines.filter { $0.kind == .notify }.map { "\(runner.rules.settings.zone.clockString($0.at)) \($0.text.split(separator: " ")[0])" }
        #expect(told == [
            "09:10 lead-zhang", "09:10 centre-manager", "09:10 dept-head",  // hostile complaint, at once
            "09:17 centre-manager",  // level 4 fault, 15 min
            "09:20 lead-zhang",  // complaint against an agent, at once
            "09:25 lead-zhang",  // media, at once
            "09:30 centre-manager",  // level 2 fault, 30 min
            "09:32 dept-head",  // level 4 fault, 30 min
            "09:40 centre-manager", "09:40 dept-head",  // level 4 fault recovered
            "09:50 duty-officer",  // agent complaint, 30 min
            "10:00 dept-head",  // level 2 fault, 60 min
            "10:15 lead-zhang", "10:15 duty-officer",  // agent complaint settled
            "10:20 centre-manager", "10:20 dept-head",  // core banking recovered
            "17:00 centre-manager", "17:00 dept-head",  // daily summary
        ])
    }

    /// Runs a shipped drill against its own rules file; its lines as "MM-DD HH:MM text".
    static func play(_ name: String) throws -> [String] {
        let drills = Rules.repository.appendingPathComponent("rules/drills")
        let rulesText = try String(contentsOf: drills.appendingPathComponent(name + ".rules"), encoding: .utf8)
        let compilation = RuleCompiler.compile(rulesText, name: name + ".rules")
        #expect(!compilation.diagnostics.contains { $0.severity == .error }, "\(compilation.renderedDiagnostics())")
        let rules = try #require(compilation.ruleSet)
        let file = SourceFile(name: name + ".drill", text: try String(contentsOf: drills.appendingPathComponent(name + ".drill"), encoding: .utf8))
        let (scenario, diagnostics) = DrillScenario.parse(file)
        #expect(diagnostics.isEmpty)
        let runner = DrillRunner(rules: rules)
        let lines = runner.run(try #require(scenario), start: runner.startInstant(scenario!, today: Timestamp(milliseconds: 0)))
        #expect(!lines.contains { $0.kind == .error }, "\(lines.filter { $0.kind == .error })")
        return lines.map { line in
            let local = rules.settings.zone.local(line.at)
            return String(local.dateString.dropFirst(5)) + " " + local.timeString(seconds: false) + " " + line.text
        }
    }

    @Test("the holiday-week drill: the duty hands over, the makeup Saturday, a working-time deadline across the holiday, a missed patrol")
    func holidayWeek() throws {
        let lines = try Self.play("holiday-week")
        func has(_ prefix: String) -> Bool { lines.contains { $0.hasPrefix(prefix) } }
        #expect(has("09-30 17:05 #3 expect:patrol opened"), "\(lines)")  // 35 working minutes after 16:30
        #expect(has("09-30 17:05 lead-zhang "))  // Wednesday's duty
        #expect(has("10-02 10:00 lead-zhao "))  // the holiday's duty
        #expect(has("10-08 09:00 #3 expect:patrol resolved"))
        #expect(has("10-08 11:30 centre-manager <zhang.wei@branch-001.example> [step 1 of complaint-written]"))  // 1 h + 3 h of work
        #expect(has("10-10 10:00 lead-zhang "))  // the makeup Saturday: the workday line
        #expect(!lines.contains { $0.contains("complaint-written") && $0 < "10-08 11:30" && $0.contains("step") })
    }

    @Test("the core-upgrade drill: a window holds the core, terminals wait on it, a silence, an ack that runs out")
    func coreUpgrade() throws {
        let lines = try Self.play("core-upgrade")
        func has(_ prefix: String) -> Bool { lines.contains { $0.hasPrefix(prefix) } }
        #expect(has("12-12 21:30 silence #1 kind=fault system=atm until 22:30"), "\(lines)")
        #expect(!lines.contains { $0.contains("step 1 of atm") })  // resolved inside its silence: nobody told
        #expect(has("12-12 22:10 #3 waits on #2"))
        #expect(!lines.contains { $0.contains("step 1 of core") && $0 < "12-13 04:15" })  // held by the window
        #expect(has("12-13 04:15 centre-manager <zhang.wei@branch-001.example> [step 1 of core]"))  // 15 min after it
        #expect(has("12-13 03:05 #5 c-9001: the ack by duty-officer expired, open again"))
        #expect(has("12-13 03:05 duty-officer <duty.officer@branch-001.example> [ack expired]"))
        #expect(has("12-13 03:30 centre-manager <zhang.wei@branch-001.example> [step 2 of complaint-urgent]"))
        #expect(has("12-13 04:55 centre-manager <zhang.wei@branch-001.example> [step 1 of terminal]"))  // 15 min after the core
    }

    @Test("scenario errors point at the line")
    func errors() {
        let (scenario, diagnostics) = DrillScenario.parse(SourceFile(name: "d.drill", text: "start tomorrow\nsoon kind=fault\n+5m\n"))
        #expect(scenario == nil)
        #expect(diagnostics.map(\.headline) == [
            "d.drill:1:1: error: 'start' is written: start YYYY-MM-DD HH:MM (local time in the rules' timezone)",
            "d.drill:2:1: error: expected a time (+DURATION after the start, or HH:MM not before it), 'start', 'end' or a comment, got 'soon'",
            "d.drill:3:1: error: no event after the time: write e.g. +5m kind=fault severity=2 id=core-banking",
        ])
    }
}
