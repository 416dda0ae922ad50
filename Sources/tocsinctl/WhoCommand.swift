import ArgumentParser
import Foundation
import TocsinCore
import TocsinSystem

/// `tocsinctl who [ROSTER] [--at TIME]` (SPEC §13).
struct WhoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who", abstract: "Who is on duty: one line per roster, with the duty day's start and end.",
        discussion: """
            Prints, per roster of the rules, the member on duty and their duty day: \\
            shift-lead  lead-zhang  2026-12-03 08:30 – 2026-12-04 08:30. --at takes RFC 3339, \\
            YYYY-MM-DD HH:MM or YYYY-MM-DD (noon), in the rules' timezone. Exits 1 for an \\
            unknown roster.
            """)

    @OptionGroup var rules: RulesOption
    @Argument(help: ArgumentHelp("One roster (default: every roster).", valueName: "ROSTER")) var roster: String?
    @Option(help: ArgumentHelp("The instant to ask about (default: now).", valueName: "TIME")) var at: String?

    func run() throws {
        let (ruleSet, _) = rules.load()
        let zone = ruleSet.settings.zone
        let instant: Timestamp
        if let at {
            guard let parsed = DateArgument.parse(at, zone: zone, dayTime: TimeOfDay(hour: 12, minute: 0)!) else {
                Output.fail("--at: '\(at)' is not a time (RFC 3339, YYYY-MM-DD HH:MM or YYYY-MM-DD)", status: 2)
            }
            instant = parsed
        } else {
            instant = WallClock.now()
        }
        var names = ruleSet.rosters.keys.sorted { $0.rawValue < $1.rawValue }
        if let roster {
            guard ruleSet.rosters[ContactName(roster)] != nil else {
                let known = ruleSet.rosters.keys.map(\.rawValue)
                Output.fail("unknown roster '\(roster)'\(Suggestion.hint(for: roster, among: known))" + (known.isEmpty ? " (the rules have no roster)" : ""))
            }
            names = [ContactName(roster)]
        }
        if names.isEmpty { return Output.out("no rosters in the rules\n") }
        let width = names.map(\.rawValue.count).max() ?? 0
        var out = ""
        for name in names {
            guard let duty = ruleSet.rosters[name]?.duty(at: instant, zone: zone, calendar: ruleSet.calendar) else { continue }
            out += name.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + duty.member.rawValue + "  "
                + zone.shortString(duty.from) + " – " + zone.shortString(duty.until) + "\n"
        }
        Output.out(out)
    }
}
