import Foundation
import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl silence add|list|expire` (SPEC §14).
struct SilenceGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Hold the escalation of matching incidents for a while (planned work, a known outage).",
        discussion: """
            A silenced incident is still opened, stored and listed (state silenced), but no \
            step fires while the silence lasts; afterwards its steps go on from where its \
            clock stopped. A "recovered" message goes only to those told before.

            Examples:
              tocsinctl silence add kind=fault id~^teller- --for 2h --reason "replacing the printer"
              tocsinctl silence list
              tocsinctl silence expire 3
            """,
        subcommands: [SilenceAdd.self, SilenceList.self, SilenceExpire.self])
}

/// `tocsinctl silence add MATCHER... (--for D | --until T) [--from T] --reason TEXT [--by NAME]`.
struct SilenceAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create a silence.",
        discussion: """
            Matchers are written as on a rule's match line (kind=fault, severity<=2, \
            id~^teller-, system!=core); all must hold. Times are RFC 3339, YYYY-MM-DD HH:MM \
            or YYYY-MM-DD in the rules' timezone. Prints "ok silence=N until=YYYY-MM-DD HH:MM" \
            once tocsind has stored it (exit 0); a refusal prints the reason and exits 1.
            """)

    @OptionGroup var daemon: DaemonOptions
    @OptionGroup var rules: RulesOption
    @Argument(help: ArgumentHelp("What it holds, as on a match line.", valueName: "MATCHER")) var matchers: [String]
    @Option(name: .customLong("for"), help: ArgumentHelp("How long it lasts, from its start (e.g. 2h).", valueName: "DURATION"))
    var duration: String?
    @Option(help: ArgumentHelp("When it ends.", valueName: "TIME")) var until: String?
    @Option(help: ArgumentHelp("When it begins (default: now).", valueName: "TIME")) var from: String?
    @Option(help: ArgumentHelp("Why (required): shown in list and in the journal.", valueName: "TEXT")) var reason: String
    @Option(help: ArgumentHelp("Who sets it (default: your user name).", valueName: "NAME")) var by: String?

    func validate() throws {
        if (duration == nil) == (until == nil) { throw ValidationError("give one of --for DURATION or --until TIME") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
        if case .failure(let error) = RuleCompiler.matchers(matchers) { throw ValidationError(error.message) }
    }

    func run() throws {
        let zone = rules.zone()
        func time(_ text: String, _ option: String) -> Timestamp {
            guard let t = DateArgument.parse(text, zone: zone) else {
                Output.fail("--\(option): '\(text)' is not a time (RFC 3339, YYYY-MM-DD HH:MM or YYYY-MM-DD)", status: 2)
            }
            return t
        }
        let start = from.map { time($0, "from") }
        let end: Timestamp
        if let duration {
            guard let length = RuleDuration(parsing: duration), length > .zero else {
                Output.fail("--for: '\(duration)' is not a duration (e.g. 30m, 2h, 1d)", status: 2)
            }
            end = (start ?? WallClock.now()) + length
        } else {
            end = time(until!, "until")
        }
        let command = SilenceCommand.add(matchers: matchers, from: start, until: end, reason: reason, by: by ?? Operator.name)
        let reply = daemon.send([command.line], resend: "tocsinctl silence list (it may have been stored)")[0]
        guard reply.hasPrefix("ok ") else { Output.fail(reply) }
        let number = LogfmtFields.value("silence", in: reply) ?? "?"
        let until = LogfmtFields.value("until", in: reply).flatMap(RFC3339.parse).map(zone.shortString) ?? "?"
        Output.out("ok silence=\(number) until=\(until)\n")
    }
}

/// `tocsinctl silence list [--all] [--json]`.
struct SilenceList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the silences in force and to come.",
        discussion: """
            One line per silence: number, state, from, until, who, matchers and reason. --all \
            adds those that have ended. --json prints an array of objects with number, \
            matchers (as written, space-separated), from, until (RFC 3339), reason, by, and \
            state (active, future, ended, expired).
            """)

    @OptionGroup var daemon: DaemonOptions
    @OptionGroup var rules: RulesOption
    @Flag(help: "Also those that have ended.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let zone = rules.zone()
        let store = daemon.openStore()
        let now = WallClock.now()
        let silences: [Silence]
        do {
            silences = try store.silences().filter { all || $0.end > now }
        } catch {
            Output.fail("\(error)")
        }
        func state(_ s: Silence) -> String {
            if s.isActive(at: now) { return "active" }
            if s.from > now { return "future" }
            return s.expiredAt != nil && s.expiredAt! < s.until ? "expired" : "ended"
        }
        if json {
            let objects: [[(String, JSONText.Value)]] = silences.map { s in
                [
                    ("number", .int(s.number)), ("matchers", .string(s.matchText)),
                    ("from", .string(zone.rfc3339(s.from))), ("until", .string(zone.rfc3339(s.end))),
                    ("reason", .string(s.reason)), ("by", .string(s.by)), ("state", .string(state(s))),
                ]
            }
            Output.out(JSONText.array(objects) + "\n")
            return
        }
        guard !silences.isEmpty else {
            Output.out(all ? "no silences\n" : "no silences in force or to come\n")
            return
        }
        var table: [[String]] = [["#", "STATE", "FROM", "UNTIL", "BY", "MATCH", "REASON"]]
        for s in silences {
            let row = [String(s.number), state(s), zone.shortString(s.from), zone.shortString(s.end), s.by, s.matchText, s.reason]
            table.append(row.map(TerminalText.safe))
        }
        Output.out(Table.render(table))
    }
}

/// `tocsinctl silence expire N`.
struct SilenceExpire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire", abstract: "End a silence now; the incidents it held escalate again.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: ArgumentHelp("The silence's number (#3 or 3).", valueName: "N")) var number: String
    @Option(help: ArgumentHelp("Who ends it (default: your user name).", valueName: "NAME")) var by: String?

    func run() throws {
        let digits = number.hasPrefix("#") ? String(number.dropFirst()) : number
        guard let value = Int64(digits), value > 0 else { Output.fail("'\(number)' is not a silence number", status: 2) }
        let reply = daemon.send([SilenceCommand.expire(number: value, by: by ?? Operator.name).line], resend: "tocsinctl silence list")[0]
        guard reply.hasPrefix("ok ") else { Output.fail(reply) }
        Output.out(reply + "\n")
    }
}
