import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

extension Store {
    /// Reads every open incident into `snapshot`. A restart with a million open incidents
    /// is CPU-bound in two halves of about equal cost, so they run side by side: a worker
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
        let packer = WorkerQueue<RowsToPack, PackedRows>(threads: 1) { jobs, publish in
            let (rows, overlay) = (jobs[0].rows, jobs[0].overlay)
            var batch: [PackedIncident] = []
            batch.reserveCapacity(PackedRows.batchSize)
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
                    if batch.count == PackedRows.batchSize {
                        publish([.batch(batch)])
                        batch = []
                        batch.reserveCapacity(PackedRows.batchSize)
                    }
                }
                publish([.batch(batch), .end(nil)])
            } catch {
                publish([.batch(batch), .end(error)])
            }
        }
        packer.submit(RowsToPack(rows: rows, overlay: overlay))
        defer {
            packer.stop()
            rows.reset()
        }
        while true {
            for result in packer.waitForResults() {
                switch result {
                case .batch(let batch): for incident in batch { snapshot.add(incident) }
                case .end(let error?): throw error
                case .end(nil): return
                }
            }
        }
    }
}

/// The restart packer's one job: step through `rows`, each with its progress from `overlay`
/// laid over it. The statement is handed over: only the packing thread uses it, until the
/// queue is stopped.
private struct RowsToPack: @unchecked Sendable {
    let rows: Statement
    let overlay: [Int64: StoredProgress]
}

/// What the restart packer hands over as it reads.
private enum PackedRows: Sendable {
    /// Incidents per batch: the two threads meet once per this many.
    static let batchSize = 4096

    case batch([PackedIncident])
    /// The reading is over (the error: why it stopped early).
    case end(StoreError?)
}
