import Foundation
import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// `tocsinctl status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Is tocsind up? Open incidents, queued and failed notifications.",
        discussion: """
            Asks tocsind over its socket, and reads the store. Exit status: 0 when tocsind \
            answers; 1 when it answers but its store is failing (a full disk: nothing new is \
            acknowledged); 3 when nothing answers, or it does not answer within 5 s (hung); \
            4 when the socket refuses you (not in group tocsin). The store is read either way.
            """)

    @OptionGroup var daemon: DaemonOptions

    func run() throws {
        let paths = daemon.paths
        let (line, exitStatus) = Self.daemonLine(socket: paths.socket)
        var out = "tocsind:       " + line + "\n"
        do {
            let store = try Store(readOnlyAt: paths.state)
            let zone = store.displayZone()
            let open = try store.openCounts()
            let counts = try store.outboxCounts()
            out += "Open incidents: \(open.open)" + (open.acked > 0 ? " (\(open.acked) acknowledged)" : "") + "\n"
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
        out += Self.diskLine(paths.state)
        Output.out(out)
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }

    /// How long `status` waits for tocsind's answer (seconds).
    static let answerTimeout = 5

    /// The daemon's line and the exit status it means: asks tocsind over its socket, so a
    /// hung daemon (connected, never answering) is told from a running one.
    static func daemonLine(socket: String) -> (String, Int32) {
        let client: SocketClient
        do {
            client = try SocketClient(path: socket, timeoutSeconds: answerTimeout)
        } catch {
            if error.code == EACCES || error.code == EPERM {
                return ("UNKNOWN: " + SocketTrouble.explain(error, socket: socket), 4)
            }
            return ("NOT RUNNING (nothing answers on \(socket): \(String(cString: strerror(error.code))))", 3)
        }
        let reply: String
        do {
            try client.send("status")
            reply = try client.readLine()
        } catch {
            return ("NOT RESPONDING (connected to \(socket), but no answer within \(answerTimeout) s: hung or overloaded; see 'journalctl -u tocsind')", 3)
        }
        guard reply.hasPrefix("ok status") else {
            return ("running (answering on \(socket)), but it does not know 'status' (an older tocsind?): \(TerminalText.safe(reply))", 0)
        }
        if let store = LogfmtFields.value("store", in: reply) {
            let ago = LogfmtFields.value("store_failed_s", in: reply).map { " (a commit failed \($0) s ago)" } ?? ""
            return ("running (answering on \(socket)), but its store is FAILING\(ago): \(TerminalText.safe(store)); what it cannot store is not acknowledged", 1)
        }
        return ("running (answering on \(socket))", 0)
    }

    /// Free space where the store is, and a warning when it is nearly full.
    static func diskLine(_ state: String) -> String {
        var fs = statvfs()
        guard statvfs(state, &fs) == 0, fs.f_blocks > 0 else { return "" }
        let free = Double(fs.f_bavail) * Double(fs.f_frsize)
        let total = Double(fs.f_blocks) * Double(fs.f_frsize)
        let percent = free / total * 100
        let warning = percent < 5 || free < 100 * 1024 * 1024 ? "  LOW: tocsind cannot store events on a full disk" : ""
        return "Disk:          \(ByteCount.text(free)) free of \(ByteCount.text(total)) (\(Int(percent.rounded()))%) on \(state)\(warning)\n"
    }
}

/// Byte counts for people: 512 MiB, 12.3 GiB.
enum ByteCount {
    static func text(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 || value >= 100 ? "\(Int(value.rounded())) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}
