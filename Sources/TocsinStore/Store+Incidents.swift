import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `incidents` and `progress` tables: an incident's whole row, and the narrow progress
/// row a step's firing writes (columns named once, in `incidentColumns`, bound and read here).
extension Store {
    /// Writes an incident's whole current state; `fieldsText` is `incident.fields.logfmt`
    /// when the caller has it already.
    public func save(_ incident: Incident, fieldsText: String? = nil) throws(StoreError) {
        try queueSave(incident, fieldsText: fieldsText)
        try flushIncidents()
        try flushProgress()
    }

    /// `save`, written with the next ones in one `INSERT` (`flushIncidents`).
    package func queueSave(_ incident: Incident, fieldsText: String?) throws(StoreError) {
        pendingIncidents.append((incident, fieldsText))
        if pendingIncidents.count == MultiRowInsert.maxRows { try flushIncidents() }
        guard numbersWithProgress[incident.number.value] != nil else { return }
        if incident.state == .resolved {
            // Its own row has its last progress; a resolved incident keeps no row here.
            try flushProgress()
            try db.hot("DELETE FROM progress WHERE number = ?").run([.int(incident.number.value)])
            numbersWithProgress.removeValue(forKey: incident.number.value)
        } else {
            try queueProgress(
                incident.number, firedSteps: incident.firedSteps, repeatsSent: incident.repeatsSent, told: incident.told,
                threadRoot: incident.threadRoot)
        }
    }

