import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// What one round must do once its transaction has committed.
struct RoundEffects {
    var replies: [(UInt64, String)] = []
    var journal: [JournalEntry] = []
    var outbox: [OutboxItem] = []
    var spoolApplied: [String] = []
    var spoolFailed: [(String, String)] = []
}

/// Where an event came from, for its timeline row and journal entry.
struct EventSource {
    var name: String
    var uid: UInt32?
    var pid: Int32?
}

/// A round handed to the store writer, waiting for its commit.
struct InFlightRound {
    var sequence: UInt64
    var effects: RoundEffects
    /// The connection of each line, for `error` replies if the commit fails.
    var connections: [UInt64]
    var spoolNames: [String]
    var outcomes: [Outbox.Outcome]
}

extension Daemon {
    /// Rounds that may wait for their commit at once: the loop works on the next round while
    /// the writer commits the last ones, and waits when it is this far ahead.
    static let maxRoundsInFlight = 2
    /// Incidents whose due steps one round fires at most (a timer storm is stored in slices,
    /// each committed while the next is worked out, and clients are served in between).
    static let maxFiringsPerRound = 2000

    /// One round: socket lines, spool files and due timers through the engine; their writes
    /// go to the writer as one batch, and the replies, spool deletions and notifications
    /// wait for its commit.
    func round(lines: [EventSocketServer.Line], spoolNames: [String]) {
        let now = WallClock.now()
        var effects = RoundEffects()
        let storeReady = WallClock.monotonicMilliseconds() >= storeRetryAt
        let outcomes = storeReady ? pendingOutcomes : []
        if storeReady { pendingOutcomes = [] }
        batch = StoreBatch()
        var round = InFlightRound(
            sequence: 0, effects: effects, connections: lines.map(\.connection), spoolNames: spoolNames, outcomes: outcomes)
        do {
            for line in lines { handle(line, now: now, effects: &effects) }
            for name in spoolNames { try handleSpoolFile(name, now: now, effects: &effects) }
            apply(engine.tick(now: now, maxFirings: Daemon.maxFiringsPerRound), now: now, source: nil, effects: &effects)
            record(outcomes, effects: &effects)
            for name in spool.takeDeleted() { batch.forgetSpoolFile(name: name) }
            scheduleRetention(WallClock.monotonicMilliseconds())
            recordRulesFingerprint()
        } catch {
            // Reading the store failed halfway (the spool check): the engine has moved on
            // without a commit, so the round fails as if its commit had.
            completeRounds(waitForAll: true)
            fail(round, error: error)
            rebuildAfterFailure()
            return
        }
        round.effects = effects
        submit(round)
    }

    /// Runs actions outside a round (a reload) as their own batch.
    func commitActions(_ actions: [EngineAction]) {
        var effects = RoundEffects()
        apply(actions, now: WallClock.now(), source: nil, effects: &effects)
        recordRulesFingerprint()
        submit(InFlightRound(sequence: 0, effects: effects, connections: [], spoolNames: [], outcomes: []))
    }

    /// Hands the round's batch to the writer; waits for a commit when too far ahead.
    private func submit(_ round: InFlightRound) {
        if batch.isEmpty && commits.isEmpty {
            perform(round.effects)
            return
        }
        let submitted = batch
        batch = StoreBatch()  // the submitted one is the writer's now
        settle(commits.submit(round, batch: submitted, to: writer))
    }

    /// Carries out the rounds whose commits are done, in order; after a failed one, waits
    /// for every round in flight (they fail too) and rebuilds the engine from the store.
    func completeRounds(waitForAll: Bool = false) {
        settle(commits.complete(writer, waitForAll: waitForAll))
    }

    /// Performs what committed rounds promised, fails the others, and after a failure
    /// rebuilds the engine from the store.
    private func settle(_ outcome: (settled: [RoundCommits.Settled], failed: Bool)) {
        for round in outcome.settled {
            switch round {
            case .committed(let round): perform(round.effects)
            case .failed(let round, let error): fail(round, error: error)
            }
        }
        if outcome.failed { rebuildAfterFailure() }
    }

    /// What a committed round promised: replies, spool deletions, notifications, journal.
    private func perform(_ effects: RoundEffects) {
        for (connection, text) in effects.replies { socket.reply(connection, text) }
        for name in effects.spoolApplied { spool.remove(name) }
        for (name, reason) in effects.spoolFailed { failSpoolFile(name, reason: reason) }
        for item in effects.outbox { outbox.enqueue(item) }
        for entry in effects.journal { journal.write(entry) }
    }

