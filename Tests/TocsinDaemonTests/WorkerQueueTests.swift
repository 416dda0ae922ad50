import Foundation
import Glibc
import Testing
@testable import TocsinSystem

/// The one worker-queue type every background thread uses (delivery, spool removal, the
/// store writer, the journal sender, a restart's packer).
@Suite("WorkerQueue")
struct WorkerQueueTests {
    @Test("every job submitted before stop is worked on exactly once, by several threads, in shares")
    func exactlyOnce() {
        let queue = WorkerQueue<Int, Int>(threads: 3, share: { max(1, min(64, $0 / 2)) }) { jobs in
            usleep(UInt32(jobs.count % 3) * 100)
            return jobs
        }
        for n in 0..<10_000 { queue.submit(n) }
        queue.stop()
        let done = queue.takeResults()
        #expect(done.count == 10_000)
        #expect(Set(done).count == 10_000)
    }

    @Test("the eventfd is readable once a result waits, and takeResults clears it")
    func eventFD() {
        let queue = WorkerQueue<String, String>(threads: 1) { $0.map { $0.uppercased() } }
        var poll = pollfd(fd: queue.eventFD, events: Int16(POLLIN), revents: 0)
        #expect(Glibc.poll(&poll, 1, 0) == 0)
        queue.submit("ack")
        #expect(Glibc.poll(&poll, 1, 5_000) == 1)
        var results: [String] = []
        #expect(eventually { results += queue.takeResults(); return results == ["ACK"] })
        poll.revents = 0
        #expect(Glibc.poll(&poll, 1, 0) == 0)
        queue.stop()
    }

    @Test("one worker takes everything queued at once, in order, and may publish results while it works")
    func groupAndStream() {
        let gate = Gate()
        let queue = WorkerQueue<Int, [Int]>(threads: 1, share: { $0 }) { jobs, publish in
            gate.pass()
            publish([[jobs[0]]])
            publish([jobs])
        }
        queue.submit(0)  // taken alone, held at the gate
        gate.waitForArrival()
        for n in 1...5 { queue.submit(n) }
        gate.open()
        var results: [[Int]] = []
        while results.count < 4 { results += queue.waitForResults() }
        queue.stop()
        #expect(results == [[0], [0], [1], [1, 2, 3, 4, 5]])
    }

    @Test("with a capacity, submit waits while that many jobs are queued, and goes on once the worker takes them")
    func capacity() {
        let gate = Gate()
        let queue = WorkerQueue<Int, Int>(threads: 1, share: { $0 }, capacity: 3) { jobs in
            gate.pass()
            return jobs
        }
        queue.submit(0)  // the worker holds it at the gate
        gate.waitForArrival()
        let submitted = Counter()
        let submitter = startThread {
            for n in 1...10 {
                queue.submit(n)
                submitted.set(n)
            }
        }
        #expect(eventually { submitted.value == 3 })
        usleep(100_000)
        #expect(submitted.value == 3, "three queued, the fourth waits")
        gate.open()
        pthread_join(submitter, nil)
        queue.stop()
        #expect(queue.takeResults() == Array(0...10))
    }

    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}

/// Holds workers until opened.
private final class Gate: @unchecked Sendable {
    private let lock = Lock()
    private var isOpen = false
    private var arrived = false

    func pass() {
        lock.withLock {
            arrived = true
            lock.broadcast()
            while !isOpen { lock.wait() }
        }
    }

    /// Returns once a worker waits at the gate.
    func waitForArrival() { lock.withLock { while !arrived { lock.wait() } } }

    func open() {
        lock.withLock {
            isOpen = true
            lock.broadcast()
        }
    }
}

/// A number set on one thread and read on another.
private final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0

    var value: Int { lock.withLock { count } }
    func set(_ n: Int) { lock.withLock { count = n } }
}
