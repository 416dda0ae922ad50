import Foundation
import TocsinSystem

/// Output through `$PAGER` when stdout is a terminal, as git and journalctl do: `less`
/// with `LESS=FRX` unless the user set `LESS` (quit when it fits one screen, keep colours,
/// leave the screen as it is). `PAGER=` or `PAGER=cat` turns it off.
final class Pager {
    private let process: Process
    private let savedStdout: Int32

    /// Starts the pager and points stdout at it; nil when stdout is not a terminal, no pager
    /// is wanted, or it cannot be started.
    static func start() -> Pager? {
        guard isatty(1) == 1 else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let command = environment["TOCSIN_PAGER"] ?? environment["PAGER"] ?? "less"
        guard !command.isEmpty, command != "cat" else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var env = environment
        if env["LESS"] == nil { env["LESS"] = "FRX" }
        process.environment = env
        let pipe = Pipe()
        process.standardInput = pipe
        do {
            try process.run()
        } catch {
            return nil
        }
        let saved = dup(1)
        dup2(pipe.fileHandleForWriting.fileDescriptor, 1)
        try? pipe.fileHandleForWriting.close()
        return Pager(process: process, savedStdout: saved)
    }

    private init(process: Process, savedStdout: Int32) {
        self.process = process
        self.savedStdout = savedStdout
    }

    /// Closes the pager's input and waits until the user quits it.
    func finish() {
        dup2(savedStdout, 1)
        close(savedStdout)
        process.waitUntilExit()
    }
}
