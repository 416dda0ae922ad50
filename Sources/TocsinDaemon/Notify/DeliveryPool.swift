import TocsinSystem

/// Worker threads that hand notifications over (sendmail, Maildir, exec) so a slow or
/// hung child never stalls the event loop: a `WorkerQueue` of one job at a time, whose
/// eventfd the loop watches. The workers live as long as the process: a delivery in
/// flight when tocsind stops has no recorded result, stays queued in the store, and is
/// sent again at the next start with the same Message-ID (at least once, SPEC §11).
final class DeliveryPool: Sendable {
    private let queue: WorkerQueue<DeliveryJob, DeliveryResult>

    /// The eventfd that is readable once a result is ready.
    var eventFD: Int32 { queue.eventFD }

    init(workers: Int, method: DeliveryMethod) {
        queue = WorkerQueue(threads: workers) { jobs in jobs.map(method.deliver) }
    }

    func submit(_ job: DeliveryJob) { queue.submit(job) }

    /// Results ready so far (also clears the eventfd).
    func takeResults() -> [DeliveryResult] { queue.takeResults() }
}
