import ArgumentParser
import TocsinCore
import TocsinDaemon
import TocsinSystem
import TocsinClient

/// `tocsind`: the escalation daemon. Flags → configuration → run.
@main
struct TocsindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tocsind",
        abstract: "The Tocsin escalation daemon.",
        discussion: """
            Runs in the foreground. Takes events from the spool directory and the Unix socket, \
            escalates incidents by the rule files, notifies by sendmail or a command, and logs \
            every decision to journald (to stderr when there is no journal). Speaks sd_notify \
            (READY, STATUS, WATCHDOG, RELOADING, STOPPING); takes the socket from systemd when \
            one is passed. SIGHUP reloads the rules; bad new rules are rejected and the old \
            ones stay in force. Bad rules at start: exits 1 with every error. The store \
            (tocsin.db in the --state directory) removed or replaced while it runs: exits 1 \
            within a second.

            Each option can also be set in the environment as TOCSIN_<NAME>, e.g. \
            TOCSIN_RULES=/etc/tocsin/rules or TOCSIN_MAIL_DROP=/tmp/maildir.
            """,
        version: TocsinVersion.current)

    @Option(help: ArgumentHelp("Rule files (every *.rules). Default: /etc/tocsin/rules.", valueName: "DIR"))
    var rules: String?
    @Option(help: ArgumentHelp("The spool (tmp/, new/, failed/). Default: /var/spool/tocsin.", valueName: "DIR"))
    var spool: String?
    @Option(help: ArgumentHelp("The events socket, unless systemd passes one. Default: /run/tocsin/events.sock.", valueName: "PATH"))
    var socket: String?
    @Option(help: ArgumentHelp("State directory (the SQLite store). Default: /var/lib/tocsin.", valueName: "DIR"))
    var state: String?
    @Option(help: ArgumentHelp("The sendmail program. Default: /usr/sbin/sendmail.", valueName: "PATH"))
    var sendmail: String?
    @Option(name: .customLong("mail-drop"), help: ArgumentHelp("Write mail into this Maildir instead of running sendmail.", valueName: "DIR"))
    var mailDrop: String?
    @Option(name: .customLong("give-up-after"), help: ArgumentHelp("Mark a notification failed after retrying this long. Default: 24h.", valueName: "DURATION"))
    var giveUpAfter: String?
    @Option(name: .customLong("first-retry"), help: ArgumentHelp("Retry a failed notification first after this long, then doubling (at most 10m). Default: 5s.", valueName: "DURATION"))
    var firstRetry: String?
    @Option(name: .customLong("delivery-timeout"), help: ArgumentHelp("Kill a sendmail or exec child after this long. Default: 60s.", valueName: "DURATION"))
    var deliveryTimeout: String?
    @Option(name: .customLong("spool-grace"), help: ArgumentHelp("A spool file whose last line has no newline waits this long for the rest, then goes to failed/. Default: 60s.", valueName: "DURATION"))
    var spoolGrace: String?
    @Option(name: .customLong("rescan-interval"), help: ArgumentHelp("List the spool's new/ again this often, besides inotify, and check that its folders are the ones opened. Default: 30s.", valueName: "DURATION"))
    var rescanInterval: String?
    @Option(name: .customLong("metrics-file"), help: ArgumentHelp("Write metrics in the Prometheus text format to PATH every 15 s (atomically), for node_exporter's textfile collector.", valueName: "PATH"))
    var metricsFile: String?

    func run() throws {
        let environment = ProcessEnvironment.current
        var paths = TocsinPaths.fromEnvironment(environment)
        paths.rules = rules ?? paths.rules
        paths.spool = spool ?? paths.spool
        paths.socket = socket ?? paths.socket
        paths.state = state ?? paths.state
        paths.sendmail = sendmail ?? paths.sendmail
        paths.mailDrop = mailDrop ?? paths.mailDrop
        var configuration = DaemonConfiguration(paths: paths)
        /// `--NAME` (or its environment variable) as a duration of at least `minimum`.
        func duration(_ text: String?, _ option: String, _ variable: String, minimum: Int64 = 0, hint: String) throws -> RuleDuration? {
            guard let text = text ?? environment[variable] else { return nil }
            guard let duration = RuleDuration(parsing: text), duration.milliseconds >= minimum else {
                throw ValidationError("--\(option): bad duration '\(text)' (\(hint))")
            }
            return duration
        }
        if let d = try duration(giveUpAfter, "give-up-after", "TOCSIN_GIVE_UP_AFTER", hint: "e.g. 30m, 24h") { configuration.giveUpAfter = d }
        if let d = try duration(firstRetry, "first-retry", "TOCSIN_FIRST_RETRY", minimum: 1, hint: "e.g. 5s") { configuration.firstRetry = d }
        if let d = try duration(deliveryTimeout, "delivery-timeout", "TOCSIN_DELIVERY_TIMEOUT", minimum: 1, hint: "e.g. 30s") {
            configuration.deliveryTimeout = d
        }
        if let d = try duration(spoolGrace, "spool-grace", "TOCSIN_SPOOL_GRACE", hint: "e.g. 60s") { configuration.spoolGrace = d }
        if let d = try duration(rescanInterval, "rescan-interval", "TOCSIN_RESCAN_INTERVAL", minimum: 1000, hint: "1s or more, e.g. 30s") {
            configuration.rescanInterval = d
        }
        configuration.metricsFile = metricsFile ?? environment["TOCSIN_METRICS_FILE"]
        let journal = Journal()
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, journal: journal)
        } catch {
            if let diagnostics = error.diagnostics { FileHandleWriter.stderr(diagnostics) }
            FileHandleWriter.stderr("tocsind: \(error.description)\n")
            throw ExitCode(1)
        }
        let status = daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
