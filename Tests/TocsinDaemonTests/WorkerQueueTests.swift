import Foundation
import Glibc
import Testing
@testable import TocsinSystem

/// The one worker-queue type the background threads use (delivery, spool removal).
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

    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
