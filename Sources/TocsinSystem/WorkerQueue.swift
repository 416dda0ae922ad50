import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// The one way work leaves the calling thread for background threads (delivery, spool
/// removal, the store writer, the journal sender, a restart's packer): jobs queued under a
/// lock, `threads` workers that each take a share of what is queued, and their results
/// gathered for the caller, which is woken through `eventFD` (readable once a result is
/// ready), polls `takeResults()` or blocks in `waitForResults()`.
///
/// What holds:
/// - every job submitted before `stop()` is worked on exactly once; `stop()` returns after
///   the queue is empty and every worker has ended;
/// - one worker takes jobs in the order submitted, and its results come out in the order
///   it publishes them (with more workers, in the order each finished);
/// - with a `capacity`, `submit` waits while that many jobs are queued and not yet taken
///   (a stuck worker slows its caller instead of growing the queue without bound).
package final class WorkerQueue<Job: Sendable, Result: Sendable>: @unchecked Sendable {
    /// Hands a worker's results to the caller as it goes (several times a job, if it likes).
    package typealias Publish = ([Result]) -> Void

    /// Readable while results wait to be taken (an eventfd; `takeResults()` clears it).
    package let eventFD: Int32
    /// Condition 0: a worker waits for jobs; condition 1: a caller waits for room or results.
    private let lock = Lock(conditions: 2)
    private static var jobsQueued: Int { 0 }
    private static var roomOrResults: Int { 1 }
    private var jobs: [Job] = []
    private var head = 0
    private var results: [Result] = []
    private var stopping = false
    private var threads: [pthread_t] = []
    private let capacity: Int
    private let share: @Sendable (Int) -> Int
    private let work: @Sendable ([Job], Publish) -> Void

    /// Starts `threads` workers. A worker takes `share(queued)` jobs at a time (at least one,
    /// at most what is queued) and runs `work` on them outside the lock; `work` publishes
    /// results through its second argument, and may go on working after it did.
    package init(
        threads count: Int = 1, share: @escaping @Sendable (Int) -> Int = { _ in 1 }, capacity: Int = .max,
        work: @escaping @Sendable ([Job], Publish) -> Void
    ) {
        self.capacity = max(1, capacity)
        self.share = share
        self.work = work
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        threads = (0..<max(1, count)).map { _ in startThread { self.run() } }
    }

    /// Starts workers whose results are what `work` returns for the jobs it took.
    package convenience init(
        threads count: Int = 1, share: @escaping @Sendable (Int) -> Int = { _ in 1 }, capacity: Int = .max,
        work: @escaping @Sendable ([Job]) -> [Result]
    ) {
        self.init(threads: count, share: share, capacity: capacity) { jobs, publish in publish(work(jobs)) }
    }

    deinit { close(eventFD) }

    /// Queues a job (waiting first while `capacity` jobs are queued).
    package func submit(_ job: Job) {
        lock.withLock {
            while jobs.count - head >= capacity && !stopping { lock.wait(Self.roomOrResults) }
            jobs.append(job)
            lock.signal(Self.jobsQueued)
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

    /// Blocks until a result is ready, then takes what is ready (and clears `eventFD`).
    package func waitForResults() -> [Result] {
        lock.withLock {
            while results.isEmpty { lock.wait(Self.roomOrResults) }
        }
        return takeResults()
    }

    /// Works off what is queued, then ends the workers.
    package func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast(Self.jobsQueued)
            lock.broadcast(Self.roomOrResults)
        }
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    private func publish(_ done: [Result]) {
        guard !done.isEmpty else { return }
        lock.withLock {
            results += done
            lock.broadcast(Self.roomOrResults)
        }
        var one: UInt64 = 1
        _ = write(eventFD, &one, 8)
    }

    private func run() {
        while true {
            let taken: [Job] = lock.withLock {
                while head == jobs.count && !stopping { lock.wait(Self.jobsQueued) }
                let queued = jobs.count - head
                guard queued > 0 else { return [] }
                let count = min(queued, max(1, share(queued)))
                let slice = Array(jobs[head..<(head + count)])
                head += count
                // Drop what was taken once it is most of the array (amortised O(1) a job).
                if head == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    head = 0
                } else if head > 1024 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                if capacity != .max { lock.broadcast(Self.roomOrResults) }
                return slice
            }
            if taken.isEmpty { return }  // stopping, nothing left
            work(taken, publish)
        }
    }
}
