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
