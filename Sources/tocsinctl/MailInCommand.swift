import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinClient

/// `tocsinctl mail-in`: one reply mail on stdin, from the MTA's alias pipe (SPEC §17).
struct MailInCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-in", abstract: "Act on a reply mail read from stdin (an MTA pipe from /etc/aliases).",
        discussion: """
            Reads one RFC 5322 message on stdin, as an alias such as
              tocsin-reply: "|/usr/local/bin/tocsinctl mail-in"
            delivers it, finds its first own line (quoted text and signature below it are \
            ignored; MIME, quoted-printable, base64, UTF-8, GBK and GB18030 are read) and \
            hands it to tocsind, which acts only when the reply's In-Reply-To/References \
            prove it answers a message tocsind sent, and its From is an address of that \
            contact: "ack" acknowledges, "resolve CAUSE" resolves, "note TEXT" notes, by that \
            contact (the Chinese words are in tocsin.rules(5), under set reply-to). \
            Auto-replies never act; a reply delivered twice acts once; the replier gets a \
            confirmation mail.

            Exit status: 0 when the reply acted and when it was refused (the refusal is \
            journaled by tocsind with its reason, and nothing goes back to a sender who may be \
            forged); 75 (EX_TEMPFAIL) when tocsind cannot be reached, so the MTA keeps the \
            mail and tries again. The pipe's user must be able to reach the socket (group \
            tocsin).
            """)

    @OptionGroup var daemon: DaemonOptions
    @Flag(help: "Print tocsind's answer on stdout (for testing; an MTA pipe wants silence).") var verbose = false

    /// The most of a message read (a reply's first line is near its start).
    static let inputLimit = 16 * 1024 * 1024

    func run() throws {
        let raw: [UInt8]
        do {
            raw = try FileIO.readStandardInput(limit: Self.inputLimit)
        } catch {
            Output.fail("\(error); exit 75 so that it is delivered again later", status: 75)
        }
        let request = ReplyRequest(mail: InboundMail(raw), raw: raw)
        let answer = ReplySender.send(request.line, socket: daemon.paths.socket)
        if verbose { Output.out(TerminalText.safe(answer) + "\n") }
    }
}

/// Sends one reply line to tocsind; exits 75 when it cannot be reached or does not answer.
enum ReplySender {
    static func send(_ line: String, socket: String) -> String {
        do {
            let client = try SocketClient(path: socket, timeoutSeconds: DaemonOptions.replyTimeout)
            try client.send(line)
            return try client.readLine()
        } catch {
            Output.fail("tocsind cannot take the reply now (\(error)); exit 75 so that it is delivered again later", status: 75)
        }
    }
}
