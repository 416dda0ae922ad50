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

/// The spool watcher and the store's record of applied files, as the pipeline reads them.
struct WatchedSpool: SpoolFiles {
    let spool: SpoolWatcher
    let store: Store

    func read(_ name: String) -> SpoolWatcher.Read { spool.read(name) }
    func release(_ name: String) { spool.release(name) }
    func waitForRest(_ name: String, now: Int64) -> Int64 { spool.waitForRest(name, now: now) }
    func takeDeleted() -> [String] { spool.takeDeleted() }
    func applied(name: String, digest: Int64) throws(StoreError) -> Bool { try store.spoolFileApplied(name: name, digest: digest) }
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
    /// One round: socket lines, spool files and due timers through the pipeline; their
    /// writes go to the writer as one batch, and the replies, spool deletions and
    /// notifications wait for its commit.
    func round(lines: [EventSocketServer.Line], spoolNames: [String]) {
        let now = WallClock.now()
        let storeReady = storeHealth.isReady(at: WallClock.monotonicMilliseconds())
        let outcomes = storeReady ? pendingOutcomes : []
        if storeReady { pendingOutcomes = [] }
        pipeline.batch = StoreBatch()
        var round = InFlightRound(
            sequence: 0, effects: RoundEffects(), connections: lines.map(\.connection), spoolNames: spoolNames, outcomes: outcomes)
        do {
            round.effects = try pipeline.run(
                lines: lines, spoolNames: spoolNames, outcomes: outcomes, spool: WatchedSpool(spool: spool, store: store), now: now,
                status: { self.statusReply() })
            scheduleRetention(WallClock.monotonicMilliseconds())
        } catch {
            // Reading the store failed halfway (the spool check): the engine has moved on
            // without a commit, so the round fails as if its commit had.
            completeRounds(waitForAll: true)
            fail(round, error: error)
            rebuildAfterFailure()
            return
        }
        submit(round)
    }

    /// Runs actions outside a round (a reload) as their own batch.
    func commitActions(_ actions: [EngineAction]) {
        var effects = RoundEffects()
        pipeline.apply(actions, now: WallClock.now(), source: nil, effects: &effects)
        pipeline.recordRulesFingerprint()
        submit(InFlightRound(sequence: 0, effects: effects, connections: [], spoolNames: [], outcomes: []))
    }

    /// Hands the round's batch to the writer; waits for a commit when too far ahead.
    private func submit(_ round: InFlightRound) {
        if pipeline.batch.isEmpty && commits.isEmpty {
            perform(round.effects)
            return
        }
        let submitted = pipeline.batch
        pipeline.batch = StoreBatch()  // the submitted one is the writer's now
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
        pipeline.metrics.rejected.spool += 1
        let fields = [("TOCSIN_SOURCE", "spool:" + name), ("TOCSIN_REASON", reason)]
        switch spool.fail(name, reason: reason) {
        case .success(let failedName):
            let renamed = failedName == name ? "" : " as \(failedName) (a file of that name was there)"
            guard pipeline.journalBudget.admits(.inputRejected, .warning, now: WallClock.monotonicMilliseconds()) else { return }
            journal.log(.inputRejected, .warning, "spool file \(name) moved to failed/\(renamed): \(reason)", fields)
        case .failure(let error):
            journal.log(.inputRejected, .error, "\(error); it stays in new/: \(reason)", fields)
        }
    }

    /// A round that could not be stored (disk full, I/O error): nothing of it is
    /// acknowledged. Clients get `error`, spool files stay for later, delivery results are
    /// recorded again with the next round.
    private func fail(_ round: InFlightRound, error: any Error) {
        if storeHealth.failed("\(error)", at: WallClock.monotonicMilliseconds()) {
            journal.log(.inputRejected, .error, "cannot store events: \(error); nothing of this round was acknowledged, retrying in 1s")
        }
        schedule.storeCheck.dueNow()  // a removed store file stops tocsind now, not in a second
        for connection in round.connections { socket.reply(connection, RoundPipeline.errorReply("not stored: \(error)")) }
        spool.putBack(round.spoolNames)
        pendingOutcomes = round.outcomes + pendingOutcomes
    }

    /// After a failure, with no round in flight: the engine again as the store has it.
    private func rebuildAfterFailure() {
        pipeline.storedRulesFingerprint = nil
        do {
            let snapshot = try store.snapshot(reportTimes: pipeline.rules.reports.map(\.time))
            pipeline.engine = EscalationEngine(rules: pipeline.rules, composer: pipeline.engine.composer, snapshot: snapshot, now: WallClock.now())
        } catch {
            journal.log(.daemonState, .critical, "cannot reload state from the store: \(error)")
        }
        writer.resume()
    }


}
