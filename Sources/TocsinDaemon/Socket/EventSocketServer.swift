import CTocsinShims
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// The events socket (SPEC §5): line framing, pipelining, one reply per line in order,
/// bounded line length, connection count, idle time and buffered replies. It owns no
/// policy: it hands framed lines to the daemon and writes back the replies it is given.
final class EventSocketServer {
    /// A framed line and who sent it.
    struct Line {
        var connection: UInt64
        var bytes: [UInt8]
        var uid: UInt32
        var pid: Int32
        /// Set when the line broke a limit; the daemon answers it with this error.
        var framingError: String?
    }

    struct Limits {
        var maxConnections = 1024
        var idleMilliseconds: Int64 = 60_000
        /// Stop reading from a client whose unread replies exceed this.
        var maxPendingOutput = 1 << 20
        /// Lines handed out per wake-up, across all clients: one round's, so one batch's at
        /// most. Small rounds keep the loop and the store writer busy at once: the next
        /// round is worked out while the writer commits the last, and the writer still joins
        /// what queues up meanwhile into one transaction (docs/performance.md).
        var maxLinesPerRound = 512
    }


    let listenFD: Int32
    let limits: Limits
    private let loop: EventLoop
    private var connections: [UInt64: Connection] = [:]
    private var nextID: UInt64 = LoopToken.firstConnection
    /// Connections with complete lines still buffered (a round's line budget ran out), in
    /// the order they are served: one served goes to the back if it still has lines, so a
    /// client pipelining thousands of lines takes turns with the others.
    private var backlog: [UInt64] = []

    init(listenFD: Int32, loop: EventLoop, limits: Limits = Limits()) {
        self.listenFD = listenFD
        self.loop = loop
        self.limits = limits
        _ = tocsin_set_nonblocking(listenFD)
        loop.add(listenFD, token: LoopToken.listener)
    }

    var connectionCount: Int { connections.count }
    var hasBacklog: Bool { !backlog.isEmpty }

    func owns(_ token: UInt64) -> Bool { token >= LoopToken.firstConnection }

    /// Accepts every pending connection. At the limit, the client idle longest (and owed
    /// nothing) is closed to make room, so idle hogs cannot lock out a real reporter; when
    /// every client is busy, the newcomer is closed at once (it sees end-of-file).
    func acceptAll(now: Int64) {
        while true {
            let fd = tocsin_accept(listenFD)
            if fd < 0 {
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(-fd) { pauseAccepting(now: now, errno: -fd) }
                return
            }
            if connections.count >= limits.maxConnections && !evictIdlest() {
                close(fd)
                continue
            }
            var uid: UInt32 = UInt32.max
            var gid: UInt32 = 0
            var pid: Int32 = 0
            _ = tocsin_peercred(fd, &uid, &gid, &pid)
            let id = nextID
            nextID += 1
            connections[id] = Connection(id: id, fd: fd, uid: uid, pid: pid, now: now)
            loop.add(fd, token: id)
        }
    }

