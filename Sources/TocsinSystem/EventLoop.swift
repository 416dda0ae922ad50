import CTocsinShims
#if canImport(Glibc)
    import Glibc
#endif

/// What woke the loop: every descriptor the daemon watches is registered under one of
/// these, and socket clients under numbers from `firstConnection` up (one each).
package enum LoopToken {
    /// The events socket's listener.
    package static let listener: UInt64 = 1
    /// The spool's inotify descriptor.
    package static let spool: UInt64 = 2
    /// The delivery workers' eventfd (results ready).
    package static let deliveries: UInt64 = 3
    /// The signalfd (SIGTERM, SIGINT, SIGHUP).
    package static let signals: UInt64 = 4
    /// The store writer's eventfd (commits done).
    package static let storeWriter: UInt64 = 5
    /// The first socket client's token.
    package static let firstConnection: UInt64 = 1 << 32
}

/// A thin epoll(7) wrapper: file descriptors registered with a 64-bit token, and a wait
/// with a millisecond timeout (epoll's timeout runs on the monotonic clock).
package final class EventLoop {
    private let epfd: Int32
    private var events = [epoll_event](repeating: epoll_event(), count: 256)

    package init() throws(SystemError) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw SystemError("cannot create an epoll instance") }
    }

    deinit { close(epfd) }

    package func add(_ fd: Int32, token: UInt64, readable: Bool = true, writable: Bool = false) {
        var event = epoll_event(events: mask(readable, writable), data: epoll_data_t(u64: token))
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)
    }

    package func modify(_ fd: Int32, token: UInt64, readable: Bool, writable: Bool) {
        var event = epoll_event(events: mask(readable, writable), data: epoll_data_t(u64: token))
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
    }

    package func remove(_ fd: Int32) {
        var event = epoll_event()
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeout` ms (-1: forever) and returns (token, events) pairs.
    package func wait(timeout: Int32) -> [(token: UInt64, events: UInt32)] {
        let n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, Int32($0.count), timeout) }
        guard n > 0 else { return [] }
        return (0..<Int(n)).map { (events[$0].data.u64, events[$0].events) }
    }

    private func mask(_ readable: Bool, _ writable: Bool) -> UInt32 {
        var m: UInt32 = 0
        if readable { m |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if writable { m |= EPOLLOUT.rawValue }
        return m
    }
}
