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
            guard let instant = DateArgument.parse(text, zone: zone, nextDay: endOfDay) else {
                Output.fail("\(option): '\(text)' is not a date (YYYY-MM-DD or RFC 3339)", status: 2)
            }
            return instant
        }
        let from = parse(since, endOfDay: false, option: "--since")
        let to = parse(until, endOfDay: true, option: "--until")
        let header = ["incident", "id", "kind", "began", "summary", "level", "recovered", "cause", "responsible"]
        func row(_ i: IncidentRow) -> [String] {
            [
                String(i.number.value), i.id, i.kind ?? "", zone.rfc3339(i.began), i.summary ?? "",
                i.severity.map(String.init) ?? "", i.resolvedAt.map(zone.rfc3339) ?? "", i.cause ?? "", i.resolvedBy ?? "",
            ]
        }
        // Rows are written as they are read: a year's export needs no more memory than a day's.
        var first = true
        if !json { Output.out((excel ? "\u{FEFF}" : "") + header.map(CSV.cell).joined(separator: ",") + "\r\n") }
        do {
            try store.forEachIncident(beganFrom: from, until: to) { incident in
                if let kind, incident.kind != kind { return }
                let cells = row(incident)
                if json {
                    let object = zip(header, cells).map { key, value -> (String, JSONText.Value) in
                        if key == "incident" || (key == "level" && !value.isEmpty) { return (key, .int(Int64(value) ?? 0)) }
                        return (key, value.isEmpty ? .null : .string(value))
                    }
                    Output.out((first ? "[" : ",\n ") + JSONText.object(object))
                } else {
                    Output.out(cells.map(CSV.cell).joined(separator: ",") + "\r\n")
                }
                first = false
            }
        } catch {
            Output.fail("\(error)")
        }
        if json { Output.out(first ? "[]\n" : "]\n") }
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
