import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `tocsinctl`: the operator's tool for Tocsin.
@main
struct Tocsinctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tocsinctl",
        abstract: "Operate Tocsin, the escalation daemon: submit events, acknowledge and resolve incidents, check rules.",
        discussion: """
            tocsinctl finds the rules, spool, socket and state as tocsind does: the defaults \
            /etc/tocsin/rules, /var/spool/tocsin, /run/tocsin/events.sock and /var/lib/tocsin, or \
            the TOCSIN_RULES, TOCSIN_SPOOL, TOCSIN_SOCKET and TOCSIN_STATE environment variables.
            """,
        version: TocsinVersion.current,
        subcommands: [
            SubmitCommand.self, AckCommand.self, ResolveCommand.self, NoteCommand.self, ListCommand.self, ShowCommand.self,
            StatusCommand.self, ExportCommand.self, CheckCommand.self, TestCommand.self, DrillCommand.self, CalendarCommand.self, WhoCommand.self,
            SilenceGroup.self, MailInCommand.self, ReplyCommand.self,
        ]
    )
}