    /// Writes the incidents `queueSave` holds.
    package func flushIncidents() throws(StoreError) {
        guard !pendingIncidents.isEmpty else { return }
        let s = try incidentRows.statement(rows: pendingIncidents.count, in: db)
        for (row, pending) in pendingIncidents.enumerated() {
            bind(pending.incident, fieldsText: pending.fieldsText, to: s, from: Int32(row) * incidentRows.columns)
        }
        pendingIncidents.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Binds an incident's 22 columns as parameters `base + 1` … `base + 22`.
    func bind(_ incident: Incident, fieldsText: String?, to s: Statement, from base: Int32) {
        s.bind(base + 1, incident.number.value)
        s.bind(base + 2, incident.id)
        s.bind(base + 3, incident.state.rawValue)
        bindField("kind", of: incident, to: s, at: base + 4)
        s.bind(base + 5, incident.severity.map(Int64.init))
        bindField("summary", of: incident, to: s, at: base + 6)
        s.bind(base + 7, incident.rule?.rawValue)
        s.bind(base + 8, incident.scheduleDigest)
        s.bind(base + 9, Int64(bitPattern: incident.firedSteps))
        s.bind(base + 10, Int64(incident.repeatsSent))
        s.bind(base + 11, incident.began.milliseconds)
        s.bind(base + 12, incident.opened.milliseconds)
        s.bind(base + 13, incident.lastSeen.milliseconds)
        s.bind(base + 14, Int64(incident.count))
        s.bind(base + 15, incident.ackedAt?.milliseconds)
        s.bind(base + 16, incident.ackedBy)
        s.bind(base + 17, incident.resolvedAt?.milliseconds)
        s.bind(base + 18, incident.resolvedBy)
        s.bind(base + 19, incident.cause)
        scratch.removeAll(keepingCapacity: true)
        Store.appendNames(incident.told, to: &scratch)
        s.bind(base + 20, utf8: scratch)  // staged (copied) here, so the scratch is free again below
        s.bind(base + 21, incident.threadRoot)
        if let fieldsText {
            s.bind(base + 22, fieldsText)
        } else {
            scratch.removeAll(keepingCapacity: true)
            incident.fields.appendLogfmt(to: &scratch)
            s.bind(base + 22, utf8: scratch)
        }
    }

    /// Binds a field's value from the incident's packed fields (no string made), or NULL.
    private func bindField(_ key: String, of incident: Incident, to s: Statement, at index: Int32) {
        incident.fields.withValueBytes(key) { value in
            if let value { s.bind(index, utf8: UnsafeRawBufferPointer(value)) } else { s.bind(index, nil as String?) }
        }
    }

    /// Forgets rows queued for a transaction that failed.
    package func discardPending() {
        pendingIncidents.removeAll(keepingCapacity: true)
        pendingTimeline.removeAll(keepingCapacity: true)
        pendingDetails.removeAll(keepingCapacity: true)
        pendingProgress.removeAll(keepingCapacity: true)
        pendingTold.removeAll(keepingCapacity: true)
    }

    /// Queues what a step firing changes in an incident (see `StoreBatch.saveProgress`), to be
    /// written with the next ones in one `INSERT` (`flushProgress`).
    package func queueProgress(_ number: IncidentNumber, firedSteps: UInt64, repeatsSent: Int, told: [ContactName], threadRoot: String?)
        throws(StoreError)
    {
        numbersWithProgress[number.value] = ()
        let start = pendingTold.count
        Store.appendNames(told, to: &pendingTold)
        pendingProgress.append(
            PendingProgressRow(
                number: number.value, firedSteps: firedSteps, repeatsSent: repeatsSent, told: start..<pendingTold.count,
                threadRoot: threadRoot))
        if pendingProgress.count == MultiRowInsert.maxRows { try flushProgress() }
    }

    /// Writes the progress rows queued, in order (of two for one incident, the later stays).
    package func flushProgress() throws(StoreError) {
        guard !pendingProgress.isEmpty else { return }
        let s = try progressRows.statement(rows: pendingProgress.count, in: db)
        pendingTold.withUnsafeBytes { told in
            for (index, row) in pendingProgress.enumerated() {
                let base = Int32(index) * progressRows.columns
                s.bind(base + 1, row.number)
                s.bind(base + 2, Int64(bitPattern: row.firedSteps))
                s.bind(base + 3, Int64(row.repeatsSent))
                s.bind(base + 4, utf8: UnsafeRawBufferPointer(rebasing: told[row.told]))
                s.bind(base + 5, row.threadRoot)
            }
        }
        pendingProgress.removeAll(keepingCapacity: true)
        pendingTold.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Reads which incidents have a progress row.
    func loadProgressNumbers() throws(StoreError) {
        numbersWithProgress = GrowingDictionary()
        let s = try db.statement("SELECT number FROM progress")
        while try s.step() { numbersWithProgress[s.int64(0)] = () }
    }

    /// The columns of an incident as stored in its own row (a restart overlays `progress`
    /// itself, `progressOverlay`).
    package static let incidentColumns = """
        number, id, state, rule, schedule_digest, fired_steps, repeats_sent, began, opened, last_seen, count,
        acked_at, acked_by, resolved_at, resolved_by, cause, told, thread_root, fields
        """

    /// `SELECT` columns and table for reading whole incidents, with their progress row if
    /// any: `SELECT \(incidentSelect) WHERE …`.
    package var incidentSelect: String {
        guard hasProgressTable else { return Store.incidentColumns + " FROM incidents" }
        return """
            number, id, state, rule, schedule_digest, COALESCE(progress.fired_steps, incidents.fired_steps),
            COALESCE(progress.repeats_sent, incidents.repeats_sent), began, opened, last_seen, count,
            acked_at, acked_by, resolved_at, resolved_by, cause, COALESCE(progress.told, incidents.told),
            CASE WHEN progress.number IS NULL THEN incidents.thread_root ELSE progress.thread_root END, fields
            FROM incidents LEFT JOIN progress USING (number)
            """
    }

    /// Every progress row, by incident number, for a restart to lay over the incidents' own
    /// columns (one read of a table of firings, not a join per open incident).
    package func progressOverlay() throws(StoreError) -> [Int64: StoredProgress] {
        var overlay: [Int64: StoredProgress] = [:]
        let s = try db.statement("SELECT number, fired_steps, repeats_sent, told, thread_root FROM progress")
        while try s.step() {
            overlay[s.int64(0)] = StoredProgress(
                firedSteps: UInt64(bitPattern: s.int64(1)), repeatsSent: s.int64(2), told: Array(s.utf8(3)),
                threadRoot: s.optionalUTF8(4).map(Array.init))
        }
        return overlay
    }

    /// The columns of an `incidentColumns` row, borrowed until the next step.
    package static func columns(of s: Statement) -> StoredIncidentColumns {
        let state = s.utf8(2)
        return StoredIncidentColumns(
            number: s.int64(0), state: state.elementsEqual("resolved".utf8) ? .resolved : state.elementsEqual("acked".utf8) ? .acked : .open,
            began: s.int64(7), firedSteps: UInt64(bitPattern: s.int64(5)), repeatsSent: s.int64(6), rule: s.optionalUTF8(3),
            id: s.utf8(1), fields: s.utf8(18), opened: s.int64(8), lastSeen: s.int64(9), count: s.int64(10),
            scheduleDigest: s.utf8(4), ackedAt: s.optionalInt64(11), ackedBy: s.optionalUTF8(12), resolvedAt: s.optionalInt64(13),
            resolvedBy: s.optionalUTF8(14), cause: s.optionalUTF8(15), told: s.utf8(16), threadRoot: s.optionalUTF8(17))
    }

    package static func incident(from s: Statement) -> Incident {
        let fields = EventParser.trusted(logfmt: s.text(18)) ?? Event(fields: [])
        var incident = Incident(
            number: IncidentNumber(s.int64(0)), id: s.text(1), fields: fields, began: Timestamp(milliseconds: s.int64(7)),
            opened: Timestamp(milliseconds: s.int64(8)))
        incident.state = Incident.State(rawValue: s.text(2)) ?? .open
        incident.rule = s.optionalText(3).map { RuleName($0) }
        incident.scheduleDigest = s.text(4)
        incident.firedSteps = UInt64(bitPattern: s.int64(5))
        incident.repeatsSent = Int(s.int64(6))
        incident.lastSeen = Timestamp(milliseconds: s.int64(9))
        incident.count = Int(s.int64(10))
        incident.ackedAt = s.optionalInt64(11).map(Timestamp.init(milliseconds:))
        incident.ackedBy = s.optionalText(12)
        incident.resolvedAt = s.optionalInt64(13).map(Timestamp.init(milliseconds:))
        incident.resolvedBy = s.optionalText(14)
        incident.cause = s.optionalText(15)
        incident.told = s.text(16).split(separator: " ").map { ContactName(String($0)) }
        incident.threadRoot = s.optionalText(17)
        return incident
    }
}

/// A progress row waiting for `Store.flushProgress`; its `told` is a range of the store's
/// pending bytes.
package struct PendingProgressRow {
    package var number: Int64
    package var firedSteps: UInt64
    package var repeatsSent: Int
    package var told: Range<Int>
    package var threadRoot: String?
}

/// An incident's row of `progress`, as a restart reads it.
package struct StoredProgress {
    package var firedSteps: UInt64
    package var repeatsSent: Int64
    package var told: [UInt8]
    package var threadRoot: [UInt8]?

    /// `columns` with this progress in place of the incident row's own, for `body`.
    package func laid(over columns: StoredIncidentColumns, _ body: (StoredIncidentColumns) -> Void) {
        var columns = columns
        columns.firedSteps = firedSteps
        columns.repeatsSent = repeatsSent
        told.withUnsafeBufferPointer { told in
            columns.told = told
            guard let threadRoot else {
                columns.threadRoot = nil
                return body(columns)
            }
            threadRoot.withUnsafeBufferPointer { root in
                columns.threadRoot = root
                body(columns)
            }
        }
    }
}
