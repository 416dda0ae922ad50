import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program directly (no shell), feeding `input` on stdin, with a timeout after which
/// its whole process group is killed. Output is read and discarded past a small prefix, so
/// a chatty child can neither block nor bloat tocsind.
enum ChildProcess {
    struct Outcome {
        /// nil when the child succeeded; otherwise why not.
        var failure: String?
        /// The first bytes the child wrote (stdout and stderr together).
        var output: String
    }

    static let outputLimit = 2048

    static func run(path: String, arguments: [String], environment: [String: String], input: [UInt8], timeoutMilliseconds: Int64)
        -> Outcome
    {
        var stdinPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard tocsin_pipe(&stdinPipe) == 0 else { return Outcome(failure: "cannot create a pipe: \(errnoText())", output: "") }
        guard tocsin_pipe(&outPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
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
        _ = tocsin_set_nonblocking(stdinPipe[1])
        _ = tocsin_set_nonblocking(outPipe[0])
        let pidfd = tocsin_pidfd_open(pid)
        let deadline = WallClock.monotonicMilliseconds() + timeoutMilliseconds
        var written = 0
        var stdinOpen = true
        var outputOpen = true
        var output: [UInt8] = []
        var exited = false
        var status: Int32 = 0
        if input.isEmpty {
            close(stdinPipe[1])
            stdinOpen = false
        }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !exited || outputOpen {
            if !exited, pidfd < 0, waitpid(pid, &status, WNOHANG) == pid { exited = true }
            let remaining = deadline - WallClock.monotonicMilliseconds()
            if remaining <= 0 {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                if !exited { waitpid(pid, &status, 0) }
                if stdinOpen { close(stdinPipe[1]) }
                close(outPipe[0])
                if pidfd >= 0 { close(pidfd) }
                return Outcome(failure: "timed out after \(timeoutMilliseconds / 1000)s and was killed", output: text(output))
            }
            var fds: [pollfd] = []
            if stdinOpen { fds.append(pollfd(fd: stdinPipe[1], events: Int16(POLLOUT), revents: 0)) }
            if outputOpen { fds.append(pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)) }
            if !exited && pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
            let wait = Int32(min(remaining, exited ? 200 : (pidfd >= 0 ? remaining : 50)))
            _ = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) }
            if exited && fds.allSatisfy({ $0.revents == 0 }) { break }
            if stdinOpen {
                let n = input[written...].withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
                if n > 0 { written += n }
                if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                    close(stdinPipe[1])
                    stdinOpen = false
                }
            }
            if outputOpen {
                let n = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
                if n > 0 {
                    if output.count < outputLimit { output += buffer[0..<min(n, outputLimit - output.count)] }
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(outPipe[0])
                    outputOpen = false
                }
            }
            if !exited, pidfd >= 0, waitpid(pid, &status, WNOHANG) == pid { exited = true }
        }
        if stdinOpen { close(stdinPipe[1]) }
        if outputOpen { close(outPipe[0]) }
        if pidfd >= 0 { close(pidfd) }
        if !exited { waitpid(pid, &status, 0) }
        let exitCode = (status >> 8) & 0xFF
        let signal = status & 0x7F
        if signal != 0 { return Outcome(failure: "\(path) was killed by signal \(signal)", output: text(output)) }
        if exitCode != 0 {
            let first = text(output).split(separator: "\n").first.map { ": " + $0 } ?? ""
            return Outcome(failure: "\(path) exited with status \(exitCode)\(first)", output: text(output))
        }
        if stdinOpen || written < input.count {
            return Outcome(failure: "\(path) exited before reading the whole message", output: text(output))
        }
        return Outcome(failure: nil, output: text(output))
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }
            .map(String.init).joined()
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
