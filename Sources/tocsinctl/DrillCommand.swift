import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// `tocsinctl drill FILE [--speed N]`.
struct DrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Replay a drill scenario against the rules and print who would be told what, when.",
        discussion: """
            A scenario lists events with times, one per line:
              start 2026-11-23 09:00   (optional; local time in the rules' timezone)
              end +4h                  (optional; default: until every step could fire)
              +0m   kind=fault severity=2 id=core summary="core banking login fails"
              10:20 action=resolve id=core cause="switched to the standby" by=wang

            Nothing is sent. Without --speed the drill runs at once; with --speed N it plays \
            N times faster than real time (--speed 60: one minute a second).
            """)

    @OptionGroup var rules: RulesOption

    @Argument(help: ArgumentHelp("The scenario file.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("Play N times faster than real time instead of at once.", valueName: "N"))
    var speed: Double?

    func validate() throws {
        if let speed, !(speed > 0) { throw ValidationError("--speed must be a positive number") }
    }

    func run() throws {
        let (ruleSet, _) = rules.load()
        let text: String
        do {
            text = try FileIO.readText(file)
        } catch {
            Output.fail("\(error)")
        }
        let source = SourceFile(name: file, text: text)
        let (parsed, diagnostics) = DrillScenario.parse(source)
        Output.err(diagnostics.map { $0.rendered(sources: [file: source]) }.joined())
        guard let scenario = parsed else { throw ExitCode(1) }
        let runner = DrillRunner(rules: ruleSet)
        let start = runner.startInstant(scenario, today: WallClock.now())
        let zone = ruleSet.settings.zone
        Output.out(
            "Drill \(file) against \(rules.path), starting \(zone.shortString(start)) \(zone.identifier), running \(runner.duration(scenario, start: start))\n"
        )
        let lines = runner.run(scenario, start: start)
        var shown = RuleDuration.zero
        for line in lines {
            if let speed, shown < line.offset {
                let seconds = Double(line.offset.milliseconds - shown.milliseconds) / 1000 / speed
                usleep(UInt32(min(seconds, 3600) * 1_000_000))
                shown = line.offset
            }
            Output.out(runner.render(line) + "\n")
        }
        let messages = lines.filter { $0.kind == .notify }
        let contacts = Set(messages.map { $0.text.split(separator: " ").first.map(String.init) ?? "" })
        let errors = lines.filter { $0.kind == .error }.count
        Output.out(
            "\(scenario.entries.count) events, \(messages.count) messages to \(contacts.count) contacts"
                + (errors > 0 ? ", \(errors) events refused" : "") + "\n")
        if errors > 0 { throw ExitCode(1) }
    }
}