    /// Moves a bad spool file to `failed/`, and says so only once it is there.
    private func failSpoolFile(_ name: String, reason: String) {
        metrics.rejected.spool += 1
        let fields = [("TOCSIN_SOURCE", "spool:" + name), ("TOCSIN_REASON", reason)]
        switch spool.fail(name, reason: reason) {
        case .success(let failedName):
            let renamed = failedName == name ? "" : " as \(failedName) (a file of that name was there)"
            guard journalBudget.admits(.inputRejected, .warning, now: WallClock.monotonicMilliseconds()) else { return }
            journal.log(.inputRejected, .warning, "spool file \(name) moved to failed/\(renamed): \(reason)", fields)
        case .failure(let error):
            journal.log(.inputRejected, .error, "\(error); it stays in new/: \(reason)", fields)
        }
    }

    /// Notes in the store which rules its incidents are matched against, once they are (so a
    /// restart with the same rules skips matching them again). Part of the batch that
    /// carries the moves.
    private func recordRulesFingerprint() {
        let fingerprint = rules.fingerprint
        guard fingerprint != storedRulesFingerprint else { return }
        batch.setMeta(Store.rulesFingerprintKey, fingerprint)
        storedRulesFingerprint = fingerprint
    }

    /// A round that could not be stored (disk full, I/O error): nothing of it is
    /// acknowledged. Clients get `error`, spool files stay for later, delivery results are
    /// recorded again with the next round.
    private func fail(_ round: InFlightRound, error: any Error) {
        if storeRetryAt <= WallClock.monotonicMilliseconds() {
            journal.log(.inputRejected, .error, "cannot store events: \(error); nothing of this round was acknowledged, retrying in 1s")
        }
        storeRetryAt = WallClock.monotonicMilliseconds() + 1000
        lastCommitFailure = ("\(error)", WallClock.monotonicMilliseconds())
        nextStoreCheck = 0  // a removed store file stops tocsind now, not in a second
        for connection in round.connections { socket.reply(connection, Daemon.errorReply("not stored: \(error)")) }
        spool.putBack(round.spoolNames)
        pendingOutcomes = round.outcomes + pendingOutcomes
    }

    /// After a failure, with no round in flight: the engine again as the store has it.
    private func rebuildAfterFailure() {
        storedRulesFingerprint = nil
        do {
            let snapshot = try store.snapshot(reportTimes: rules.reports.map(\.time))
            engine = EscalationEngine(rules: rules, composer: engine.composer, snapshot: snapshot, now: WallClock.now())
        } catch {
            journal.log(.daemonState, .critical, "cannot reload state from the store: \(error)")
        }
        writer.resume()
    }

    /// Queues a journal entry for after the commit when the journal budget admits it; the
    /// message and fields are only built when it does.
    func note(
        _ kind: JournalMessage, _ priority: JournalPriority, _ message: @autoclosure () -> String,
        fields: @autoclosure () -> [(String, String)] = [], into effects: inout RoundEffects
    ) {
        guard journalBudget.admits(kind, priority, now: WallClock.monotonicMilliseconds()) else { return }
        effects.journal.append(JournalEntry(kind, priority, message(), fields: fields()))
    }

    /// A spool file: all of its lines, or none of them.
    private func handleSpoolFile(_ name: String, now: Timestamp, effects: inout RoundEffects) throws(StoreError) {
        let file: SpoolWatcher.File
        switch spool.read(name) {
        case .gone: return spool.release(name)
        case .retryLater(let reason):
            spool.release(name)
            note(.inputRejected, .warning, "\(reason); the file stays in new/ and is tried again", fields: [("TOCSIN_SOURCE", "spool:" + name)], into: &effects)
            return
        case .bad(let rejection):
            effects.spoolFailed.append((name, "\(name): \(rejection.message)"))
            return
        case .file(let f): file = f
        }
        // A last line without its newline: the writer may still be writing (a file made in
        // new/ itself, not renamed from tmp/). Only complete lines are ever applied.
        if let last = file.bytes.last, last != 0x0A {
            let waited = spool.waitForRest(name, now: WallClock.monotonicMilliseconds())
            guard waited >= configuration.spoolGrace.milliseconds else { return }
            effects.spoolFailed.append((name, "\(name): the last line has no newline after \(configuration.spoolGrace): the file was cut short, or is still being written in new/ (write it in tmp/ and rename it into new/)"))
            return
        }
        if try store.spoolFileApplied(name: name, digest: file.digest) {
            effects.spoolApplied.append(name)
            return
        }
        var events: [Event] = []
        var problem: String?
        var lineNumber = 0
        var start = 0
        let bytes = file.bytes
        while start < bytes.count, problem == nil {
            lineNumber += 1
            var end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let isBlank = bytes[start..<end].allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !isBlank {
                let result = bytes[start..<end].withUnsafeBytes { EventParser.result(bytes: $0, now: now) }
                switch result {
                case .success(let event): events.append(event)
                case .failure(let error): problem = "line \(lineNumber): \(error.message)"
                }
            }
            start = next
        }
        if problem == nil, events.isEmpty { problem = "the file has no events" }
        if problem == nil { problem = sequenceProblem(events) }
        if let problem {
            effects.spoolFailed.append((name, "\(name): \(problem)"))
            return
        }
        let source = EventSource(name: "spool:" + name)
        for event in events {
            guard case .success(let (receipt, actions)) = engine.receive(event, now: now) else { continue }
            let line = accepted(event, receipt, source: source, now: now, effects: &effects)
            apply(actions, now: now, source: source, event: (event, line), effects: &effects)
        }
        batch.recordSpoolFile(name: name, digest: file.digest, at: now)
        effects.spoolApplied.append(name)
        metrics.received.spool += events.count
    }

