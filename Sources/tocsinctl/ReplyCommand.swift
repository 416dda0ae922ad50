import ArgumentParser
import TocsinCore
import TocsinClient

/// `tocsinctl reply --from CONTACT TEXT`: an SMS gateway's inbound hook acting on a reply.
struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply", abstract: "Act on an SMS reply carrying a reply code (for an SMS gateway's inbound hook).",
        discussion: """
            An exec contact's step and repeat messages carry a reply code bound to that \
            contact, in TOCSIN_REPLY_CODE and in the one-line TOCSIN_SHORT_TEXT, e.g. \
            "42-K7Q2M9AB". The person answers with the code and a command (as for mail-in), in \
            either order: "42-K7Q2M9AB ack", "resolve cable replaced 42-K7Q2M9AB". The \
            gateway's hook runs tocsinctl reply --from CONTACT "TEXT" with the contact the \
            code was sent to; tocsind acts only when the code is right for that contact, once \
            per text (a second delivery of the same text acts nothing).

            Exit status: 0 when it acted; 1 when tocsind refused it (the reason is printed and \
            journaled); 75 when tocsind cannot be reached.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Option(help: ArgumentHelp("The contact the SMS came from (as in the rules).", valueName: "CONTACT")) var from: String
    @Option(
        name: .customLong("message-id"),
        help: ArgumentHelp("The gateway's id of the SMS, when it has one: a second delivery with it acts nothing.", valueName: "ID"))
    var messageID: String?
    @Argument(help: ArgumentHelp("The text of the reply.", valueName: "TEXT")) var text: String

    func run() throws {
        let key = messageID.map { "sms-id:" + from + ":" + $0 } ?? ("sms:" + SHA256.hex(SHA256.hash(Array((from + "\u{1F}" + text).utf8)).prefix(16)))
        let request = ReplyRequest(via: .sms, key: key, from: from, text: text)
        let answer = ReplySender.send(request.line, socket: daemon.paths.socket)
        Output.out(TerminalText.safe(answer) + "\n")
        if !answer.hasPrefix("ok") { throw ExitCode(1) }
    }
}
