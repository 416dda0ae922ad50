import TocsinCore

/// The writes of one round, recorded on the event loop and carried out in order, in one
/// transaction, by the `StoreWriter` thread (`Store.apply`). Recording cannot fail; the
/// commit can, and then nothing of the batch is in the store.
final class StoreBatch {
    enum Operation {
        case incident(Incident)
        case timeline(incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String?, uid: UInt32?, pid: Int32?)
        case outbox(OutboxItem, storm: HeldMessage?)
        case merged([String])
        case sent(messageID: String, at: Timestamp, attempts: Int)
        case attempt(messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?)
        case spoolFile(name: String, digest: Int64, at: Timestamp)
        case report(TimeOfDay, at: Timestamp)
        case meta(String, String)
    }

    private(set) var operations: [Operation] = []

    var isEmpty: Bool { operations.isEmpty }

    /// An incident's whole current state.
    func save(_ incident: Incident) { operations.append(.incident(incident)) }

    /// A timeline entry.
    func appendTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String? = nil, uid: UInt32? = nil,
        pid: Int32? = nil
    ) {
        operations.append(.timeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid))
    }

    /// An outbox item, inserted or with its state replaced.
    func saveOutbox(_ item: OutboxItem, storm: HeldMessage? = nil) { operations.append(.outbox(item, storm: storm)) }

    /// Held messages merged into the one sent instead.
    func markMerged(_ messageIDs: [String]) { operations.append(.merged(messageIDs)) }

    /// A delivery.
    func markSent(_ messageID: String, at: Timestamp, attempts: Int) {
        operations.append(.sent(messageID: messageID, at: at, attempts: attempts))
    }

    /// A failed attempt: queued again for `nextAttempt`, or failed for good.
    func markAttempt(_ messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?) {
        operations.append(.attempt(messageID: messageID, attempts: attempts, error: error, nextAttempt: nextAttempt))
    }

    /// A spool file applied (with its events).
    func recordSpoolFile(name: String, digest: Int64, at: Timestamp) { operations.append(.spoolFile(name: name, digest: digest, at: at)) }

    /// A daily report sent.
    func recordReport(time: TimeOfDay, at: Timestamp) { operations.append(.report(time, at: at)) }

    /// A meta value.
    func setMeta(_ key: String, _ value: String) { operations.append(.meta(key, value)) }
}

extension Store {
    /// Carries out a batch's writes, in order, inside the caller's transaction.
    func apply(_ batch: StoreBatch) throws(StoreError) {
        for operation in batch.operations {
            switch operation {
            case .incident(let incident): try save(incident)
            case .timeline(let incident, let at, let what, let detail, let source, let uid, let pid):
                try appendTimeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid)
            case .outbox(let item, let storm): try saveOutbox(item, storm: storm)
            case .merged(let ids): try markMerged(ids)
            case .sent(let id, let at, let attempts): try markSent(id, at: at, attempts: attempts)
            case .attempt(let id, let attempts, let error, let next): try markAttempt(id, attempts: attempts, error: error, nextAttempt: next)
            case .spoolFile(let name, let digest, let at): try recordSpoolFile(name: name, digest: digest, at: at)
            case .report(let time, let at): try recordReport(time: time, at: at)
            case .meta(let key, let value): try setMeta(key, value)
            }
        }
    }
}