    /// Reads what a client sent and returns its complete lines, within `budget`.
    func readable(_ id: UInt64, events: UInt32, now: Int64, budget: inout Int) -> [Line] {
        guard let c = connections[id] else { return [] }
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 && events & EPOLLIN.rawValue == 0 {
            c.peerClosed = true
        }
        if events & EPOLLOUT.rawValue != 0 { flush(c) }
        if events & EPOLLIN.rawValue != 0, !c.readingPaused, !c.peerClosed {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            for _ in 0..<4 {
                let n = chunk.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    c.input.append(contentsOf: chunk[0..<n])
                    c.lastActivity = now
                    if n < chunk.count { break }
                } else if n == 0 {
                    c.peerClosed = true
                    break
                } else {
                    if errno != EAGAIN && errno != EINTR { c.peerClosed = true }
                    break
                }
            }
        }
        var lines: [Line] = []
        frame(c, budget: &budget, into: &lines)
        closeIfDone(c)
        return lines
    }

    /// Lines left over from earlier rounds, taking the waiting connections in turn.
    func drainBacklog(budget: inout Int) -> [Line] {
        var lines: [Line] = []
        var turns = backlog.count
        while budget > 0, turns > 0 {
            turns -= 1
            let id = backlog.removeFirst()
            guard let c = connections[id] else { continue }
            c.inBacklog = false
            frame(c, budget: &budget, into: &lines)
        }
        return lines
    }

    /// The index of the first line feed in the connection's input at or after `start`
    /// (`memchr`: a round frames thousands of lines).
    private static func newline(in input: [UInt8], from start: Int) -> Int? {
        input.withUnsafeBufferPointer { buffer in
            guard start < buffer.count, let base = buffer.baseAddress,
                let found = memchr(base + start, 0x0A, buffer.count - start)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func frame(_ c: Connection, budget: inout Int, into lines: inout [Line]) {
        let maxLine = 64 * 1024
        while budget > 0 {
            let start = c.inputStart
            guard let newline = Self.newline(in: c.input, from: start) else {
                if c.bufferedInput > maxLine, !c.discarding {
                    lines.append(Line(connection: c.id, bytes: [], uid: c.uid, pid: c.pid, framingError: "line is longer than 65536 bytes (64 KiB)"))
                    c.awaitingReplies += 1
                    budget -= 1
                    c.discarding = true
                }
                if c.discarding {
                    c.input.removeAll(keepingCapacity: true)
                    c.inputStart = 0
                } else if c.peerClosed, c.bufferedInput > 0 {
                    lines.append(Line(connection: c.id, bytes: Array(c.input[start...]), uid: c.uid, pid: c.pid))
                    c.awaitingReplies += 1
                    budget -= 1
                    c.input.removeAll()
                    c.inputStart = 0
                }
                break
            }
            c.inputStart = newline + 1
            if c.discarding {
                c.discarding = false
                continue
            }
            var end = newline
            if end > start, c.input[end - 1] == 0x0D { end -= 1 }
            if end == start { continue }
            if end - start > maxLine {
                lines.append(Line(connection: c.id, bytes: [], uid: c.uid, pid: c.pid, framingError: "line is longer than 65536 bytes (64 KiB)"))
            } else {
                lines.append(Line(connection: c.id, bytes: Array(c.input[start..<end]), uid: c.uid, pid: c.pid))
            }
            c.awaitingReplies += 1
            budget -= 1
        }
        if c.inputStart > 0 && (c.inputStart == c.input.count || c.inputStart > 65_536) {
            c.input.removeFirst(c.inputStart)
            c.inputStart = 0
        }
        if budget <= 0, !c.inBacklog, Self.newline(in: c.input, from: c.inputStart) != nil {
            c.inBacklog = true
            backlog.append(c.id)
        }
    }

    /// Queues a reply line for a client and writes what the socket takes.
    func reply(_ id: UInt64, _ text: String) {
        guard let c = connections[id] else { return }
        c.output.append(contentsOf: text.utf8)
        c.output.append(0x0A)
        c.awaitingReplies -= 1
    }

    /// Writes queued replies of every client that has some; applies backpressure.
    func flushAll() {
        for c in connections.values where c.pendingOutput > 0 || c.peerClosed { flush(c) }
    }

    private func flush(_ c: Connection) {
        while c.pendingOutput > 0 {
            let n = c.output[c.outputStart...].withUnsafeBytes { send(c.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                c.outputStart += n
            } else {
                if n < 0 && errno != EAGAIN && errno != EINTR {
                    c.output.removeAll()
                    c.outputStart = 0
                    c.peerClosed = true
                }
                break
            }
        }
        if c.outputStart == c.output.count {
            c.output.removeAll(keepingCapacity: c.output.capacity <= 65_536)
            c.outputStart = 0
        } else if c.outputStart > 65_536 {
            c.output.removeFirst(c.outputStart)
            c.outputStart = 0
        }
        let pause = c.pendingOutput > limits.maxPendingOutput
        let wantsWrite = c.pendingOutput > 0
        if pause != c.readingPaused || wantsWrite != c.wantsWrite {
            c.readingPaused = pause
            c.wantsWrite = wantsWrite
            loop.modify(c.fd, token: c.id, readable: !pause && !c.peerClosed, writable: wantsWrite)
        }
        closeIfDone(c)
    }

    private func closeIfDone(_ c: Connection) {
        if c.peerClosed && c.awaitingReplies == 0 && c.pendingOutput == 0 && !c.input[c.inputStart...].contains(0x0A) {
            drop(c)
        } else if c.peerClosed && !c.wantsWrite {
            // Stop hearing about the hang-up until there is something to write.
            loop.modify(c.fd, token: c.id, readable: false, writable: c.pendingOutput > 0)
        }
    }

    private func drop(_ c: Connection) {
        loop.remove(c.fd)
        close(c.fd)
        connections[c.id] = nil
        if c.inBacklog { backlog.removeAll { $0 == c.id } }
    }

    /// Out of descriptors (or memory): the listener is level-triggered, so it would fire
    /// again at once for ever. It is taken out of the loop for `acceptPause` ms (clients
    /// wait in the backlog meanwhile), and the idlest client is closed to free one.
    private func pauseAccepting(now: Int64, errno code: Int32) {
        guard acceptResumeAt == nil else { return }
        loop.modify(listenFD, token: LoopToken.listener, readable: false, writable: false)
        acceptResumeAt = now + Self.acceptPause
        acceptPauses.append(String(cString: strerror(code)))
        _ = evictIdlest()
    }

    /// How long accepting pauses when the process is out of descriptors (ms).
    static let acceptPause: Int64 = 100

    /// When accepting resumes after running out of descriptors (monotonic ms), if paused.
    private(set) var acceptResumeAt: Int64?
    /// Why accepting paused since the last `takeAcceptPauses()`, for the journal.
    private var acceptPauses: [String] = []

    /// Listens again once the pause is over.
    func resumeAcceptingIfDue(now: Int64) {
        guard let at = acceptResumeAt, now >= at else { return }
        acceptResumeAt = nil
        loop.modify(listenFD, token: LoopToken.listener, readable: true, writable: false)
    }

    /// The reasons accepting paused since the last call.
    func takeAcceptPauses() -> [String] {
        defer { acceptPauses.removeAll() }
        return acceptPauses
    }

    private func evictIdlest() -> Bool {
        guard let victim = connections.values.filter({ $0.awaitingReplies == 0 && $0.pendingOutput == 0 })
            .min(by: { $0.lastActivity < $1.lastActivity })
        else { return false }
        drop(victim)
        return true
    }

    /// Closes clients idle longer than the limit (with nothing owed to them).
    func closeIdle(now: Int64) {
        for c in connections.values where now - c.lastActivity > limits.idleMilliseconds && c.awaitingReplies == 0 {
            drop(c)
        }
    }

    /// Closes everything (shutdown).
    func closeAll() {
        for c in connections.values { drop(c) }
        loop.remove(listenFD)
    }
}
