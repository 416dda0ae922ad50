import TocsinCore
import TocsinSystem

/// The writes of one round, recorded on the event loop and carried out in order, in one
/// transaction, by the `StoreWriter` thread (`Store.apply`). Recording cannot fail; the
/// commit can, and then nothing of the batch is in the store. Once submitted, a batch
/// belongs to the writer, which empties it as it goes.
package final class StoreBatch {
    package enum Operation {
        /// With its fields as logfmt when the caller has them at hand.
        case incident(Incident, fieldsText: String?)
        case progress(IncidentNumber, firedSteps: UInt64, repeatsSent: Int, told: [ContactName], threadRoot: String?)
        /// A fired step's timeline row ("LABEL: CONTACT …"), its text put together by the writer.
        case stepFired(IncidentNumber, at: Timestamp, label: String, contacts: [ContactName])
        case timeline(incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String?, uid: UInt32?, pid: Int32?)
        case outbox(OutboxItem)
        /// Messages held for one contact and rule until one instant: `chunks[chunk]`.
        case held(StormKey, releaseAt: Timestamp, chunk: Int)
        case released(StormRelease)
        case sent(messageID: String, at: Timestamp, attempts: Int)
        case attempt(messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?)
        case spoolFile(name: String, digest: Int64, at: Timestamp)
        case spoolFileGone(name: String)
        /// A pass of retention: what was resolved before the instant goes.
        case prune(before: Timestamp)
        case report(TimeOfDay, at: Timestamp)
        case meta(String, String)
        /// A silence, new or expired early.
        case silence(Silence)
        /// A hold recorded with an incident, begun or ended.
        case hold(IncidentNumber, RecordedHold)
        /// A resolved incident's holds go.
        case holdsGone(IncidentNumber)
        /// A reply acted on, by its key.
        case reply(AppliedReply)
        /// One already carried out (its values moved out to the store).
        case done
    }

    /// An empty batch.
    package init() {}

    private(set) var operations: [Operation] = []
    /// The messages of each `.held` operation, gathered while the round goes on.
    private(set) var chunks: [[OutboundMessage]] = []
    /// The chunk a further message held for a key until an instant joins.
    private var openChunks: [HeldUntil: Int] = [:]
    /// The chunk the last held message joined: in a storm the next one joins it too, found
    /// without hashing the key.
    private var lastChunk: (until: HeldUntil, chunk: Int)?

    private struct HeldUntil: Hashable {
        package var key: StormKey
        package var releaseAt: Timestamp
    }

    package var isEmpty: Bool { operations.isEmpty }

    /// Makes room for this many more operations (a storm's slice records thousands).
    package func reserve(_ count: Int) { operations.reserveCapacity(operations.count + count) }

    /// Moves operation `index` out, leaving `.done` in its place.
    package func take(_ index: Int) -> Operation {
        var operation = Operation.done
        swap(&operation, &operations[index])
        return operation
    }

    /// An incident's whole current state (`fieldsText`: `incident.fields.logfmt`, if known).
    package func save(_ incident: Incident, fieldsText: String? = nil) { operations.append(.incident(incident, fieldsText: fieldsText)) }

    /// What a step firing changed in an incident (which steps fired, who was told), and
    /// nothing else: a storm of firings does not rewrite every incident's fields.
    package func saveProgress(_ incident: Incident) {
        operations.append(
            .progress(
                incident.number, firedSteps: incident.firedSteps, repeatsSent: incident.repeatsSent, told: incident.told,
                threadRoot: incident.threadRoot))
    }

    /// The timeline row of a fired step. Its text is made on the writer's thread: in a timer
    /// storm the event loop is the busier of the two.
    package func appendStepFired(incident: IncidentNumber, at: Timestamp, label: String, contacts: [ContactName]) {
        operations.append(.stepFired(incident, at: at, label: label, contacts: contacts))
    }

    /// A timeline entry.
    package func appendTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String? = nil, uid: UInt32? = nil,
        pid: Int32? = nil
    ) {
        operations.append(.timeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid))
    }

    /// An outbox item, inserted or with its state replaced.
    package func saveOutbox(_ item: OutboxItem) { operations.append(.outbox(item)) }

    /// A message storm control holds: it joins the round's chunk for its key and release
    /// time (stored where the chunk's first message was held), or starts one.
    package func saveHeld(_ held: HeldMessage) {
        let until = HeldUntil(key: held.key, releaseAt: held.releaseAt)
        if let chunk = lastChunk?.until == until ? lastChunk?.chunk : openChunks[until] {
            chunks[chunk].append(held.message)
            lastChunk = (until, chunk)
            return
        }
        lastChunk = (until, chunks.count)
        openChunks[until] = chunks.count
        operations.append(.held(held.key, releaseAt: held.releaseAt, chunk: chunks.count))
        chunks.append([held.message])
    }

    /// Held messages let go (sent alone or in a digest, queued in the same batch). A message
    /// held for the key after this starts a new chunk, stored after the release.
    package func deleteHeld(_ release: StormRelease) {
        operations.append(.released(release))
        openChunks = openChunks.filter { $0.key.key != release.key }
        if lastChunk?.until.key == release.key { lastChunk = nil }
    }

    /// A delivery.
    package func markSent(_ messageID: String, at: Timestamp, attempts: Int) {
        operations.append(.sent(messageID: messageID, at: at, attempts: attempts))
    }

    /// A failed attempt: queued again for `nextAttempt`, or failed for good.
    package func markAttempt(_ messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?) {
        operations.append(.attempt(messageID: messageID, attempts: attempts, error: error, nextAttempt: nextAttempt))
    }

    /// A spool file applied (with its events).
    package func recordSpoolFile(name: String, digest: Int64, at: Timestamp) { operations.append(.spoolFile(name: name, digest: digest, at: at)) }
    /// A pass of retention (`Store.prune`); its result comes back through the writer.
    package func prune(before cutoff: Timestamp) { operations.append(.prune(before: cutoff)) }
    /// A spool file whose deletion is done: its record can go.
    package func forgetSpoolFile(name: String) { operations.append(.spoolFileGone(name: name)) }

    /// A daily report sent.
    package func recordReport(time: TimeOfDay, at: Timestamp) { operations.append(.report(time, at: at)) }

    /// A meta value.
    package func setMeta(_ key: String, _ value: String) { operations.append(.meta(key, value)) }

    /// Writes a silence.
    package func saveSilence(_ silence: Silence) { operations.append(.silence(silence)) }

    /// Writes a hold of an incident.
    package func saveHold(_ incident: IncidentNumber, _ hold: RecordedHold) { operations.append(.hold(incident, hold)) }

    /// Records a reply acted on.
    package func recordReply(_ reply: AppliedReply) { operations.append(.reply(reply)) }

    /// Deletes a resolved incident's holds.
    package func deleteHolds(_ incident: IncidentNumber) { operations.append(.holdsGone(incident)) }
}

