import CTocsinShims
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// Worker threads that hand notifications over (sendmail, Maildir, exec) so a slow or
/// hung child never stalls the event loop. Results come back through a queue and an
/// eventfd the loop watches. The workers live as long as the process: a delivery in
/// flight when tocsind stops has no recorded result, stays queued in the store, and is
/// sent again at the next start with the same Message-ID (at least once, SPEC §11).
final class DeliveryPool: @unchecked Sendable {

    let eventFD: Int32
    private let lock = Lock()
    private var jobs: [DeliveryJob] = []
    private var jobHead = 0
    private var results: [DeliveryResult] = []
    private var threads: [pthread_t] = []
    private let method: DeliveryMethod

    init(workers: Int, method: DeliveryMethod) {
        self.method = method
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        threads = (0..<workers).map { _ in startThread { self.work() } }
    }

    func submit(_ job: DeliveryJob) {
        lock.withLock {
            jobs.append(job)
            lock.signal()
        }
    }

    /// Results ready so far (also clears the eventfd).
    func takeResults() -> [DeliveryResult] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return lock.withLock {
            defer { results.removeAll(keepingCapacity: true) }
            return results
        }
    }

    private func work() {
        while true {
            let job: DeliveryJob? = lock.withLock {
                while jobHead == jobs.count { lock.wait() }
                let job = jobs[jobHead]
                jobHead += 1
                if jobHead > 1024 && jobHead * 2 > jobs.count {
                    jobs.removeFirst(jobHead)
                    jobHead = 0
                }
                return job
            }
            guard let job else { return }
            let result = method.deliver(job)
            lock.withLock { results.append(result) }
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }
}
