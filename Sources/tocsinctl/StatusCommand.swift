import ArgumentParser
import TocsinCore
import TocsinDaemon

/// `tocsinctl status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Is tocsind up? Open incidents, queued and failed notifications.",
        discussion: "Exits 0 when tocsind answers on its socket, 3 when it does not (the store is read either way).")

    @OptionGroup var daemon: DaemonOptions

    func run() throws {
        let paths = daemon.paths
        let up = SocketClient.isListening(paths.socket)
        var out = "tocsind:       " + (up ? "running (answering on \(paths.socket))" : "NOT RUNNING (nothing answers on \(paths.socket))") + "\n"
        do {
            let store = try Store(readOnlyAt: paths.state)
            let zone = store.displayZone()
            let open = try store.incidents(openOnly: true)
            let counts = try store.outboxCounts()
            let acked = open.filter { $0.state == .acked }.count
            out += "Open incidents: \(open.count)" + (acked > 0 ? " (\(acked) acknowledged)" : "") + "\n"
            out += "Notifications: \(counts.queued) queued, \(counts.held) held by storm control, \(counts.failed) failed, \(counts.sent) sent\n"
            let failures = try store.recentFailures(limit: 5)
            if !failures.isEmpty {
                out += "Recent delivery errors:\n"
                for f in failures {
                    out += "  \(zone.shortString(f.created))  \(f.contact)  " + (f.incident.map { "#\($0)  " } ?? "")
                    out += "\(f.status == "failed" ? "FAILED" : "retrying") after \(f.attempts) attempt\(f.attempts == 1 ? "" : "s"): \(TerminalText.safe(f.error))\n"
                }
            }
        } catch {
            out += "Store:         \(error)\n"
        }
        Output.out(out)
        if !up { throw ExitCode(3) }
    }
}
