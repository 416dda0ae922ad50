import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl submit FIELD=VALUE...`.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send one event to tocsind and print its reply.",
        discussion: """
            Example:
              tocsinctl submit kind=fault severity=2 id=core summary="core banking login fails"

            Prints tocsind's reply, e.g. "ok incident=42 id=core state=open", and exits 0; \
            on an "error reason=..." reply exits 1. With --spool the event is written into the \
            spool instead (tmp/ then renamed into new/), which works while tocsind is down.
            """)

    @OptionGroup var daemon: DaemonOptions

    @Flag(name: .customLong("spool"), help: "Drop the event into the spool instead of the socket.")
    var useSpool = false

    @Argument(help: ArgumentHelp("The event's fields.", valueName: "FIELD=VALUE"))
    var fields: [String]

    func run() throws {
        try EventSender.deliver(arguments: fields, daemon: daemon, spool: useSpool)
    }
}

/// Sends one event by socket (printing the reply) or spool.
enum EventSender {
    /// Checks the `FIELD=VALUE` arguments as tocsind would, then sends the event. A bad
    /// event gets the reply tocsind would give, in the same words (scripts read one format)
    /// and exit status 1, without being sent, or dropped as a file that would only fail in
    /// the spool.
    static func deliver(arguments: [String], daemon: DaemonOptions, spool: Bool = false) throws {
        var event: Event
        do {
            event = try EventParser.parse(arguments: arguments, now: WallClock.now())
            // An open without an id gets one here, before it is sent: a resend after a lost
            // reply is then the same incident, never a second one.
            if event.action == .open, event.id == nil {
                event = try EventParser.parse(arguments: arguments + ["id=" + madeUpID()], now: WallClock.now())
            }
        } catch {
            Output.out("error reason=" + Event.logfmtQuoted(error.message) + "\n")
            throw ExitCode(1)
        }
        if spool {
            do {
                let path = try SpoolWriter.write(lines: [event.logfmt], spool: daemon.paths.spool)
                Output.out("queued \(path)\n")
            } catch {
                Output.fail("\(error) (tocsind creates the spool when it starts; or give --spool-dir DIR or set TOCSIN_SPOOL)")
            }
            return
        }
        let id = event.id.map(ShellWord.quoted) ?? "-"
        let resend =
            event.action == .open
            ? "sending it again with the same id (id=\(id)) is safe: it is never a second incident"
            : "check with 'tocsinctl show \(event.id.map { $0.hasPrefix("-") ? "-- " + ShellWord.quoted($0) : ShellWord.quoted($0) } ?? "-")' before sending it again"
        let reply = daemon.send([event.logfmt], resend: resend)[0]
        Output.out(TerminalText.safe(reply) + "\n")
        if !reply.hasPrefix("ok") { throw ExitCode(1) }
    }
}

/// An incident id for an event sent without one: the time, and random bits so that two
/// tocsinctl runs in the same second never meet.
private func madeUpID() -> String {
    let now = WallClock.now()
    return "ctl-\(now.seconds)-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
}

/// `tocsinctl ack ID`.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge an incident: someone has taken it on.",
        discussion: """
            Steps of rules with 'stop on ack' stop; other rules go on until the incident is resolved. \
            Under a rule's ack-timeout (or --for, never longer) the steps only wait: when the ack \
            runs out with the incident still open, it is open again, the one who acked and the \
            contacts of its last step are told "ack expired", and the steps go on.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: ArgumentHelp("The incident's id.", valueName: "ID")) var id: String
    @Option(help: ArgumentHelp("Who takes it on (default: your user name).", valueName: "NAME")) var by: String?
    @Option(
        name: .customLong("for"),
        help: ArgumentHelp(
            "How long the ack holds the steps of a 'stop on ack' rule before they go on (never longer than its ack-timeout).",
            valueName: "DURATION"))
    var duration: String?

    func validate() throws {
        if let duration, (RuleDuration(parsing: duration) ?? .zero) < .seconds(1) {
            throw ValidationError("--for: '\(duration)' is not a duration of at least 1s (e.g. 30m, 2h)")
        }
    }

    func run() throws {
        var arguments = ["action=ack", "id=" + id, "by=" + (by ?? Operator.name)]
        if let duration { arguments.append("for=" + duration) }
        try EventSender.deliver(arguments: arguments, daemon: daemon)
    }
}

/// `tocsinctl resolve ID [--cause TEXT] [--by NAME]`.
struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve an incident: it is recovered. Everyone told gets a 'recovered' message.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: ArgumentHelp("The incident's id.", valueName: "ID")) var id: String
    @Option(help: ArgumentHelp("Why it happened (for the fault record).", valueName: "TEXT")) var cause: String?
    @Option(help: ArgumentHelp("Who was responsible / resolved it (default: your user name).", valueName: "NAME")) var by: String?

    func run() throws {
        var arguments = ["action=resolve", "id=" + id, "by=" + (by ?? Operator.name)]
        if let cause { arguments.append("cause=" + cause) }
        try EventSender.deliver(arguments: arguments, daemon: daemon)
    }
}

/// `tocsinctl note ID TEXT`.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a remark to an incident's timeline.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: ArgumentHelp("The incident's id.", valueName: "ID")) var id: String
    @Argument(help: ArgumentHelp("The remark.", valueName: "TEXT")) var text: String

    func run() throws {
        try EventSender.deliver(arguments: ["action=note", "id=" + id, "text=" + text, "by=" + Operator.name], daemon: daemon)
    }
}
