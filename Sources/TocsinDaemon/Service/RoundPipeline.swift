import TocsinCore
import TocsinSystem
import TocsinStore

/// What a round reads of the spool: its files, and whether one was applied before. The
/// spool watcher (with the store's record of applied files) is the real one; the tests use
/// an in-memory twin.
protocol SpoolFiles {
    /// A file of `new/`, taken for this round.
    func read(_ name: String) -> SpoolWatcher.Read
    /// A file taken and not applied: it may be read again later.
    func release(_ name: String)
    /// How long (ms) a file without its last newline has been waiting for the rest.
    func waitForRest(_ name: String, now: Int64) -> Int64
    /// Files deleted since the last round, whose records can go.
    func takeDeleted() -> [String]
    /// Whether a file of this name and digest was applied before (a crash between the
    /// commit and the deletion).
    func applied(name: String, digest: Int64) throws(StoreError) -> Bool
}

/// One round's decisions: socket lines, spool files and due timers through the engine,
/// recorded as the round's store writes (`batch`) and the effects that its commit releases
/// (`RoundEffects`: replies, spool deletions, notifications, journal entries). It opens no
/// socket and no store: the spool comes through `SpoolFiles` and the instant is given, so
/// `RoundPipelineTests` run it on a manual clock against in-memory twins, and
/// `RoundCommits` decides when the effects go out.
final class RoundPipeline {
    /// The decisions' state machine.
    var engine: EscalationEngine
    /// The rules in force.
    var rules: RuleSet
    /// The writes of the round under way.
    var batch = StoreBatch()
    /// How many routine journal entries may be written now (a storm is summarized).
    var journalBudget = JournalBudget(now: WallClock.monotonicMilliseconds())
    /// The counters of `--metrics-file`.
    var metrics = Metrics()
    /// Acknowledged incidents not resolved (the gauge's `acked`), kept as they change.
    var ackedCount = 0
    /// Notifications given up on (for `status`), kept as they change.
    var failedCount = 0
    /// The rules fingerprint the store holds (nil: unknown, write it with the next commit).
    var storedRulesFingerprint: String?
    /// Signs outgoing Message-IDs and reply codes, and checks replies (SPEC §17).
    let replyProof: ReplyProof
    /// The keys of the replies acted on (stored in `replies`): a second delivery acts nothing.
    var replyKeys: Set<String>
    /// How long a spool file without its last newline may wait for the rest.
    let spoolGrace: RuleDuration

    /// Incidents whose due steps one round fires at most (a timer storm is stored in slices,
    /// each committed while the next is worked out, and clients are served in between).
    static let maxFiringsPerRound = 2000

    init(engine: EscalationEngine, rules: RuleSet, replyProof: ReplyProof, replyKeys: Set<String>, spoolGrace: RuleDuration) {
        self.engine = engine
        self.rules = rules
        self.replyProof = replyProof
        self.replyKeys = replyKeys
        self.spoolGrace = spoolGrace
    }

    /// One round at `now`: its effects, its writes left in `batch`; a `status` line is
    /// answered with `status()`, the loop's own state. A failed read of the
    /// store (the spool's applied check) throws: the engine has moved on without a commit,
    /// so the caller fails the round as if its commit had.
    func run(
        lines: [EventSocketServer.Line], spoolNames: [String], outcomes: [Outbox.Outcome], spool: some SpoolFiles, now: Timestamp,
        status: () -> String
    ) throws(StoreError) -> RoundEffects {
        var effects = RoundEffects()
        for line in lines { handle(line, now: now, status: status, effects: &effects) }
        for name in spoolNames { try handleSpoolFile(name, spool: spool, now: now, effects: &effects) }
        apply(engine.tick(now: now, maxFirings: RoundPipeline.maxFiringsPerRound), now: now, source: nil, effects: &effects)
        record(outcomes, now: now, effects: &effects)
        for name in spool.takeDeleted() { batch.forgetSpoolFile(name: name) }
        recordRulesFingerprint()
        return effects
    }

    /// Notes in the store which rules its incidents are matched against, once they are (so a
    /// restart with the same rules skips matching them again). Part of the batch that
    /// carries the moves.
    func recordRulesFingerprint() {
        let fingerprint = rules.fingerprint
        guard fingerprint != storedRulesFingerprint else { return }
        batch.setMeta(Store.rulesFingerprintKey, fingerprint)
        storedRulesFingerprint = fingerprint
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
}
