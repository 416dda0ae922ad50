import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl test FIELD=VALUE...`.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Show which rule an event would match and whom it would notify when. Sends nothing.",
        discussion: """
            Example:
              tocsinctl test kind=fault severity=2 summary="core banking login fails"

            Prints the rule and each notification as +DELAY CONTACT ADDRESS (due TIME), the \
            time on the incident's escalation clock: a working-time step counts only working \
            hours and holidays' absence. --at sets when the event is received (RFC 3339, \
            YYYY-MM-DD HH:MM or YYYY-MM-DD, in the rules' timezone; default now); an at= \
            field sets when it began. A silence (read from tocsind's store) or maintenance \
            window that would hold the incident is named, and the due times count the hold. \
            When no rule matches it says so and exits 1.
            """)

    @OptionGroup var rules: RulesOption
    @OptionGroup var daemon: DaemonOptions

    @Argument(help: ArgumentHelp("The event's fields.", valueName: "FIELD=VALUE"))
    var fields: [String]

    @Option(help: ArgumentHelp("When the event is received (default: now).", valueName: "TIME")) var at: String?

    func run() throws {
        let (ruleSet, _) = rules.load()
        var now = WallClock.now()
        if let at {
            guard let parsed = DateArgument.parse(at, zone: ruleSet.settings.zone, dayTime: TimeOfDay(hour: 12, minute: 0)!) else {
                Output.fail("--at: '\(at)' is not a time (RFC 3339, YYYY-MM-DD HH:MM or YYYY-MM-DD)", status: 2)
            }
            now = parsed
        }
        let event: Event
        do {
            event = try EventParser.parse(arguments: fields, now: now)
        } catch {
            Output.fail("\(error)", status: 2)
        }
        // The silences tocsind has stored, when its state can be read (test works without).
        let silences = (try? Store(readOnlyAt: daemon.paths.state)).flatMap { try? $0.silences() } ?? []
        let (text, matched) = SchedulePreview.render(event, rules: ruleSet, now: now, silences: silences)
        Output.out(text)
        if !matched { throw ExitCode(1) }
    }
}
