import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's counters and gauges for `--metrics-file` (SPEC §20), in the Prometheus text
/// format for node_exporter's textfile collector. Names follow Prometheus's conventions
/// (`_total` for counters, labels for source and channel); no incident id is ever a label.
///
/// The counters are plain integers, one per source or channel: they are bumped once per
/// event on the ingest path, where a keyed table would hash a string each time.
struct Metrics {
    /// A counter per source of events.
    struct BySource {
        var socket = 0
        var spool = 0
        var samples: [(String, Int)] { [("{source=\"socket\"}", socket), ("{source=\"spool\"}", spool)] }
    }

    /// A counter per notification channel.
    struct ByChannel {
        var mail = 0
        var exec = 0
        subscript(_ channel: Contact.Channel) -> Int {
            get {
                if case .mail = channel { return mail }
                return exec
            }
            set {
                if case .mail = channel { mail = newValue } else { exec = newValue }
            }
        }
        var samples: [(String, Int)] { [("{channel=\"exec\"}", exec), ("{channel=\"mail\"}", mail)] }
    }

    var received = BySource()
    var rejected = BySource()
    var stepsFired = 0
    var sent = ByChannel()
    var failed = ByChannel()
    var reloadSucceeded = true

    /// The text, with the gauges read now.
    func text(open: Int, acked: Int, queued: Int, held: Int) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Int)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += name + labels + " \(value)\n" }
        }
        family("tocsin_events_received_total", "counter", "Events accepted and stored, by where they came from.", received.samples)
        family("tocsin_events_rejected_total", "counter", "Event lines (socket) and spool files refused, by where they came from.", rejected.samples)
        family("tocsin_incidents", "gauge", "Incidents not resolved, by state.", [("{state=\"open\"}", open - acked), ("{state=\"acked\"}", acked)])
        family("tocsin_steps_fired_total", "counter", "Escalation steps and repeats fired.", [("", stepsFired)])
        family("tocsin_notifications_sent_total", "counter", "Notifications handed over, by channel.", sent.samples)
        family("tocsin_notifications_failed_total", "counter", "Notifications given up on after retrying, by channel.", failed.samples)
        family("tocsin_notifications_queued", "gauge", "Notifications waiting to be sent or retried.", [("", queued)])
        family("tocsin_notifications_held", "gauge", "Notifications held by storm control.", [("", held)])
        family("tocsin_rules_last_reload_success", "gauge", "1 when the last load or reload of the rules succeeded, else 0.", [("", reloadSucceeded ? 1 : 0)])
        family("tocsin_build_info", "gauge", "The running version.", [("{version=\"\(TocsinVersion.current)\"}", 1)])
        return out
    }

    /// Writes `text` to `path` atomically: a temporary file in the same folder, renamed
    /// over the old one, so a scrape never reads half a file.
    static func write(_ text: String, to path: String) -> SystemError? {
        do {
            // Mode 0644: node_exporter runs as another user.
            try FileIO.replace(path, with: Array(text.utf8), mode: 0o644, durable: false, what: "the metrics file")
            return nil
        } catch {
            return error
        }
    }
}
