import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// `--socket`, `--state`, `--spool`, defaulting as tocsind does.
struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The events socket (default: TOCSIN_SOCKET or /run/tocsin/events.sock).", valueName: "PATH"))
    var socket: String?
    @Option(help: ArgumentHelp("tocsind's state directory (default: TOCSIN_STATE or /var/lib/tocsin).", valueName: "DIR"))
    var state: String?
    @Option(name: .customLong("spool-dir"), help: ArgumentHelp("The spool directory (default: TOCSIN_SPOOL or /var/spool/tocsin).", valueName: "DIR"))
    var spool: String?

    var paths: TocsinPaths {
        var paths = TocsinPaths.fromEnvironment()
        paths.socket = socket ?? paths.socket
        paths.state = state ?? paths.state
        paths.spool = spool ?? paths.spool
        return paths
    }

    /// The store, read-only; exits with a clear message when it cannot be opened.
    func openStore() -> Store {
        do {
            return try Store(readOnlyAt: paths.state)
        } catch {
            Output.fail("\(error) (give --state DIR or set TOCSIN_STATE)")
        }
    }

    /// Sends event lines over the socket and returns the replies, in order. Exits with a
    /// clear message when tocsind cannot be reached; when it was reached but did not
    /// answer in time (or closed the connection), says that what was sent may still be
    /// stored, with `resend` (how to send it again safely), and exits 75 (EX_TEMPFAIL).
    func send(_ lines: [String], resend: String) -> [String] {
        let client: SocketClient
        do {
            client = try SocketClient(path: paths.socket, timeoutSeconds: Self.replyTimeout)
        } catch {
            Output.fail(SocketTrouble.explain(error, socket: paths.socket))
        }
        do {
            for line in lines { try client.send(line) }
            return try lines.map { _ throws(SystemError) in try client.readLine() }
        } catch {
            let what = error.code == ETIMEDOUT ? "no reply from tocsind within \(Self.replyTimeout) s" : "\(error) before replying"
            Output.fail("\(what): the event may still be stored; \(resend)", status: 75)
        }
    }

    /// How long tocsinctl waits for tocsind's reply (seconds).
    static let replyTimeout = 10
}

/// The name to record as `by=` when none is given: the invoking user.
enum Operator {
    static var name: String {
        let env = ProcessEnvironment.current
        return env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "operator"
    }
}
