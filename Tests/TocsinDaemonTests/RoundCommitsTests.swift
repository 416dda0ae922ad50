import Foundation
import Testing
import TocsinCore

@testable import TocsinDaemon
@testable import TocsinStore

/// An in-memory twin of the store writer: it keeps the batches it is given and completes
/// them only when the test says (`commit`, `failNext`), or — a slow commit finishing —
/// when the loop waits for one. Like `StoreWriter`, after a failure every batch fails until
/// `resume()`.
final class MemoryCommitter: BatchCommitter {
    private(set) var submitted: [UInt64] = []
    private var pending: [UInt64] = []
    private var completions: [StoreWriter.Completion] = []
    private var poison: StoreError?
    private var failures: [StoreError] = []
    /// How many times the loop blocked waiting for a commit.
    private(set) var waits = 0
    private(set) var resumed = 0

    func submit(_ batch: StoreBatch, sequence: UInt64) {
        submitted.append(sequence)
        pending.append(sequence)
    }

    func takeCompletions() -> [StoreWriter.Completion] {
        defer { completions.removeAll() }
        return completions
    }

    /// The loop blocks: the oldest commit finishes meanwhile.
    func waitForCompletions() -> [StoreWriter.Completion] {
        waits += 1
        if completions.isEmpty { commit(1) }
        return takeCompletions()
    }

    func resume() {
        poison = nil
        resumed += 1
    }

    /// The oldest `count` pending batches commit (or fail, after a failure or when told).
    func commit(_ count: Int = 1) {
        for _ in 0..<min(count, pending.count) {
            let sequence = pending.removeFirst()
            if !failures.isEmpty { poison = failures.removeFirst() }
            completions.append(StoreWriter.Completion(sequence: sequence, error: poison))
        }
    }

    /// The next commit fails with a full disk.
    func failNext() { failures.append(StoreError("/state/tocsin.db", "commit", "database or disk is full", code: 13)) }
}

@Suite("The rounds' commits, against an in-memory twin of the store writer")
struct RoundCommitsTests {
    /// A round whose only effect is a reply on `connection`.
    static func round(_ connection: UInt64) -> InFlightRound {
        var effects = RoundEffects()
        effects.replies = [(connection, "ok \(connection)")]
        return InFlightRound(sequence: 0, effects: effects, connections: [connection], spoolNames: [], outcomes: [])
    }

    static func replies(_ settled: [RoundCommits.Settled]) -> [String] {
        settled.flatMap { outcome -> [String] in
            switch outcome {
            case .committed(let round): round.effects.replies.map(\.1)
            case .failed(let round, _): round.connections.map { "error \($0)" }
            }
        }
    }

    @Test("a round's replies wait for its own commit, and rounds settle in the order submitted")
    func effectsAfterCommit() {
        let writer = MemoryCommitter()
        var commits = RoundCommits(maxInFlight: 3)
        #expect(commits.submit(Self.round(1), batch: StoreBatch(), to: writer).settled.isEmpty)
        #expect(commits.submit(Self.round(2), batch: StoreBatch(), to: writer).settled.isEmpty)
        #expect(commits.complete(writer).settled.isEmpty, "nothing is committed yet: nothing is said")
        writer.commit(1)
        #expect(Self.replies(commits.complete(writer).settled) == ["ok 1"])
        writer.commit(1)
        #expect(Self.replies(commits.complete(writer).settled) == ["ok 2"])
        #expect(commits.isEmpty)
        #expect(writer.submitted == [1, 2])
        #expect(writer.waits == 0)
    }

    @Test("a slow commit: the round after the limit waits for the oldest commit, whose replies go out first")
    func slowCommit() {
        let writer = MemoryCommitter()
        var commits = RoundCommits(maxInFlight: 2)
        #expect(commits.submit(Self.round(1), batch: StoreBatch(), to: writer).settled.isEmpty)
        let second = commits.submit(Self.round(2), batch: StoreBatch(), to: writer)
        #expect(writer.waits == 1, "two rounds in flight: the loop waits for the writer")
        #expect(Self.replies(second.settled) == ["ok 1"])
        #expect(commits.inFlight.map(\.sequence) == [2])
        let rest = commits.complete(writer, waitForAll: true)
        #expect(Self.replies(rest.settled) == ["ok 2"])
        #expect(!rest.failed && commits.isEmpty)
    }

    @Test("a commit that fails fails every round in flight after it; none of them is acknowledged, and the writer resumes only when told")
    func failedCommit() {
        let writer = MemoryCommitter()
        var commits = RoundCommits(maxInFlight: 4)
        for n in 1...3 { _ = commits.submit(Self.round(UInt64(n)), batch: StoreBatch(), to: writer) }
        writer.failNext()
        writer.commit(1)
        let outcome = commits.complete(writer)
        #expect(outcome.failed)
        #expect(Self.replies(outcome.settled) == ["error 1", "error 2", "error 3"])
        #expect(commits.isEmpty, "after a failure the loop waited for every round in flight")
        #expect(writer.resumed == 0)
        for case .failed(_, let error) in outcome.settled { #expect(error.message == "database or disk is full") }
        // Once the caller rebuilt its state and resumed the writer, rounds commit again.
        writer.resume()
        _ = commits.submit(Self.round(4), batch: StoreBatch(), to: writer)
        writer.commit(1)
        #expect(Self.replies(commits.complete(writer).settled) == ["ok 4"])
    }
}
