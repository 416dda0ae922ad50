import TocsinCore
import TocsinStore
import TocsinSystem

extension Daemon {
    /// How often retention runs when the last pass found nothing (ms), and when it found
    /// something (a backlog, after an upgrade or a long `keep-history` shortened).
    static let retentionIdleInterval: Int64 = 600_000
    static let retentionBacklogInterval: Int64 = 1_000

    /// Adds a retention pass to the round's batch when one is due: what was resolved
    /// before `keep-history` goes, a batch at a time (`Store.prune`), in the round's
    /// commit. A pass that deleted something brings the next one a second later.
    func scheduleRetention(_ mono: Int64) {
        // The writer's lock is taken only while a pass is out, not once a round.
        if pruneOut {
            for result in writer.takePruneResults() {
                pruneOut = false
                prunedIncidents += result.incidents
                if result.more { nextRetention = min(nextRetention, mono + Daemon.retentionBacklogInterval) }
            }
            if pruneOut && mono >= nextRetention + Daemon.retentionIdleInterval { pruneOut = false }  // its commit failed
        }
        guard mono >= nextRetention, !pruneOut else { return }
        nextRetention = mono + Daemon.retentionIdleInterval
        pruneOut = true
        pipeline.batch.prune(before: WallClock.now() - pipeline.rules.settings.keepHistory)
    }
}