extension Store {
    /// Carries out a batch's writes, in order, inside the caller's transaction, emptying it.
    /// Each operation is moved out rather than copied: a storm's batch holds thousands of
    /// messages, whose strings a copy would each retain and release again. Incident,
    /// progress and timeline rows are written `MultiRowInsert.maxRows` at a time: queued
    /// incident rows go in before any other write (which might touch them), progress and
    /// timeline rows (which nothing else touches) at the end.
    package func apply(_ batch: StoreBatch) throws(StoreError) {
        do {
            for index in batch.operations.indices {
                let operation = batch.take(index)
                switch operation {
                case .incident(let incident, let fieldsText): try queueSave(incident, fieldsText: fieldsText)
                case .stepFired(let number, let at, let label, let contacts):
                    try queueStepFired(incident: number, at: at, label: label, contacts: contacts)
                case .timeline(let incident, let at, let what, let detail, let source, let uid, let pid):
                    try queueTimeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid)
                case .progress(let number, let firedSteps, let repeatsSent, let told, let threadRoot):
                    try queueProgress(number, firedSteps: firedSteps, repeatsSent: repeatsSent, told: told, threadRoot: threadRoot)
                default:
                    try flushIncidents()
                    try applyOther(operation, batch: batch)
                }
            }
            try flushIncidents()
            try flushProgress()
            try flushTimeline()
        } catch {
            discardPending()
            throw error
        }
    }

    /// An operation that is not a queued row.
    private func applyOther(_ operation: StoreBatch.Operation, batch: StoreBatch) throws(StoreError) {
        switch operation {
        case .incident, .stepFired, .timeline, .progress, .done: break
        case .outbox(let item): try saveOutbox(item)
        case .held(let key, let releaseAt, let chunk): try saveHeld(key, releaseAt: releaseAt, messages: batch.chunks[chunk])
        case .released(let release): try deleteHeld(release)
        case .sent(let id, let at, let attempts): try markSent(id, at: at, attempts: attempts)
        case .attempt(let id, let attempts, let error, let next): try markAttempt(id, attempts: attempts, error: error, nextAttempt: next)
        case .spoolFile(let name, let digest, let at): try recordSpoolFile(name: name, digest: digest, at: at)
        case .spoolFileGone(let name): try forgetSpoolFile(name: name)
        case .prune(let cutoff):
            lastPrune = try prune(before: cutoff)
        case .report(let time, let at): try recordReport(time: time, at: at)
        case .meta(let key, let value): try setMeta(key, value)
        case .silence(let silence): try saveSilence(silence)
        case .hold(let incident, let hold): try saveHold(incident, hold)
        case .holdsGone(let incident): try deleteHolds(incident)
        case .reply(let reply): try saveReply(reply)
        }
    }
}
