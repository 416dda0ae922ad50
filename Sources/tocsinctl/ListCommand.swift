import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl list [--open | --all | --since DATE] [--limit N] [--json] [--no-pager]`.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List incidents, newest first.",
        discussion: """
            By default: every open (or acknowledged) incident, and the newest \(ListCommand.newest) \
            of the others, so the list stays short however many years of history the store \
            keeps; --all lists every incident, --since those opened since a date, --open only \
            open ones. Rows are printed as they are read, through $PAGER (less) on a terminal, \
            so the first screen comes at once and '| head' returns at once.

            Reads tocsind's store directly (read-only), so it works while tocsind is down. \
            --json prints an array of objects with incident, id, kind, severity, state, opened, \
            rule, summary, began, last_seen, count, acked_by, resolved_at, resolved_by, cause, \
            held_by and held_until. An open incident that a silence or maintenance window holds \
            has the state "silenced" (in the table: "silenced by #3 until 2026-12-03 18:40"); \
            windows are read from the rules (--rules).
            """)

    /// How many of the newest incidents the default shows besides the open ones.
    static let newest = 20

    @OptionGroup var daemon: DaemonOptions
    @Flag(help: "Only incidents not yet resolved.") var open = false
    @Flag(help: "Every incident, however old.") var all = false
    @Option(help: ArgumentHelp("Incidents opened at or after DATE (YYYY-MM-DD, local, or RFC 3339).", valueName: "DATE")) var since: String?
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: ArgumentHelp("At most this many incidents.", valueName: "N")) var limit: Int?
    @Flag(name: .customLong("no-pager"), help: "Do not pipe the output into $PAGER on a terminal.") var noPager = false

    @OptionGroup var rules: RulesOption

    func validate() throws {
        if [open, all, since != nil].filter({ $0 }).count > 1 { throw ValidationError("give at most one of --open, --all and --since") }
        if let limit, limit < 1 { throw ValidationError("--limit takes a number of at least 1") }
    }

    func run() throws {
        let store = daemon.openStore()
        let zone = store.displayZone()
        let now = WallClock.now()
        let holds = HoldLookup.load(store, rules: rules, zone: zone, now: now)
        /// "silenced by #3 until …" for an open incident that is held, else its state.
        func state(_ row: IncidentRow) -> (state: String, held: Holder?) {
            guard !holds.isEmpty, row.state != "resolved", let incident = try? store.incident(number: row.number),
                let holder = holds.holder(of: row.number, fields: incident.fields, at: now)
            else { return (row.state, nil) }
            if case .parent = holder { return ("waiting", holder) }
            return ("silenced", holder)
        }
        let selection: IncidentSelection
        if open {
            selection = .openOnly
        } else if all {
            selection = .all
        } else if let since {
            guard let instant = DateArgument.parse(since, zone: zone) else {
                Output.fail("--since: '\(since)' is not a date (YYYY-MM-DD or RFC 3339)", status: 2)
            }
            selection = .openedSince(instant)
        } else {
            selection = .openAndNewest(newest: ListCommand.newest)
        }
        let pager = noPager ? nil : Pager.start()
        let result: (count: Int, olderLeftOut: Bool)
        do {
            if json {
                var first = true
                result = try store.forEachIncident(selection, limit: limit) { incident in
                    var object = IncidentJSON.object(incident, zone: zone)
                    let (shown, holder) = state(incident)
                    if let index = object.firstIndex(where: { $0.0 == "state" }) { object[index].1 = .string(shown) }
                    object.append(("held_by", holder.map { .string($0.description) } ?? .null))
                    object.append(("held_until", holder?.until.map { .string(zone.rfc3339($0)) } ?? .null))
                    Output.out((first ? "[" : ",\n ") + JSONText.object(object))
                    first = false
                    return true
                }
                Output.out(first ? "[]\n" : "]\n")
            } else {
                var table = StreamingTable(header: ["INCIDENT", "ID", "KIND", "SEV", "STATE", "OPENED", "RULE", "SUMMARY"])
                result = try store.forEachIncident(selection, limit: limit) { i in
                    table.add([
                        "#\(i.number)", i.id, i.kind ?? "-", i.severity.map(String.init) ?? "-", state(i).held.map(holds.describe) ?? i.state,
                        zone.shortString(i.opened), i.rule ?? "-", i.summary ?? "-",
                    ].map(TerminalText.safe))
                    return true
                }
                table.finish()
                if result.count == 0 { Output.out(open ? "no open incidents\n" : "no incidents\n") }
            }
        } catch {
            pager?.finish()
            Output.fail("\(error)")
        }
        pager?.finish()
        if result.olderLeftOut, !json {
            Output.err("(older incidents are not shown: --all lists every one, --since DATE those since a date)\n")
        }
    }
}

/// A table printed as its rows come: the widths are those of the first `sample` rows
/// (capped at 40), so the first screen is out before the last row is read.
struct StreamingTable {
    static let sample = 200
    private var pending: [[String]]
    private var widths: [Int]?
    private var rows = 0

    init(header: [String]) { pending = [header] }

    mutating func add(_ row: [String]) {
        rows += 1
        if let widths { return Output.out(Table.line(row, widths: widths)) }
        pending.append(row)
        if pending.count > StreamingTable.sample { flush() }
    }

    mutating func finish() { if rows > 0 { flush() } }

    private mutating func flush() {
        let widths = self.widths ?? Table.widths(pending)
        self.widths = widths
        Output.out(pending.map { Table.line($0, widths: widths) }.joined())
        pending = []
    }
}

/// Times given on the command line: RFC 3339, `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD` (at
/// `dayTime`, on the next day with `nextDay`: the end of the day for `--until`), local times
/// in `zone`.
enum DateArgument {
    static func parse(_ text: String, zone: Zone, dayTime: TimeOfDay = TimeOfDay(hour: 0, minute: 0)!, nextDay: Bool = false) -> Timestamp? {
        if let t = RFC3339.parse(text) { return t }
        let parts = text.split(separator: " ")
        guard (1...2).contains(parts.count), let date = CivilDate(parsing: String(parts[0])) else { return nil }
        let time = parts.count == 2 ? TimeOfDay(parsing: String(parts[1])) : dayTime
        guard let time else { return nil }
        return zone.earliestInstant(days: date.dayNumber + (nextDay ? 1 : 0), time: time)
    }
}

/// JSON objects for incidents.
enum IncidentJSON {
    static func object(_ i: IncidentRow, zone: Zone) -> [(String, JSONText.Value)] {
        [
            ("incident", .int(i.number.value)), ("id", .string(i.id)), ("kind", .optionalString(i.kind)),
            ("severity", i.severity.map { .int(Int64($0)) } ?? .null), ("state", .string(i.state)),
            ("opened", .string(zone.rfc3339(i.opened))), ("rule", .optionalString(i.rule)),
            ("summary", .optionalString(i.summary)), ("began", .string(zone.rfc3339(i.began))),
            ("last_seen", .string(zone.rfc3339(i.lastSeen))), ("count", .int(Int64(i.count))),
            ("acked_by", .optionalString(i.ackedBy)), ("resolved_at", .optionalString(i.resolvedAt.map(zone.rfc3339))),
            ("resolved_by", .optionalString(i.resolvedBy)), ("cause", .optionalString(i.cause)),
        ]
    }
}

/// Minimal JSON output (ordered keys, full escaping).
enum JSONText {
    enum Value {
        case string(String), int(Int64), bool(Bool), null
        static func optionalString(_ s: String?) -> Value { s.map { .string($0) } ?? .null }
    }

    static func array(_ objects: [[(String, Value)]]) -> String {
        "[" + objects.map(object).joined(separator: ",\n ") + "]"
    }

    static func object(_ pairs: [(String, Value)]) -> String {
        "{" + pairs.map { quote($0.0) + ":" + value($0.1) }.joined(separator: ",") + "}"
    }

    static func value(_ v: Value) -> String {
        switch v {
        case .string(let s): quote(s)
        case .int(let n): String(n)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    static func quote(_ s: String) -> String {
        if needsNoEscape(s) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0) || scalar == "\u{2028}" || scalar == "\u{2029}"
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JSONText {
    /// True when `quote` would copy `s` unchanged between its quotes: no `"` or `\\`, and
    /// nothing `TerminalText` or JSON escapes (U+2028/2029 are `E2 80 A8`/`A9`).
    static func needsNoEscape(_ s: String) -> Bool {
        guard TerminalText.isAlreadySafe(s) else { return false }
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in s.utf8 {
            if byte == 0x22 || byte == 0x5C { return false }
            if beforePrevious == 0xE2 && previous == 0x80 && (byte == 0xA8 || byte == 0xA9) { return false }
            beforePrevious = previous
            previous = byte
        }
        return true
    }
}

/// Aligned columns (Chinese text counts two columns).
enum Table {
    static func width(_ s: String) -> Int { DisplayWidth.of(s) }

    static func render(_ rows: [[String]]) -> String {
        let widths = widths(rows)
        return rows.map { line($0, widths: widths) }.joined()
    }

    /// Each column's width over `rows` (the last column's is not needed), at most 40.
    static func widths(_ rows: [[String]]) -> [Int] {
        guard let columns = rows.first?.count else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], min(width(cell), 40)) } }
        return widths
    }

    /// One row, padded to `widths`, with its newline.
    static func line(_ row: [String], widths: [Int]) -> String {
        row.enumerated().map { i, cell in
            i == row.count - 1 || i >= widths.count ? cell : cell + String(repeating: " ", count: max(1, widths[i] - width(cell) + 2))
        }.joined() + "\n"
    }
}
