import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program directly (no shell) in a process group of its own, feeding `input` on
/// stdin, with a timeout.
///
/// What holds:
/// - Success is the program's own exit with status 0, whether or not it read all of its
///   input (an SMS gateway that reads only what fits an SMS has still sent it).
/// - The program's exit ends the run: output still arriving is collected for a short grace,
///   and then tocsind stops waiting, so a background child that keeps stdout open cannot
///   hold a delivery worker until the timeout. With `killGroupAfterExit` (exec contacts)
///   the whole process group is killed then too; sendmail's group is left alone, because
///   an MTA's sendmail forks its background delivery into it (exim does: killing the group
///   left the mail in its queue, undelivered).
/// - At the timeout the group is killed too. The leader is reaped only after its group is
///   killed, so the group id cannot have been reused by then.
/// - Output is read and kept only up to `outputLimit`, so a chatty child can neither block
///   nor bloat tocsind.
package enum ChildProcess {
    /// How a program ended.
    package enum Termination: Equatable {
        case exited(Int32)
        case killedBySignal(Int32)
        case timedOut
    }

    package struct Outcome {
        /// How it ended (nil when it could not be started).
        package var termination: Termination?
        /// nil when the child succeeded; otherwise why not.
        package var failure: String?
        /// The first bytes the child wrote (stdout and stderr together).
        package var output: String
    }

    package static let outputLimit = 2048
    /// How long output is still read after the program exited (a background child may hold it).
    package static let exitGraceMilliseconds: Int64 = 200

    package static func run(
        path: String, arguments: [String], environment: [String: String], input: [UInt8], timeoutMilliseconds: Int64,
        killGroupAfterExit: Bool = true
    ) -> Outcome {
        var stdinPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard tocsin_pipe(&stdinPipe) == 0 else { return Outcome(failure: "cannot create a pipe: \(errnoText())", output: "") }
        guard tocsin_pipe(&outPipe) == 0 else {
            close(stdinPipe[0])
            close(stdinPipe[1])
            return Outcome(failure: "cannot create a pipe: \(errnoText())", output: "")
        }
        let argv = ([path] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = (argv + [nil]).withUnsafeBufferPointer { a in
            (envp + [nil]).withUnsafeBufferPointer { e in
                tocsin_spawn(path, a.baseAddress, e.baseAddress, stdinPipe[0], outPipe[1], &pid)
            }
        }
        close(stdinPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(stdinPipe[1])
            close(outPipe[0])
            return Outcome(failure: "cannot run \(path): \(String(cString: strerror(rc)))", output: "")
        }
        var child = RunningChild(pid: pid, stdin: stdinPipe[1], output: outPipe[0], input: input)
        let termination = child.wait(deadline: WallClock.monotonicMilliseconds() + timeoutMilliseconds, killGroupAfterExit: killGroupAfterExit)
        let output = text(child.collected)
        switch termination {
        case .timedOut:
            return Outcome(termination: termination, failure: "timed out after \(timeoutMilliseconds / 1000)s and was killed", output: output)
        case .killedBySignal(let signal):
            return Outcome(termination: termination, failure: "\(path) was killed by signal \(signal)", output: output)
        case .exited(let code) where code != 0:
            let first = output.split(separator: "\n").first.map { ": " + $0 } ?? ""
            return Outcome(termination: termination, failure: "\(path) exited with status \(code)\(first)", output: output)
        case .exited:
            return Outcome(termination: termination, failure: nil, output: output)
        }
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }
            .map(String.init).joined()
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A spawned child's pipes and exit, driven by poll(2) until it ends.
private struct RunningChild {
    package let pid: pid_t
    package var stdin: Int32
    package var output: Int32
    package let input: [UInt8]
    package var written = 0
    package var collected: [UInt8] = []
    package let pidfd: Int32

    package init(pid: pid_t, stdin: Int32, output: Int32, input: [UInt8]) {
        self.pid = pid
        self.stdin = stdin
        self.output = output
        self.input = input
        pidfd = tocsin_pidfd_open(pid)
        _ = tocsin_set_nonblocking(stdin)
        _ = tocsin_set_nonblocking(output)
        if input.isEmpty { closeStdin() }
    }

    /// Runs the child to its end or the deadline and reaps it; kills its group at the
    /// deadline, and after its exit when `killGroupAfterExit`.
    package mutating func wait(deadline: Int64, killGroupAfterExit: Bool) -> ChildProcess.Termination {
        var ended: ChildProcess.Termination?
        var graceEnd = Int64.max
        while true {
            if ended == nil, let status = exitStatus() {
                ended = status
                graceEnd = WallClock.monotonicMilliseconds() + ChildProcess.exitGraceMilliseconds
                closeStdin()
            }
            let now = WallClock.monotonicMilliseconds()
            if ended == nil && now >= deadline { break }
            if ended != nil && (output < 0 || now >= graceEnd) { break }
            var fds: [pollfd] = []
            if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
            if output >= 0 { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            if ended == nil && pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
            // Without a pidfd the exit is polled for every 50 ms.
            let limit = ended == nil ? deadline : graceEnd
            let wait = Int32(max(0, min(limit - now, ended == nil && pidfd < 0 ? 50 : limit - now)))
            _ = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) }
            writeInput()
            readOutput()
        }
        // The leader is a zombie (or still running, at the timeout) until reaped below, so
        // its group id still names this group.
        if ended == nil || killGroupAfterExit { kill(-pid, SIGKILL) }
        if ended == nil { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        closeStdin()
        if output >= 0 { close(output) }
        if pidfd >= 0 { close(pidfd) }
        return ended ?? .timedOut
    }

    private func exitStatus() -> ChildProcess.Termination? {
        var code: Int32 = 0
        var signal: Int32 = 0
        guard tocsin_exited_nowait(pid, &code, &signal) == 1 else { return nil }
        return signal != 0 ? .killedBySignal(signal) : .exited(code)
    }

    private mutating func writeInput() {
        guard stdin >= 0 else { return }
        let n = input[written...].withUnsafeBytes { write(stdin, $0.baseAddress, $0.count) }
        if n > 0 { written += n }
        // EPIPE: the program stopped reading; what it did with the rest is its own affair.
        if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) { closeStdin() }
    }

    private mutating func readOutput() {
        guard output >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        for _ in 0..<8 {  // then back to the deadline check, however chatty the child
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n > 0 {
                if collected.count < ChildProcess.outputLimit {
                    collected += buffer[0..<min(n, ChildProcess.outputLimit - collected.count)]
                }
                continue
            }
            if n == 0 || (errno != EAGAIN && errno != EINTR) {
                close(output)
                output = -1
            }
            return
        }
    }

    private mutating func closeStdin() {
        guard stdin >= 0 else { return }
        close(stdin)
        stdin = -1
    }
}
