import Foundation
import Glibc
import Testing

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

/// SPEC §5: idle connections are closed after a timeout, but never one still owed a reply.
/// The server's clock is the `now` it is given, so the minute passes at once.
@Suite("The events socket closes idle clients (on an injected clock)")
struct SocketIdleTests {
    /// EPOLLIN (sys/epoll.h is not in the Glibc module): the event loop's "readable".
    let epollIn: UInt32 = 0x001

    /// A connected client's end, read without blocking.
    struct Client {
        let fd: Int32

        init(path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, b) in path.utf8.enumerated() { raw[i] = b }
            }
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(rc == 0)
        }

        func send(_ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }

        /// "open" (nothing to read yet), "closed" (end of file), or what the server wrote.
        func peek() -> String {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n == 0 { return "closed" }
            if n < 0 { return errno == EAGAIN ? "open" : "error \(errno)" }
            return String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }

    @Test("a client silent for a minute is closed; one that spoke lately, or is owed a reply, is not")
    func idleClients() throws {
        let path = NSTemporaryDirectory() + "tocsin-idle-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        let listenFD = try SocketListener.bind(path: path)
        let loop = try EventLoop()
        let server = EventSocketServer(listenFD: listenFD, loop: loop)
        defer { server.closeAll() }
        #expect(server.limits.idleMilliseconds == 60_000)

        let silent = try Client(path: path)
        let chatty = try Client(path: path)
        let owed = try Client(path: path)
        server.acceptAll(now: 0)
        #expect(server.connectionCount == 3)
        let ids = (0..<3).map { LoopToken.firstConnection + UInt64($0) }

        owed.send("kind=fault id=a\n")
        var budget = 512
        let lines = server.readable(ids[2], events: epollIn, now: 0, budget: &budget)
        #expect(lines.map(\.connection) == [ids[2]])

        server.closeIdle(now: 59_000)
        #expect([silent.peek(), chatty.peek(), owed.peek()] == ["open", "open", "open"])

        chatty.send("kind=fault id=b\n")
        let more = server.readable(ids[1], events: epollIn, now: 50_000, budget: &budget)
        server.reply(ids[1], "ok incident=2 id=b state=open")
        server.flushAll()
        #expect(more.count == 1)
        #expect(chatty.peek() == "ok incident=2 id=b state=open\n")

        server.closeIdle(now: 61_000)
        #expect(silent.peek() == "closed")
        #expect(chatty.peek() == "open")  // last heard at 50 s
        #expect(owed.peek() == "open")  // its line is not answered yet
        #expect(server.connectionCount == 2)

        server.reply(ids[2], "ok incident=1 id=a state=open")
        server.flushAll()
        #expect(owed.peek() == "ok incident=1 id=a state=open\n")
        server.closeIdle(now: 109_000)
        #expect(chatty.peek() == "open")
        #expect(owed.peek() == "closed")  // answered now, and silent since it connected
        server.closeIdle(now: 111_000)
        #expect(chatty.peek() == "closed")
        #expect(server.connectionCount == 0)
    }
}
