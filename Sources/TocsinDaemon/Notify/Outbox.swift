import TocsinCore

/// The notifications waiting to go out, on the event loop's side: which are due, which are
/// in flight with a worker, and what to do when one fails (retry with backoff: the first
/// within 5 s, doubling, at most 10 min apart; failed for good after `giveUpAfter`).
final class Outbox {
    /// What became of a delivery, for the store and the journal.
    enum Outcome {
        case sent(OutboxItem)
        case retry(OutboxItem)
        case failed(OutboxItem)
    }

    private var due = MinHeap<Timestamp, String>()
    private var waiting: [String: OutboxItem] = [:]
    private var inFlight: [String: OutboxItem] = [:]
    private let pool: DeliveryPool
    private let concurrency: Int
    let giveUpAfter: RuleDuration
    let firstRetry: RuleDuration

    init(pool: DeliveryPool, concurrency: Int, giveUpAfter: RuleDuration, firstRetry: RuleDuration) {
        self.pool = pool
        self.concurrency = concurrency
        self.giveUpAfter = giveUpAfter
        self.firstRetry = firstRetry
    }

    /// Queued and in-flight notifications.
    var queuedCount: Int { waiting.count + inFlight.count }

    /// When the next waiting notification is due.
    var nextDue: Timestamp? { inFlight.count < concurrency ? due.minKey : nil }

    func enqueue(_ item: OutboxItem) {
        guard waiting[item.message.messageID] == nil, inFlight[item.message.messageID] == nil else { return }
        waiting[item.message.messageID] = item
        due.push(item.nextAttempt ?? item.message.created, item.message.messageID)
    }

    /// Hands due notifications to the workers, up to the concurrency limit.
    func dispatch(now: Timestamp) {
        while inFlight.count < concurrency, let key = due.minKey, key <= now, let (_, id) = due.pop() {
            guard let item = waiting.removeValue(forKey: id) else { continue }
            inFlight[id] = item
            pool.submit(DeliveryJob(messageID: id, channel: item.message.channel, content: item.content, environment: item.message.environment))
        }
    }

    /// Takes the workers' results.
    func complete(_ results: [DeliveryResult], now: Timestamp) -> [Outcome] {
        results.compactMap { result in
            guard var item = inFlight.removeValue(forKey: result.messageID) else { return nil }
            item.attempts += 1
            guard let failure = result.failure else {
                item.status = .sent
                return .sent(item)
            }
            item.lastError = failure
            if now - item.message.created >= giveUpAfter {
                item.status = .failed
                item.nextAttempt = nil
                return .failed(item)
            }
            let doubled = firstRetry.milliseconds << Int64(min(item.attempts - 1, 20))
            let backoff = RuleDuration(milliseconds: min(600_000, doubled))
            item.nextAttempt = now + backoff
            item.status = .queued
            enqueue(item)
            return .retry(item)
        }
    }
}
