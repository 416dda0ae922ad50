/// What the loop knows of the store's last failed commit. What holds: after a failure,
/// spool files and delivery results wait `retryDelay` before they are tried again, and
/// `status` reports the failure for `shownFor`.
struct StoreHealth {
    /// After a failed commit, before spool files and delivery records are tried again (ms).
    static let retryDelay: Int64 = 1_000
    /// How long after a failed commit `status` still reports it (ms).
    static let shownFor: Int64 = 60_000

    /// Spool files and delivery records wait until then (monotonic ms).
    private(set) var retryAt: Int64 = 0
    /// The last failed commit's error (a full disk) and when it was (monotonic ms).
    private(set) var lastFailure: (error: String, at: Int64)?

    /// Whether work that needs the store may go at `mono`.
    func isReady(at mono: Int64) -> Bool { mono >= retryAt }

    /// A commit failed at `mono`; whether it is the first of a spell (worth a journal entry:
    /// the next ones within `retryDelay` are not).
    mutating func failed(_ error: String, at mono: Int64) -> Bool {
        let first = isReady(at: mono)
        retryAt = mono + StoreHealth.retryDelay
        lastFailure = (error, mono)
        return first
    }

    /// The failure `status` reports at `mono`, with its age in ms, if it is recent.
    func shownFailure(at mono: Int64) -> (error: String, age: Int64)? {
        guard let lastFailure, mono - lastFailure.at < StoreHealth.shownFor else { return nil }
        return (lastFailure.error, mono - lastFailure.at)
    }
}
