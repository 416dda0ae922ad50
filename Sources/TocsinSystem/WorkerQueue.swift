import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// The one way work leaves the event loop for background threads: jobs queued under a
/// lock, `threads` workers that each take a share of what is queued, and their results
/// gathered for the loop, which is woken through `eventFD` (readable once a result is
/// ready) or polls `takeResults()`.
///
/// What holds: every job submitted before `stop()` is worked on exactly once; `stop()`
/// returns after the queue is empty and every worker has ended; results come back in the
/// order each worker finished them (not the order submitted, with more than one worker).
package final class WorkerQueue<Job: Sendable, Result: Sendable>: @unchecked Sendable {
    /// Readable while results wait to be taken (an eventfd; `takeResults()` clears it).
    package let eventFD: Int32
    private let lock = Lock()
    private var jobs: [Job] = []
    private var head = 0
    private var results: [Result] = []
    private var stopping = false
    private var threads: [pthread_t] = []
    private let share: @Sendable (Int) -> Int
    private let work: @Sendable ([Job]) -> [Result]

    /// Starts `threads` workers. A worker takes `share(queued)` jobs at a time (at least one,
    /// at most what is queued) and runs `work` on them outside the lock.
    package init(
        threads count: Int, share: @escaping @Sendable (Int) -> Int = { _ in 1 },
        work: @escaping @Sendable ([Job]) -> [Result]
    ) {
        self.share = share
        self.work = work
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        threads = (0..<max(1, count)).map { _ in startThread { self.run() } }
    }

    deinit { close(eventFD) }

    /// Queues a job.
    package func submit(_ job: Job) {
        lock.withLock {
            jobs.append(job)
            lock.signal()
        }
    }

    /// The results ready so far (and clears `eventFD`).
    package func takeResults() -> [Result] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return lock.withLock {
            defer { results.removeAll(keepingCapacity: true) }
            return results
        }
    }

    /// Works off what is queued, then ends the workers.
    package func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    private func run() {
        while true {
            let taken: [Job] = lock.withLock {
                while head == jobs.count && !stopping { lock.wait() }
                let queued = jobs.count - head
                guard queued > 0 else { return [] }
                let count = min(queued, max(1, share(queued)))
                let slice = Array(jobs[head..<(head + count)])
                head += count
                // Drop what was taken once it is most of the array (amortised O(1) a job).
                if head > 1024 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                return slice
            }
            if taken.isEmpty { return }  // stopping, nothing left
            let done = work(taken)
            lock.withLock { results += done }
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }
}
