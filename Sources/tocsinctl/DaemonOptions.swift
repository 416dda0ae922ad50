import ArgumentParser
import TocsinCore
import TocsinDaemon

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

    /// Sends event lines over the socket and returns the replies, in order.
    func send(_ lines: [String]) -> [String] {
        let client: SocketClient
        do {
            client = try SocketClient(path: paths.socket)
        } catch {
            Output.fail("\(error)\n  Is tocsind running? ('systemctl status tocsind'; or give --socket PATH / set TOCSIN_SOCKET.)\n  'tocsinctl submit --spool' queues an event for when it starts.")
        }
        do {
            for line in lines { try client.send(line) }
            return try lines.map { _ throws(SystemError) in try client.readLine() }
        } catch {
            Output.fail("\(error)")
        }
    }
}

/// The name to record as `by=` when none is given: the invoking user.
enum Operator {
    static var name: String {
        let env = ProcessEnvironment.current
        return env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "operator"
    }
}
