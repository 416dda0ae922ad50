import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's counters and gauges for `--metrics-file` (SPEC §20), in the Prometheus text
/// format for node_exporter's textfile collector. Names follow Prometheus's conventions
/// (`_total` for counters, labels for source and channel); no incident id is ever a label.
struct Metrics {
    var received: [String: Int] = ["socket": 0, "spool": 0]
    var rejected: [String: Int] = ["socket": 0, "spool": 0]
    var stepsFired = 0
    var sent: [String: Int] = ["mail": 0, "exec": 0]
    var failed: [String: Int] = ["mail": 0, "exec": 0]
    var reloadSucceeded = true

    /// The text, with the gauges read now.
    func text(open: Int, acked: Int, queued: Int, held: Int) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Int)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += name + labels + " \(value)\n" }
        }
        func by(_ label: String, _ values: [String: Int]) -> [(String, Int)] {
            values.sorted { $0.key < $1.key }.map { ("{\(label)=\"\($0.key)\"}", $0.value) }
        }
        family("tocsin_events_received_total", "counter", "Events accepted and stored, by where they came from.", by("source", received))
        family("tocsin_events_rejected_total", "counter", "Event lines (socket) and spool files refused, by where they came from.", by("source", rejected))
        family("tocsin_incidents", "gauge", "Incidents not resolved, by state.", [("{state=\"open\"}", open - acked), ("{state=\"acked\"}", acked)])
        family("tocsin_steps_fired_total", "counter", "Escalation steps and repeats fired.", [("", stepsFired)])
        family("tocsin_notifications_sent_total", "counter", "Notifications handed over, by channel.", by("channel", sent))
        family("tocsin_notifications_failed_total", "counter", "Notifications given up on after retrying, by channel.", by("channel", failed))
        family("tocsin_notifications_queued", "gauge", "Notifications waiting to be sent or retried.", [("", queued)])
        family("tocsin_notifications_held", "gauge", "Notifications held by storm control.", [("", held)])
        family("tocsin_rules_last_reload_success", "gauge", "1 when the last load or reload of the rules succeeded, else 0.", [("", reloadSucceeded ? 1 : 0)])
        family("tocsin_build_info", "gauge", "The running version.", [("{version=\"\(TocsinVersion.current)\"}", 1)])
        return out
    }

    /// Writes `text` to `path` atomically: a temporary file in the same folder, renamed
    /// over the old one, so a scrape never reads half a file.
    static func write(_ text: String, to path: String) -> SystemError? {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return SystemError("cannot write the metrics file", path: temporary) }
        fchmod(fd, 0o644)  // node_exporter runs as another user
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let error = SystemError("cannot write the metrics file", path: temporary)
                close(fd)
                unlink(temporary)
                return error
            }
            offset += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else { return SystemError("cannot move the metrics file into place at", path: path) }
        return nil
    }
}
