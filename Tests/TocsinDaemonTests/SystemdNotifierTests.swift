import Foundation
import Glibc
import Testing

@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("sd_notify without blocking")
struct SystemdNotifierTests {
    /// A datagram socket bound at a temporary path that never reads (a stuck systemd).
    func deafSocket() throws -> (path: String, fd: Int32) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        try #require(rc == 0)
        return (path, fd)
    }

    @Test("against a reader that stopped reading, status lines are dropped at once and the caller goes on")
    func deafReader() throws {
        let deaf = try deafSocket()
        defer {
            close(deaf.fd)
            unlink(deaf.path)
        }
        let notifier = SystemdNotifier(socketPath: deaf.path)
        var sent = 0
        for n in 0..<5_000 where notifier.notify("STATUS=\(n) open incidents", important: false) { sent += 1 }
        // The kernel queues a few hundred datagrams for a reader (net.unix.max_dgram_qlen);
        // the rest were dropped instead of blocking.
        #expect(sent > 0 && sent < 5_000)
        #expect(notifier.dropped == 5_000 - sent)
        // A state change waits a moment for room, then gives up, returning false.
        #expect(!notifier.notify("READY=1"))
    }

    @Test("a reader that reads gets every message, in order")
    func readingReader() throws {
        let reader = try deafSocket()
        defer {
            close(reader.fd)
            unlink(reader.path)
        }
        let notifier = SystemdNotifier(socketPath: reader.path)
        notifier.ready(status: "3 open incidents")
        notifier.status("4 open incidents")
        var buffer = [UInt8](repeating: 0, count: 512)
        var got: [String] = []
        for _ in 0..<2 {
            let n = recv(reader.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 { got.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
        }
        #expect(got == ["READY=1\nSTATUS=3 open incidents", "STATUS=4 open incidents"])
        #expect(notifier.dropped == 0)
    }
}
