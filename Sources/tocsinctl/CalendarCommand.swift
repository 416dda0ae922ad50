import ArgumentParser
import Foundation
import TocsinCore
import TocsinSystem

/// `tocsinctl calendar [show] [--year YYYY] [--json]` and `tocsinctl calendar import FILE`.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "The working calendar: print a year, or turn published holiday data into rule lines.",
        subcommands: [CalendarShowCommand.self, CalendarImportCommand.self], defaultSubcommand: CalendarShowCommand.self)

    /// Today's date in `zone`.
    static func today(_ zone: Zone) -> CivilDate { zone.date(of: WallClock.now()) }

}

/// `tocsinctl calendar import FILE`.
struct CalendarImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Print holiday and workday lines for an iCalendar or holiday-cn file.",
        discussion: """
            FILE is an iCalendar file of public holidays (all-day events; an event whose summary \
            says the day is worked, in Chinese "shang ban" or "bu ban", becomes a workday line) or a holiday-cn year \
            file ({"days": [{"name", "date", "isOffDay"}]}). The lines go to stdout; nothing is \
            changed. Save them as a rule file, e.g. tocsinctl calendar import 2027.json > \
            /etc/tocsin/rules/06-holidays-2027.rules, and check them against the published notice.
            """)

    @Argument(help: ArgumentHelp("The iCalendar (.ics) or holiday-cn (.json) file.", valueName: "FILE")) var file: String

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readRegularFile(file, limit: 16 * 1024 * 1024)
        } catch {
            Output.fail("\(error)")
        }
        do {
            Output.out(try CalendarImport.lines(String(decoding: bytes, as: UTF8.self), source: file))
        } catch {
            Output.fail(error.description)
        }
    }
}

/// `tocsinctl calendar [show] [--year YYYY] [--json]` (SPEC §12).
struct CalendarShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print every day of a year: working or not, and the holiday's name.",
        discussion: """
            The calendar of the rules: workhours, holiday and workday lines. A holiday is never \\
            a working day; a workday (a weekend day worked instead, tiaoxiu) always is; other days \\
            are working days when their weekday has working hours. --json prints an array of \\
            {"date": "2026-10-10", "working": true, "name": "..."}, name null on an \\
            ordinary day. A year with no holiday line is said so on stderr.
            """)

    @OptionGroup var rules: RulesOption
    @Option(help: ArgumentHelp("The year (default: this year, in the rules' timezone).", valueName: "YYYY")) var year: Int?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        let (ruleSet, _) = rules.load()
        let calendar = ruleSet.calendar
        let zone = ruleSet.settings.zone
        let today = CalendarCommand.today(zone)
        let year = self.year ?? today.year
        guard (1970...9999).contains(year), let first = CivilDate(year: year, month: 1, day: 1),
            let last = CivilDate(year: year, month: 12, day: 31)
        else { Output.fail("--year: \(self.year ?? 0) is not a year tocsinctl can print (1970-9999)", status: 2) }
        var out = json ? "[" : ""
        var date = first
        while date <= last {
            let working = calendar.isWorkingDay(date)
            let name = calendar.name(date)
            if json {
                out += (date == first ? "" : ",\n ")
                    + JSONText.object([("date", .string(date.description)), ("working", .bool(working)), ("name", .optionalString(name))])
            } else {
                let state = working ? "working" : "off"
                out += "\(date)  \(date.weekdayName)  " + (name.map { state.padding(toLength: 9, withPad: " ", startingAt: 0) + TerminalText.safe($0) } ?? state) + "\n"
            }
            date = date.next
        }
        if json { out += "]\n" }
        Output.out(out)
        if !calendar.yearsWithHolidays.contains(year) {
            Output.err("(no holiday lines for \(year): it counts as weekdays only)\n")
        }
    }
}
