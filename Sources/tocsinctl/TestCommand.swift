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
              tocsinctl test kind=fault severity=2 summary="核心系统无法登录"

            Prints the rule and each notification as +DELAY CONTACT ADDRESS. When no rule \
            matches it says so and exits 1.
            """)

    @OptionGroup var rules: RulesOption

    @Argument(help: ArgumentHelp("The event's fields.", valueName: "FIELD=VALUE"))
    var fields: [String]

    func run() throws {
        let (ruleSet, _) = rules.load()
        let now = WallClock.now()
        let event: Event
        do {
            event = try EventParser.parse(arguments: fields, now: now)
        } catch {
            Output.fail("\(error)", status: 2)
        }
        let (text, matched) = SchedulePreview.render(event, rules: ruleSet, now: now)
        Output.out(text)
        if !matched { throw ExitCode(1) }
    }
}
