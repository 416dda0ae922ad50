import Foundation
import Glibc
import Testing

private let rules = "set storm-window 0s\ncontact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n"

/// Clients that misbehave: every line is answered `ok` (and stored) or `error`, the
/// connection survives what it can, and other clients are not held up.
@Suite("tocsind against hostile clients", .serialized)
struct HostileClientTests {
    @Test("an over-long line is refused and the connection goes on")
    func longLine() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let client = try LineClient(path: d.socketPath)
        try client.write("kind=fault summary=" + String(repeating: "x", count: 70_000) + "\nkind=fault id=after\n")
        #expect(try client.readLine() == #"error reason="line is longer than 65536 bytes (64 KiB)""#)
        #expect(try client.readLine() == "ok incident=1 id=after state=open")
    }

    @Test("invalid UTF-8, NUL and terminal escapes are refused, naming the field")
    func badBytes() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let client = try LineClient(path: d.socketPath)
        var bytes = Array("kind=fault summary=".utf8) + [0xFF, 0xFE, 0x0A]
        bytes += Array("kind=fault summary=a".utf8) + [0x00] + Array("b\n".utf8)
        bytes += Array("kind=fault summary=\u{1B}[2J\n".utf8)
        bytes += Array("kind=fault id=fine\n".utf8)
        try client.write(String(decoding: [], as: UTF8.self))
        let sent = bytes.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(sent == bytes.count)
        #expect(try client.readLine() == #"error reason="summary is not valid UTF-8""#)
        #expect(try client.readLine() == #"error reason="summary contains the control character U+0000; only tab is allowed""#)
        #expect(try client.readLine() == #"error reason="summary contains the control character U+001B; only tab is allowed""#)
        #expect(try client.readLine() == "ok incident=1 id=fine state=open")
    }

    @Test("a slow client sending a byte at a time holds up nobody and is answered when its line is whole")
    func slowClient() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let slow = try LineClient(path: d.socketPath)
        let line = "kind=fault id=slow summary=trickle\n"
        var fastReplies: [String] = []
        var slowest = 0.0
        for (i, byte) in line.enumerated() {
            try slow.write(String(byte))
            if i % 6 == 0 {
                let start = Date()
                fastReplies.append(try d.send("kind=fault id=fast\(i)"))
                slowest = max(slowest, Date().timeIntervalSince(start))
            }
            usleep(100_000)
        }
        #expect(try slow.readLine() == "ok incident=\(fastReplies.count + 1) id=slow state=open")
        #expect(fastReplies.allSatisfy { $0.hasPrefix("ok incident=") })
        #expect(slowest < 1, "a polite client waited \(slowest) s behind the slow one")
    }

    @Test("a half-closed client still gets every reply, including for a last line without newline")
    func halfClosed() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let client = try LineClient(path: d.socketPath)
        try client.write("kind=fault id=h1\nkind=fault id=h2")
        client.shutdownWrite()
        #expect(try client.readLine() == "ok incident=1 id=h1 state=open")
        #expect(try client.readLine() == "ok incident=2 id=h2 state=open")
    }

    @Test("a client that never reads its replies does not hold up others, and memory stays bounded")
    func neverReads() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let hog = try LineClient(path: d.socketPath)
        var flags = fcntl(hog.fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(hog.fd, F_SETFL, flags)
        let line = Array("kind=fault id=hog summary=\(String(repeating: "y", count: 200))\n".utf8)
        var chunk: [UInt8] = []
        for _ in 0..<1000 { chunk += line }
        var written = 0
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let n = chunk.withUnsafeBytes { send(hog.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { written += n } else { usleep(10_000) }
        }
        #expect(written > 1_000_000, "the hog could only write \(written) bytes")
        let start = Date()
        #expect(try d.send("kind=fault id=polite") == "ok incident=2 id=polite state=open")
        #expect(Date().timeIntervalSince(start) < 2)
        let rss = d.residentKilobytes()
        #expect(rss < 200_000, "RSS \(rss) kB")
    }

    @Test("a client pipelining 20,000 lines takes turns: another client's line is answered long before its last")
    func pipeliningHogTakesTurns() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let hog = try LineClient(path: d.socketPath)
        let total = 20_000
        let writer = Thread { try? hog.write((0..<total).map { "kind=fault id=hog\($0)\n" }.joined()) }
        writer.start()
        #expect(try hog.readLine() == "ok incident=1 id=hog0 state=open")
        let answered = Counter()
        let reader = Thread {
            while answered.value < total - 1, (try? hog.readLine()) != nil { answered.increment() }
        }
        reader.start()
        // The hog's lines wait in tocsind's buffer, a round's worth (512) at a time; the
        // newcomer's line gets a turn of its own instead of waiting behind all of them.
        let reply = try d.send("kind=fault id=polite")
        let hogAnsweredMeanwhile = answered.value + 1
        #expect(reply.hasPrefix("ok incident=") && reply.hasSuffix(" id=polite state=open"))
        #expect(hogAnsweredMeanwhile < total / 4, "the newcomer was answered after \(hogAnsweredMeanwhile) of the hog's \(total) lines")
        #expect(eventually { answered.value == total - 1 }, "the hog got \(answered.value + 1) of \(total) replies")
    }

    @Test("thousands of connections: the limit holds and a new reporter still gets through")
    func manyConnections() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        var idle: [LineClient] = []
        for _ in 0..<1500 { if let c = try? LineClient(path: d.socketPath) { idle.append(c) } }
        usleep(300_000)
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(d.pid)/fd").count
        #expect(open < 1024 + 64, "\(open) descriptors open")
        #expect(try d.send("kind=fault id=through") == "ok incident=1 id=through state=open")
        _ = idle
    }

    @Test("100,000 events in one connection: each answered in order and stored")
    func flood() throws {
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        let client = try LineClient(path: d.socketPath)
        let total = 100_000
        let writer = Thread {
            for start in stride(from: 0, to: total, by: 5000) {
                try? client.write((start..<start + 5000).map { "kind=fault id=f\($0)\n" }.joined())
            }
        }
        writer.start()
        var inOrder = true
        for i in 0..<total {
            let reply = try client.readLine()
            if reply != "ok incident=\(i + 1) id=f\(i) state=open" { inOrder = false }
        }
        #expect(inOrder)
        let count = try d.ctl(["status"]).stdout
        #expect(count.contains("Open incidents: 100000"))
    }
}

/// A count shared between a test and a reader thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
