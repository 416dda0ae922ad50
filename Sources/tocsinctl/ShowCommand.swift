import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl show ID`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an incident and its timeline.",
        discussion: "ID is the incident's id, or its number (42 or #42). Works while tocsind is down.")

    @OptionGroup var daemon: DaemonOptions
    @OptionGroup var rules: RulesOption
    @Argument(help: ArgumentHelp("The incident's id or number.", valueName: "ID")) var id: String

    func run() throws {
        let store = daemon.openStore()
        let zone = store.displayZone()
        let found: Incident?
        let timeline: [TimelineRow]
        do {
            found = try store.incident(matching: id)
            timeline = try found.map { (incident) throws(StoreError) in try store.timeline(incident.number) } ?? []
        } catch {
            Output.fail("\(error)")
        }
        guard let i = found else { Output.fail("no incident with id or number '\(TerminalText.safe(id))'") }
        func time(_ t: Timestamp) -> String { zone.local(t).dateString + " " + zone.local(t).timeString(seconds: true) }
        var what = i.kind ?? "-"
        if let severity = i.severity { what += ", level \(severity)" }
        var rows: [[String]] = [
            ["Incident", "#\(i.number)"], ["ID", i.id], ["What", what], ["Summary", i.summary ?? "-"],
            ["State", i.state.rawValue], ["Rule", i.rule?.rawValue ?? "(no rule matched)"],
            ["Began", time(i.began) + " (\(zone.identifier))"], ["Reported", "\(i.count) time\(i.count == 1 ? "" : "s"), last \(time(i.lastSeen))"],
        ]
        if i.state != .resolved {
            let holds = HoldLookup.load(store, rules: rules, zone: zone, now: WallClock.now())
            if let holder = holds.holder(of: i.number, fields: i.fields, at: WallClock.now()) { rows.append(["Held", holds.describe(holder)]) }
        }
        if let acked = i.ackedAt { rows.append(["Acknowledged", time(acked) + " by \(i.ackedBy ?? "-")"]) }
        if let resolved = i.resolvedAt {
            rows.append(["Recovered", time(resolved) + " (after \((resolved - i.began).humanAge))"])
            rows.append(["Cause", i.cause ?? "-"])
            rows.append(["Responsible", i.resolvedBy ?? "-"])
        }
        rows.append(["Told", i.told.isEmpty ? "nobody yet" : i.told.map(\.rawValue).joined(separator: ", ")])
        var out = ""
        for row in rows { out += row[0] + String(repeating: " ", count: 14 - row[0].count) + TerminalText.safe(row[1]) + "\n" }
        let others = i.fields.fields.filter { !["id", "kind", "severity", "summary"].contains($0.key) }
        if !others.isEmpty {
            out += "\nFields:\n"
            for f in others { out += "  \(TerminalText.safe(f.key))=\(TerminalText.safe(f.value))\n" }
        }
        out += "\nTimeline:\n"
        var table: [[String]] = []
        for row in timeline {
            var detail = row.detail
            if let source = row.source {
                detail += "  (\(source)" + (row.uid.map { ", uid \($0)" } ?? "") + (row.pid.map { ", pid \($0)" } ?? "") + ")"
            }
            table.append(["  " + time(row.at), row.what, TerminalText.safe(detail)])
        }
        out += Table.render(table)
        Output.out(out)
    }
}
