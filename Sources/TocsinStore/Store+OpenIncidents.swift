import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

extension Store {
    /// Reads every open incident into `snapshot`. A restart with a million open incidents
    /// is CPU-bound in two halves of about equal cost, so they run side by side: a second
    /// thread steps through the rows and packs them (`PackedIncident`), this one files them
    /// in the snapshot's table and id index as they come.
    package func readOpenIncidents(into snapshot: inout EngineSnapshot) throws(StoreError) {
        let openCount = try db.scalar("SELECT COUNT(*) FROM incidents WHERE state != 'resolved'") ?? 0
        // Numbers are dense, so the span of the primary key counts the rows without a scan
        // of three years of history.
        let allCount = try db.scalar("SELECT COALESCE(MAX(number) - MIN(number) + 1, 0) FROM incidents") ?? 0
        snapshot.reserveCapacity(Int(openCount))
        // Mostly open (a storm): one pass over the table beats an index lookup per row;
        // otherwise the partial index that holds only the open ones (without INDEXED BY,
        // SQLite may walk the whole table).
        let scan = openCount * 2 > allCount ? "NOT INDEXED" : "INDEXED BY incidents_open"
        let overlay = try progressOverlay()
        let rows = try db.statement("SELECT \(Store.incidentColumns) FROM incidents \(scan) WHERE state != 'resolved'")
        let handoff = PackedHandoff()
        // The statement is used by the packing thread alone until it is joined.
        let packer = startThread {
            var batch: [PackedIncident] = []
            batch.reserveCapacity(PackedHandoff.batchSize)
            do throws(StoreError) {
                while try rows.step() {
                    let columns = Store.columns(of: rows)
                    var packed: PackedIncident?
                    if !overlay.isEmpty, let progress = overlay[columns.number] {
                        progress.laid(over: columns) { packed = PackedIncident(columns: $0) }
                    } else {
                        packed = PackedIncident(columns: columns)
                    }
                    if let packed { batch.append(packed) }
                    if batch.count == PackedHandoff.batchSize {
                        handoff.put(batch)
                        batch = []
                        batch.reserveCapacity(PackedHandoff.batchSize)
                    }
                }
                handoff.finish(batch, error: nil)
            } catch {
                handoff.finish(batch, error: error)
            }
        }
        while let batches = handoff.takeAll() {
            for batch in batches {
                for incident in batch { snapshot.add(incident) }
            }
        }
        pthread_join(packer, nil)
        rows.reset()
        if let error = handoff.error { throw error }
    }
}

/// Batches of packed incidents passed from the thread that reads them to the one that
/// files them.
private final class PackedHandoff: @unchecked Sendable {
    /// Incidents per batch: the two threads meet once per this many.
    package static let batchSize = 4096

    private let lock = Lock()
    private var batches: [[PackedIncident]] = []
    private var finished = false
    /// Why the reading stopped early, if it did.
    private(set) var error: StoreError?

    /// Passes on a batch.
    package func put(_ batch: [PackedIncident]) {
        lock.withLock {
            batches.append(batch)
            lock.signal()
        }
    }

    /// Passes on the last batch and says the reading is over (`error`: why it stopped).
    package func finish(_ batch: [PackedIncident], error: StoreError?) {
        lock.withLock {
            if !batch.isEmpty { batches.append(batch) }
            self.error = error
            finished = true
            lock.signal()
        }
    }

    /// Every batch passed on since the last call, waiting for one; nil once the reading is
    /// over and every batch taken.
    package func takeAll() -> [[PackedIncident]]? {
        lock.withLock {
            while batches.isEmpty && !finished { lock.wait() }
            if batches.isEmpty { return nil }
            defer { batches = [] }
            return batches
        }
    }
}
