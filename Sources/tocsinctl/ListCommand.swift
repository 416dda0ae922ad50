import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl list [--open] [--json]`.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List incidents, newest first.",
        discussion: """
            Reads tocsind's store directly (read-only), so it works while tocsind is down. \
            --json prints an array of objects with incident, id, kind, severity, state, opened, \
            rule, summary, began, last_seen, count, acked_by, resolved_at, resolved_by, cause.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Flag(help: "Only incidents not yet resolved.") var open = false
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: ArgumentHelp("At most this many incidents.", valueName: "N")) var limit: Int?

    func run() throws {
        let store = daemon.openStore()
        let zone = store.displayZone()
        let incidents: [Incident]
        do {
            incidents = try store.incidents(openOnly: open, limit: limit)
        } catch {
            Output.fail("\(error)")
        }
        if json {
            Output.out(JSONText.array(incidents.map { IncidentJSON.object($0, zone: zone) }) + "\n")
            return
        }
        guard !incidents.isEmpty else {
            Output.out(open ? "no open incidents\n" : "no incidents\n")
            return
        }
        var rows = [["INCIDENT", "ID", "KIND", "SEV", "STATE", "OPENED", "RULE", "SUMMARY"]]
        for i in incidents {
            rows.append([
                "#\(i.number)", i.id, i.kind ?? "-", i.severity.map(String.init) ?? "-", i.state.rawValue,
                zone.shortString(i.opened), i.rule?.rawValue ?? "-", i.summary ?? "-",
            ].map(TerminalText.safe))
        }
        Output.out(Table.render(rows))
    }
}

/// JSON objects for incidents.
enum IncidentJSON {
    static func object(_ i: Incident, zone: Zone) -> [(String, JSONText.Value)] {
        [
            ("incident", .int(i.number.value)), ("id", .string(i.id)), ("kind", .optionalString(i.kind)),
            ("severity", i.severity.map { .int(Int64($0)) } ?? .null), ("state", .string(i.state.rawValue)),
            ("opened", .string(zone.rfc3339(i.opened))), ("rule", .optionalString(i.rule?.rawValue)),
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
        case string(String), int(Int64), null
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
        case .null: "null"
        }
    }

    static func quote(_ s: String) -> String {
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

/// Aligned columns (Chinese text counts two columns).
enum Table {
    static func width(_ s: String) -> Int { DisplayWidth.of(s) }

    static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], min(width(cell), 40)) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == columns - 1 ? cell : cell + String(repeating: " ", count: max(1, widths[i] - width(cell) + 2))
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
