import TocsinStore

/// The store writer as the rounds see it: batches in, completions out in submission order.
/// `StoreWriter` is the real one; the tests use an in-memory twin.
protocol BatchCommitter: AnyObject {
    /// Queues a batch for commit.
    func submit(_ batch: StoreBatch, sequence: UInt64)
    /// The completions so far, oldest first.
    func takeCompletions() -> [StoreWriter.Completion]
    /// Blocks until at least one result is ready, and takes the completions then ready.
    func waitForCompletions() -> [StoreWriter.Completion]
    /// Commits again after a failure, once the caller has rebuilt its state.
    func resume()
}

extension StoreWriter: BatchCommitter {}

/// The rounds handed to the store writer and not yet settled, and the order they settle in.
///
/// What holds:
/// - A round's effects (replies, spool deletions, notifications, journal entries) are given
///   back only once its own batch is committed, and rounds settle in the order submitted.
/// - At most `maxInFlight` rounds wait at once: submitting one more first waits for the
///   oldest commit (a slow commit slows the loop instead of piling up rounds).
/// - After a failed commit every round still in flight fails too (each was built on the
///   state the failed one would have left); `complete` waits for all of them, and says so,
///   so the caller rebuilds its state before it resumes the writer.
struct RoundCommits {
    /// How a round ended.
    enum Settled {
        case committed(InFlightRound)
        case failed(InFlightRound, StoreError)
    }

    let maxInFlight: Int
    private(set) var inFlight: [InFlightRound] = []
    private var nextSequence: UInt64 = 1

    init(maxInFlight: Int) { self.maxInFlight = maxInFlight }

    var isEmpty: Bool { inFlight.isEmpty }

    /// Hands `batch` to the committer for `round`; when that makes `maxInFlight` rounds,
    /// waits for the oldest commit and returns what settled (and whether a commit failed).
    mutating func submit(_ round: InFlightRound, batch: StoreBatch, to committer: some BatchCommitter) -> (settled: [Settled], failed: Bool) {
        var round = round
        round.sequence = nextSequence
        nextSequence += 1
        committer.submit(batch, sequence: round.sequence)
        inFlight.append(round)
        guard inFlight.count >= maxInFlight else { return ([], false) }
        return settle(committer.waitForCompletions(), committer)
    }

    /// The rounds whose commits are done, in order. With `waitForAll`, or after a failure,
    /// waits until none is in flight.
    mutating func complete(_ committer: some BatchCommitter, waitForAll: Bool = false) -> (settled: [Settled], failed: Bool) {
        settle(committer.takeCompletions(), committer, waitForAll: waitForAll)
    }

    /// Settles the rounds `completions` name, then, with `waitForAll` or after a failure,
    /// waits for the rest.
    private mutating func settle(
        _ completions: [StoreWriter.Completion], _ committer: some BatchCommitter, waitForAll: Bool = false
    ) -> (settled: [Settled], failed: Bool) {
        var completions = completions
        var settled: [Settled] = []
        var failed = false
        while true {
            for completion in completions {
                guard let round = inFlight.first, round.sequence == completion.sequence else { continue }
                inFlight.removeFirst()
                if let error = completion.error {
                    settled.append(.failed(round, error))
                    failed = true
                } else {
                    settled.append(.committed(round))
                }
            }
            guard (waitForAll || failed) && !inFlight.isEmpty else { return (settled, failed) }
            completions = committer.waitForCompletions()
        }
    }
}
