import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// The notifications waiting to go out, on the event loop's side: which are due, which are
/// in flight with a worker, and what to do when one fails (retry with backoff: the first
/// within 5 s, doubling, at most 10 min apart; failed for good after `giveUpAfter`).
///
/// One incident's messages to one contact go in the order they were queued: each waits
/// (parked) until the one before it is sent or has failed for good, retries included, so
/// a repeat never arrives before the step it repeats.
final class Outbox {
    /// One incident's messages to one contact.
    private struct Lane: Hashable {
        var incident: IncidentNumber
        var contact: ContactName
    }

    /// What became of a delivery, for the store and the journal.
    enum Outcome {
        case sent(OutboxItem)
        case retry(OutboxItem)
        case failed(OutboxItem)
    }

    private var due = MinHeap<Timestamp, String>()
    private var waiting: [String: OutboxItem] = [:]
    private var inFlight: [String: OutboxItem] = [:]
    /// Each lane's queued message ids, in order: the first may be due, the others are parked.
    private var lanes: [Lane: [String]] = [:]
    private var parked: [String: OutboxItem] = [:]
    private let pool: DeliveryPool
    private let concurrency: Int
    let giveUpAfter: RuleDuration
    let firstRetry: RuleDuration
    /// Signs reply codes into exec contacts' environment.
    var replyProof: ReplyProof?
    /// The rules' language, for the short SMS text (kept current at reload).
    var language: Language = .english
    /// `set site`, as `TOCSIN_SITE` for exec contacts (kept current at reload).
    var site: String?

    init(pool: DeliveryPool, concurrency: Int, giveUpAfter: RuleDuration, firstRetry: RuleDuration) {
        self.pool = pool
        self.concurrency = concurrency
        self.giveUpAfter = giveUpAfter
        self.firstRetry = firstRetry
    }

    /// Queued and in-flight notifications.
    var queuedCount: Int { waiting.count + inFlight.count + parked.count }

    /// When the next waiting notification is due.
    var nextDue: Timestamp? { inFlight.count < concurrency ? due.minKey : nil }

    func enqueue(_ item: OutboxItem) {
        let id = item.message.messageID
        guard waiting[id] == nil, inFlight[id] == nil, parked[id] == nil else { return }
        if let lane = Self.lane(of: item) {
            var ids = lanes[lane, default: []]
            if !ids.contains(id) { ids.append(id) }
            lanes[lane] = ids
            // A retry of the lane's first is due again; anything later waits its turn.
            guard ids.first == id else {
                parked[id] = item
                return
            }
        }
        makeDue(item)
    }

    private func makeDue(_ item: OutboxItem) {
        waiting[item.message.messageID] = item
        due.push(item.nextAttempt ?? item.message.created, item.message.messageID)
    }

    private static func lane(of item: OutboxItem) -> Lane? {
        item.message.incident.map { Lane(incident: $0, contact: item.message.contact) }
    }

    /// The lane's first is done (sent, or failed for good): the next one's turn.
    private func finished(_ item: OutboxItem) {
        guard let lane = Self.lane(of: item), var ids = lanes[lane] else { return }
        ids.removeAll { $0 == item.message.messageID }
        if ids.isEmpty {
            lanes[lane] = nil
        } else {
            lanes[lane] = ids
            if let next = parked.removeValue(forKey: ids[0]) { makeDue(next) }
        }
    }

    /// Hands due notifications to the workers, up to the concurrency limit.
    func dispatch(now: Timestamp) {
        while inFlight.count < concurrency, let key = due.minKey, key <= now, let (_, id) = due.pop() {
            guard let item = waiting.removeValue(forKey: id) else { continue }
            inFlight[id] = item
            pool.submit(DeliveryJob(messageID: id, channel: item.message.channel, content: item.content, environment: environment(item.message)))
        }
    }

    /// An exec contact's `TOCSIN_*` environment: the message's, its reply code
    /// (`TOCSIN_REPLY_CODE`), the branch (`TOCSIN_SITE`) and a one-line text fit for an SMS (`TOCSIN_SHORT_TEXT`).
    private func environment(_ message: OutboundMessage) -> [String: String] {
        guard case .exec = message.channel else { return [:] }
        var environment = message.environment
        let code = replyProof.flatMap { OutboxItem.replyCode(message, proof: $0) }
        if let code { environment["TOCSIN_REPLY_CODE"] = code }
        if let site { environment["TOCSIN_SITE"] = site }
        environment["TOCSIN_SHORT_TEXT"] = language.catalog.smsText(subject: HeaderText.sanitized(message.subject), code: code)
        return environment
    }

    /// Takes the workers' results.
    func complete(_ results: [DeliveryResult], now: Timestamp) -> [Outcome] {
        results.compactMap { result in
            guard var item = inFlight.removeValue(forKey: result.messageID) else { return nil }
            item.attempts += 1
            guard let failure = result.failure else {
                item.status = .sent
                finished(item)
                return .sent(item)
            }
            item.lastError = failure
            if now - item.message.created >= giveUpAfter {
                item.status = .failed
                item.nextAttempt = nil
                finished(item)
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
