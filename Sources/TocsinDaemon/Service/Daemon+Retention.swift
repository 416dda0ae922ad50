import TocsinCore
import TocsinStore
import TocsinSystem

extension Daemon {
    /// Adds a retention pass to the round's batch when one is due (`RetentionSchedule`):
    /// what was resolved before `keep-history` goes, a batch at a time (`Store.prune`), in
    /// the round's commit.
    func scheduleRetention(_ mono: Int64) {
        retention.settle(writer.takePruneResults(), at: mono)
        guard retention.startPass(at: mono) else { return }
        pipeline.batch.prune(before: WallClock.now() - pipeline.rules.settings.keepHistory)
    }
}
