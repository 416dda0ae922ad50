import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl check [DIR]`.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check rule files and report every problem, compiler-style.",
        discussion: """
            Reads every *.rules file in DIR (in name order) — or a single file — and prints each \
            error and warning as FILE:LINE:COLUMN: error: MESSAGE, with the line and a caret. \
            Exits 0 when the rules are usable (warnings allowed), 1 on any error. \
            DIR defaults to TOCSIN_RULES or /etc/tocsin/rules.
            """)

    @Argument(help: ArgumentHelp("The rules directory or file.", valueName: "DIR"))
    var directory: String?

    func run() throws {
        let path = directory ?? TocsinPaths.fromEnvironment().rules
        let compilation: RuleCompilation
        do {
            compilation = try RuleDirectory.load(path)
        } catch {
            Output.fail("\(error)")
        }
        Output.out(compilation.renderedDiagnostics())
        let diagnostics = compilation.diagnostics
        if diagnostics.containsErrors {
            Output.out(CheckCommand.counts(diagnostics) + " in \(path)\n")
            throw ExitCode(1)
        }
        var warnings = diagnostics.warningCount
        if let calendar = compilation.ruleSet?.calendar {
            let zone = compilation.ruleSet?.settings.zone ?? .utc
            for year in calendar.yearsMissing(today: CalendarCommand.today(zone)) {
                Output.out("warning: the rules have no holiday lines for \(year): it counts as weekdays only, without its public holidays and makeup workdays; add them once the State Council's notice for \(year) is out (scripts/holidays-cn.py \(year) writes them)\n")
                warnings += 1
            }
        }
        var line = "rules OK: " + RuleDirectory.summary(compilation)
        if warnings > 0 { line += " (\(warnings) warning\(warnings == 1 ? "" : "s"))" }
        Output.out(line + "\n")
    }

    static func counts(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.errorCount
        let warnings = diagnostics.warningCount
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}
