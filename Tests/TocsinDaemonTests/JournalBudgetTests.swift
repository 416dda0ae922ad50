import Testing
import Glibc
@testable import TocsinClient
@testable import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("Journal budget: a storm is summarized, not dropped at random by journald")
struct JournalBudgetTests {
    @Test("a burst of routine entries is written, the rest counted and summarized once a second")
    func burstThenSummary() {
        var budget = JournalBudget(perSecond: 200, burst: 2000, now: 0)
        let admitted = (0..<5000).filter { _ in budget.admits(.incidentOpened, .notice, now: 0) }.count
        #expect(admitted == 2000)
        #expect(budget.summaries(now: 999).isEmpty, "at most one summary a second")
        let summaries = budget.summaries(now: 1000)
        #expect(summaries.count == 1)
        #expect(summaries.first?.kind == .incidentOpened)
        #expect(summaries.first?.message.hasPrefix("3000 \"incident opened\" entries not written to the journal in the last 1.0 s") == true)
        #expect(summaries.first?.fields.first { $0.0 == "TOCSIN_SUPPRESSED" }?.1 == "3000")
        #expect(budget.summaries(now: 3000).isEmpty, "nothing new to say")
    }

    @Test("the bucket refills at the sustained rate")
    func refill() {
        var budget = JournalBudget(perSecond: 200, burst: 2000, now: 0)
        while budget.admits(.eventAccepted, .info, now: 0) {}
        do { let ok = budget.admits(.eventAccepted, .info, now: 4); #expect(!ok) }
        do { let ok = budget.admits(.eventAccepted, .info, now: 5); #expect(ok, "one token per 5 ms at 200/s") }
        let inASecond = (0..<1000).filter { _ in budget.admits(.eventAccepted, .info, now: 1005) }.count
        #expect(inASecond == 200)
        let afterQuiet = (0..<5000).filter { _ in budget.admits(.eventAccepted, .info, now: 600_000) }.count
        #expect(afterQuiet == 2000, "never more than the burst")
    }

    @Test("two kinds held back: one summary each, every kind counted apart")
    func twoKinds() {
        #expect(JournalMessage.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
        var budget = JournalBudget(perSecond: 1, burst: 1, now: 0)
        for _ in 0..<4 { _ = budget.admits(.stepFired, .notice, now: 0) }
        for _ in 0..<7 { _ = budget.admits(.eventAccepted, .info, now: 0) }
        let summaries = budget.summaries(now: 1000)
        #expect(summaries.map(\.kind) == [.eventAccepted, .stepFired])
        #expect(summaries.map { $0.fields.first { $0.0 == "TOCSIN_SUPPRESSED" }?.1 } == ["7", "3"])
        #expect(budget.summaries(now: 2000).isEmpty)
    }

    @Test("errors, failed notifications, rule loads and state changes are never held back")
    func neverHeldBack() {
        var budget = JournalBudget(perSecond: 1, burst: 1, now: 0)
        do { let ok = budget.admits(.stepFired, .notice, now: 0); #expect(ok) }
        do { let ok = budget.admits(.stepFired, .notice, now: 0); #expect(!ok) }
        for _ in 0..<100 {
            do { let ok = budget.admits(.notificationFailed, .warning, now: 0); #expect(ok) }
            do { let ok = budget.admits(.inputRejected, .error, now: 0); #expect(ok) }
            do { let ok = budget.admits(.rulesRejected, .error, now: 0); #expect(ok) }
            do { let ok = budget.admits(.rulesLoaded, .info, now: 0); #expect(ok) }
            do { let ok = budget.admits(.daemonState, .info, now: 0); #expect(ok) }
        }
        let summaries = budget.summaries(now: 1000)
        #expect(summaries.map(\.kind) == [.stepFired])
    }
}

@Suite("Journal sending thread")
struct JournalThreadTests {
    @Test("entries written while the thread sends arrive in order, all of them, more than the queue holds at once")
    func inOrderAndDrained() {
        final class Received: @unchecked Sendable {
            var messages: [String] = []
            var threads = Set<UInt>()
        }
        let received = Received()
        let journal = Journal(identifier: "test", forceStderr: true) { entry in
            received.messages.append(entry.message)
            received.threads.insert(UInt(bitPattern: Int(pthread_self())))
        }
        journal.startSending()
        let count = Journal.maxPending * 2 + 17
        for i in 0..<count { journal.log(.daemonState, .info, "entry \(i)") }
        journal.stopSending()
        #expect(received.messages.count == count)
        #expect(received.messages == (0..<count).map { "entry \($0)" })
        #expect(!received.threads.contains(UInt(bitPattern: Int(pthread_self()))), "sent by the caller's thread")
        journal.log(.daemonState, .info, "after")
        #expect(received.messages.last == "after", "written by the caller once the thread has stopped")
    }
}
