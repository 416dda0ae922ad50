import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `timeline` table: every event, step and message of an incident, in order.
extension Store {
    /// Appends a timeline entry.
    public func appendTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String? = nil,
        uid: UInt32? = nil, pid: Int32? = nil
    ) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid)
        try flushTimeline()
    }

    /// `appendTimeline`, written with the next ones in one `INSERT` (`flushTimeline`).
    package func queueTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String?, uid: UInt32?, pid: Int32?
    ) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: what, source: source, uid: uid, pid: pid) {
            $0.append(contentsOf: detail.utf8)
        }
    }

    /// Queues a fired step's timeline row, `"LABEL: CONTACT CONTACT"`, its text put together
    /// here, off the event loop.
    package func queueStepFired(incident: IncidentNumber, at: Timestamp, label: String, contacts: [ContactName]) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: "step", source: nil, uid: nil, pid: nil) {
            $0.append(contentsOf: label.utf8)
            $0.append(contentsOf: ": ".utf8)
            Store.appendNames(contacts, to: &$0)
        }
    }

    /// Queues a timeline row whose detail `writeDetail` appends to the pending detail bytes.
    func queueTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, source: String?, uid: UInt32?, pid: Int32?,
        writeDetail: (inout [UInt8]) -> Void
    ) throws(StoreError) {
        let start = pendingDetails.count
        writeDetail(&pendingDetails)
        pendingTimeline.append(
            PendingTimelineRow(
                incident: incident, at: at, what: what, detail: start..<pendingDetails.count, source: source, uid: uid, pid: pid))
        if pendingTimeline.count == MultiRowInsert.maxRows { try flushTimeline() }
    }

    /// Writes the timeline rows queued, in order.
    package func flushTimeline() throws(StoreError) {
        guard !pendingTimeline.isEmpty else { return }
        let s = try timelineRows.statement(rows: pendingTimeline.count, in: db)
        pendingDetails.withUnsafeBytes { details in
            for (index, row) in pendingTimeline.enumerated() {
                let base = Int32(index) * timelineRows.columns
                s.bind(base + 1, row.incident?.value)
                s.bind(base + 2, row.at.milliseconds)
                s.bind(base + 3, row.what)
                s.bind(base + 4, utf8: UnsafeRawBufferPointer(rebasing: details[row.detail]))
                s.bind(base + 5, row.source)
                s.bind(base + 6, row.uid.map(Int64.init))
                s.bind(base + 7, row.pid.map(Int64.init))
            }
        }
        pendingTimeline.removeAll(keepingCapacity: true)
        pendingDetails.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Contact names as stored (`told`, a step's detail): separated by one space.
    static func appendNames(_ names: [ContactName], to bytes: inout [UInt8]) {
        for (index, name) in names.enumerated() {
            if index > 0 { bytes.append(0x20) }
            bytes.append(contentsOf: name.rawValue.utf8)
        }
    }
}

/// A timeline row waiting for `Store.flushTimeline`; its detail is a range of the store's
/// pending detail bytes.
package struct PendingTimelineRow {
    package var incident: IncidentNumber?
    package var at: Timestamp
    package var what: String
    package var detail: Range<Int>
    package var source: String?
    package var uid: UInt32?
    package var pid: Int32?
}
