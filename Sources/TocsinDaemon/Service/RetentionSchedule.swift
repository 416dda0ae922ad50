import TocsinStore

/// When retention passes go to the store writer, and what they deleted. What holds: at
/// most one pass is out at a time; the first comes a minute after start (a start is never
/// slowed by it), the next `idleInterval` after one that found nothing and
/// `backlogInterval` after one that left more to delete; a pass whose result never came
/// back (its commit failed) is given up after `idleInterval`, so retention goes on.
struct RetentionSchedule {
    /// Between passes when the last found nothing more to delete (ms).
    static let idleInterval: Int64 = 600_000
    /// Between passes while a backlog is worked off (after an upgrade, or a shortened
    /// `keep-history`) (ms).
    static let backlogInterval: Int64 = 1_000
    /// From start to the first pass (ms).
    static let firstDelay: Int64 = 60_000

    /// When the next pass is due (monotonic ms).
    private(set) var next: Int64
    /// Whether a pass was handed to the writer and its result is not back yet.
    private(set) var passOut = false
    /// Incidents deleted since start.
    private(set) var deletedIncidents = 0

    init(start mono: Int64) { next = mono + RetentionSchedule.firstDelay }

    /// Takes the results of the passes out (`StoreWriter.takePruneResults`).
    mutating func settle(_ results: [PruneResult], at mono: Int64) {
        guard passOut else { return }
        for result in results {
            passOut = false
            deletedIncidents += result.incidents
            if result.more { next = min(next, mono + RetentionSchedule.backlogInterval) }
        }
        if passOut && mono >= next + RetentionSchedule.idleInterval { passOut = false }  // its commit failed
    }

    /// Whether a pass should go now; when it does, it is out until `settle` hears of it.
    mutating func startPass(at mono: Int64) -> Bool {
        guard mono >= next, !passOut else { return false }
        next = mono + RetentionSchedule.idleInterval
        passOut = true
        return true
    }
}
