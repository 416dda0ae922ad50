import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

extension Daemon {
    /// The socket's one control line: `status`, alone on its line. tocsind answers from its
    /// own state, in order with the client's other lines:
    ///
    ///     ok status open=3 queued=0 held=0 failed=1
    ///     ok status open=3 queued=2 held=0 failed=0 store="cannot commit to …: database or disk is full" store_failed_s=3
    ///
    /// An answer proves the event loop runs; `store=` says a commit failed within the last
    /// `commitFailureShown` (some may succeed meanwhile: on a full disk a small commit
    /// can still fit), and `store_failed_s=` how many seconds ago. No event has
    /// a bare word for a line (an event is `key=value` pairs or a JSON object), so the word
    /// cannot be mistaken for one.
    static func isStatusQuery(_ bytes: [UInt8]) -> Bool {
        // An event line is longer or starts otherwise: one comparison on the ingest path.
        guard bytes.count <= 16, bytes.first == UInt8(ascii: "s") else { return false }
        var line = bytes[...]
        while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = line.dropLast() }
        return line.elementsEqual("status".utf8)
    }

    /// The reply to `status`.
    func statusReply() -> String {
        var reply = "ok status open=\(pipeline.engine.openCount) queued=\(outbox.queuedCount) held=\(pipeline.engine.heldCount) failed=\(pipeline.failedCount)"
        if let failure = storeHealth.shownFailure(at: WallClock.monotonicMilliseconds()) {
            reply += " store=" + Event.logfmtQuoted(failure.error) + " store_failed_s=\(failure.age / 1000)"
        }
        return reply
    }
}

extension Daemon {
    /// Rewrites `--metrics-file` when its interval has passed (or at once with `force`).
    func writeMetricsIfDue(_ mono: Int64, force: Bool = false) {
        guard let path = configuration.metricsFile, force || schedule.metrics.due(mono) else { return }
        let text = pipeline.metrics.text(
            open: pipeline.engine.openCount, acked: pipeline.ackedCount, queued: outbox.queuedCount, held: pipeline.engine.heldCount)
        if let error = Metrics.write(text, to: path), pipeline.journalBudget.admits(.daemonState, .warning, now: mono) {
            journal.log(.daemonState, .warning, "\(error)", [("TOCSIN_METRICS_FILE", path)])
        }
    }
}
