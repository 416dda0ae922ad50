import CTocsinShims
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking client of the events socket, for tocsinctl: send lines, read one reply each.
public final class SocketClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the socket at `path`; the error names the path and says what to do.
    public init(path: String, timeoutSeconds: Int = 10) throws(SystemError) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("cannot create a socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw SystemError("socket path is too long:", path: path, code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let error = SystemError("cannot connect to tocsind at", path: path)
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Sends one line (a newline is added).
    public func send(_ line: String) throws(SystemError) {
        var data = Array(line.utf8) + [0x0A]
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SystemError("cannot send to tocsind") }
            offset += n
        }
    }

    /// Reads one reply line (without its newline).
    public func readLine() throws(SystemError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw SystemError("no reply from tocsind within the timeout", code: ETIMEDOUT)
            }
            guard n > 0 else { throw SystemError("tocsind closed the connection without replying", code: 0) }
            buffer += chunk[0..<n]
        }
    }

    /// Whether something answers at `path`.
    public static func isListening(_ path: String) -> Bool {
        (try? SocketClient(path: path, timeoutSeconds: 2)) != nil
    }
}

