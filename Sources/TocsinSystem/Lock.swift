#if canImport(Glibc)
    import Glibc
#endif

/// A pthread mutex with condition variables (one unless asked for more), at a stable
/// address. Waiters of different kinds wait on different conditions, so a `signal` wakes
/// one of the kind it is meant for.
package final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    private let conditionCount: Int

    package init(conditions: Int = 1) {
        conditionCount = max(1, conditions)
        self.conditions = .allocate(capacity: conditionCount)
        pthread_mutex_init(mutex, nil)
        for index in 0..<conditionCount { pthread_cond_init(self.conditions + index, nil) }
    }

    deinit {
        for index in 0..<conditionCount { pthread_cond_destroy(conditions + index) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        conditions.deallocate()
    }

    package func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits on condition `index`; call with the lock held (inside `withLock`).
    package func wait(_ index: Int = 0) { pthread_cond_wait(conditions + index, mutex) }

    /// Wakes one waiter on condition `index`.
    package func signal(_ index: Int = 0) { pthread_cond_signal(conditions + index) }

    /// Wakes every waiter on condition `index`.
    package func broadcast(_ index: Int = 0) { pthread_cond_broadcast(conditions + index) }
}
