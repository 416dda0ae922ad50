import Testing

@testable import TocsinDaemon
@testable import TocsinStore

/// The loop's periodic jobs, retention's pacing and the store's failure spell, on a
/// manual monotonic clock (milliseconds).
@Suite("The loop's periodic jobs, on a manual clock")
struct LoopScheduleTests {
    @Test("a job runs at most once per interval, counted from when it ran, and dueNow brings it forward")
    func every() {
        var job = Every(1_000, first: 500)
        #expect(job.wait(from: 499) == 1)
        // 1,700 is late: the next is counted from it, not from 1,500.
        let runs = [499, 500, 1_499, 1_700, 2_699, 2_700].map { job.due($0) }
        #expect(runs == [false, true, false, true, false, true])
        job.dueNow()
        let early = job.due(2_701)
        #expect(early)
    }

    @Test("the loop never sleeps past the rescan or the watchdog, whose interval is half of WatchdogSec")
    func timeout() {
        var schedule = LoopSchedule(rescanInterval: 30_000, metricsInterval: 15_000, watchdogInterval: 10_000)
        schedule.rescan.ran(at: 0)
        #expect(schedule.watchdog?.interval == 5_000)
        #expect(schedule.timeout(from: 0, limit: 1_000) == 0, "the watchdog is due at once")
        schedule.watchdog?.ran(at: 0)
        #expect(schedule.timeout(from: 0, limit: 1_000) == 1_000)
        #expect(schedule.timeout(from: 4_600, limit: 1_000) == 400)
        #expect(schedule.timeout(from: 29_900, limit: 1_000) == 0, "the watchdog is overdue")
        var quiet = LoopSchedule(rescanInterval: 30_000, metricsInterval: 15_000, watchdogInterval: nil)
        quiet.rescan.ran(at: 0)
        #expect(quiet.timeout(from: 29_900, limit: 1_000) == 100)
    }

    @Test("retention: the first pass a minute after start, one at a time, the next a second later while a backlog lasts, ten minutes once none is left")
    func retentionPacing() {
        var retention = RetentionSchedule(start: 0)
        let starts = [59_999, 60_000, 10_000_000].map { retention.startPass(at: $0) }
        #expect(starts == [false, true, false], "one pass out at a time")
        retention.settle([PruneResult(incidents: 500, messages: 0)], at: 60_200)
        #expect(retention.deletedIncidents == 500)
        let backlog = [61_199, 61_200].map { retention.startPass(at: $0) }
        #expect(backlog == [false, true], "a backlog: the next pass a second later")
        retention.settle([PruneResult(incidents: 0, messages: 0)], at: 61_300)
        let idle = [61_200 + 599_999, 61_200 + 600_000].map { retention.startPass(at: Int64($0)) }
        #expect(idle == [false, true], "nothing left: ten minutes later")
    }

    @Test("retention: a pass whose result never comes back (its commit failed) is given up, and passes go on")
    func retentionAfterFailedCommit() {
        var retention = RetentionSchedule(start: 0)
        let started = retention.startPass(at: 60_000)
        #expect(started)
        retention.settle([], at: 60_000 + 600_000)
        #expect(retention.passOut)
        retention.settle([], at: 60_000 + 1_200_000)
        #expect(!retention.passOut)
        let again = retention.startPass(at: 60_000 + 1_200_000)
        #expect(again)
    }

    @Test("a failed commit: the first of a spell is worth a journal entry, work waits a second, status shows it for a minute")
    func storeHealth() {
        var health = StoreHealth()
        #expect(health.isReady(at: 0) && health.shownFailure(at: 0) == nil)
        let spell = [10_000, 10_500].map { health.failed("disk full", at: $0) }
        #expect(spell == [true, false], "the second is the same spell")
        #expect(!health.isReady(at: 11_499))
        #expect(health.isReady(at: 11_500))
        #expect(health.shownFailure(at: 40_500)?.error == "disk full")
        #expect(health.shownFailure(at: 40_500)?.age == 30_000)
        #expect(health.shownFailure(at: 70_500) == nil)
        let later = health.failed("disk full", at: 70_500)
        #expect(later, "a new spell")
    }
}
