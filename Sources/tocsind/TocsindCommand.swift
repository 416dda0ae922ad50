import ArgumentParser
import TocsinCore
import TocsinDaemon

/// `tocsind`: the escalation daemon (the daemon proper is built in issue 3).
@main
struct TocsindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tocsind", abstract: "The Tocsin escalation daemon.")

    func run() throws {
        Output.err("tocsind: not built yet\n")
        throw ExitCode(1)
    }
}

enum Output {
    static func err(_ text: String) { FileHandleWriter.stderr(text) }
}