    /// Checks, without changing anything, that every ack/resolve/note of a file has an open
    /// incident when its turn comes, so a file is applied whole or not at all.
    private func sequenceProblem(_ events: [Event]) -> String? {
        var openedHere = Set<String>()
        var resolvedHere = Set<String>()
        for (index, event) in events.enumerated() {
            guard let id = event.id else { continue }
            switch event.action {
            case .open:
                openedHere.insert(id)
                resolvedHere.remove(id)
            case .ack, .note, .resolve:
                let open = openedHere.contains(id) || (engine.openNumber(for: id) != nil && !resolvedHere.contains(id))
                if !open {
                    return "event \(index + 1): cannot \(event.action.rawValue) \"\(FieldText.quoted(id))\": no open incident has that id"
                }
                if event.action == .resolve {
                    openedHere.remove(id)
                    resolvedHere.insert(id)
                }
            }
        }
        return nil
    }

    private func record(_ outcomes: [Outbox.Outcome], effects: inout RoundEffects) {
        let now = WallClock.now()
        for outcome in outcomes {
            switch outcome {
            case .sent(let item):
                metrics.sent[item.message.channel] += 1
                batch.markSent(item.message.messageID, at: now, attempts: item.attempts)
                batch.appendTimeline(incident: item.message.incident, at: now, what: "sent", detail: "\(item.message.contact) \(item.message.step) <\(item.message.messageID)>")
                note(.notificationSent, .info, "notified \(item.message.contact): \(item.message.subject)", fields: messageFields(item, sent: true), into: &effects)
            case .retry(let item):
                batch.markAttempt(item.message.messageID, attempts: item.attempts, error: item.lastError ?? "-", nextAttempt: item.nextAttempt)
                note(.notificationFailed, .warning, "notifying \(item.message.contact) failed (attempt \(item.attempts), will retry): \(item.lastError ?? "-")", fields: messageFields(item), into: &effects)
            case .failed(let item):
                failedCount += 1
                metrics.failed[item.message.channel] += 1
                batch.markAttempt(item.message.messageID, attempts: item.attempts, error: item.lastError ?? "-", nextAttempt: nil)
                batch.appendTimeline(incident: item.message.incident, at: now, what: "failed", detail: "\(item.message.contact): \(item.lastError ?? "-")")
                note(.notificationFailed, .error, "gave up notifying \(item.message.contact) after \(item.attempts) attempts: \(item.lastError ?? "-")", fields: messageFields(item), into: &effects)
            }
        }
    }

    /// The journal fields of a notification; a sent one carries its attempt count, not the
    /// error of an earlier attempt.
    func messageFields(_ item: OutboxItem, sent: Bool = false) -> [(String, String)] {
        let m = item.message
        var fields: [(String, String)] = [("TOCSIN_CONTACT", m.contact.rawValue), ("TOCSIN_MESSAGE_ID", m.messageID), ("TOCSIN_STEP", m.step)]
        if let incident = m.incident { fields.append(("TOCSIN_INCIDENT", incident.description)) }
        if let id = m.incidentID { fields.append(("TOCSIN_ID", id)) }
        if let kind = m.kind { fields.append(("TOCSIN_KIND", kind)) }
        if let severity = m.severity { fields.append(("TOCSIN_SEVERITY", String(severity))) }
        if let rule = m.rule { fields.append(("TOCSIN_RULE", rule.rawValue)) }
        fields.append(("TOCSIN_ATTEMPTS", String(item.attempts)))
        if !sent, let error = item.lastError { fields.append(("TOCSIN_ERROR", error)) }
        return fields
    }
}
