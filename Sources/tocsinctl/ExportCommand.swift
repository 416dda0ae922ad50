import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl export [--since DATE] [--until DATE] [--csv|--json]`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the fault record: began, summary, level, recovered, cause, responsible.",
        discussion: """
            One row per incident that began in the period, oldest first. Columns: incident, id, \
            kind, began, summary, level, recovered, cause, responsible.

            DATE is YYYY-MM-DD (local midnight in the rules' time zone; --until includes that \
            whole day) or RFC 3339.

            CSV (the default) is RFC 4180 with CRLF line ends; cells that a spreadsheet would run \
            as a formula are prefixed with '. --excel adds a UTF-8 byte order mark so Excel shows \
            Chinese text correctly.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Option(help: ArgumentHelp("From this date.", valueName: "DATE")) var since: String?
    @Option(help: ArgumentHelp("Up to this date.", valueName: "DATE")) var until: String?
    @Flag(help: "CSV (the default).") var csv = false
    @Flag(help: "JSON: an array of objects.") var json = false
    @Flag(help: "CSV with a UTF-8 byte order mark, for Excel.") var excel = false
    @Option(help: ArgumentHelp("Only incidents of this kind (e.g. fault).", valueName: "KIND")) var kind: String?

    func validate() throws {
        if csv && json { throw ValidationError("give --csv or --json, not both") }
    }

    func run() throws {
        let store = daemon.openStore()
        let zone = store.displayZone()
        func parse(_ text: String?, endOfDay: Bool, option: String) -> Timestamp? {
            guard let text else { return nil }
            if let t = RFC3339.parse(text) { return t }
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, text.count == 10 else {
                Output.fail("\(option): '\(text)' is not a date (YYYY-MM-DD or RFC 3339)", status: 2)
            }
            let days = RFC3339.daysFromCivil(year: parts[0], month: parts[1], day: parts[2]) + (endOfDay ? 1 : 0)
            let midnight = Timestamp(seconds: Int64(days) * 86_400)
            return midnight - .seconds(Int64(zone.offset(at: midnight)))
        }
        let from = parse(since, endOfDay: false, option: "--since")
        let to = parse(until, endOfDay: true, option: "--until")
        var incidents: [Incident]
        do {
            incidents = try store.incidents(beganFrom: from, until: to)
        } catch {
            Output.fail("\(error)")
        }
        if let kind { incidents = incidents.filter { $0.kind == kind } }
        let rows: [[String]] = incidents.map { i in
            [
                String(i.number.value), i.id, i.kind ?? "", zone.rfc3339(i.began), i.summary ?? "",
                i.severity.map(String.init) ?? "", i.resolvedAt.map(zone.rfc3339) ?? "", i.cause ?? "", i.resolvedBy ?? "",
            ]
        }
        let header = ["incident", "id", "kind", "began", "summary", "level", "recovered", "cause", "responsible"]
        if json {
            let objects = rows.map { row in
                zip(header, row).map { key, value -> (String, JSONText.Value) in
                    if key == "incident" || (key == "level" && !value.isEmpty) { return (key, .int(Int64(value) ?? 0)) }
                    return (key, value.isEmpty ? .null : .string(value))
                }
            }
            Output.out(JSONText.array(objects) + "\n")
            return
        }
        var out = excel ? "\u{FEFF}" : ""
        for row in [header] + rows { out += row.map(CSV.cell).joined(separator: ",") + "\r\n" }
        Output.out(out)
    }
}

/// RFC 4180 cells, with spreadsheet formula injection defused.
enum CSV {
    static func cell(_ value: String) -> String {
        var text = TerminalText.safe(value)
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" } || text.hasPrefix(" ") || text.hasSuffix(" ")
        return needsQuotes ? "\"" + text.replacingOccurrences("\"", with: "\"\"") + "\"" : text
    }
}
