import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// What a restart reads: the engine's snapshot, the reports already sent, the day's ledger.
extension Store {
    /// Everything the engine needs to carry on: open incidents, held messages, report times,
    /// the day's ledger, the next incident number.
    public func snapshot(reportTimes: [TimeOfDay]) throws(StoreError) -> EngineSnapshot {
        var snapshot = EngineSnapshot()
        try readOpenIncidents(into: &snapshot)
        snapshot.held = try heldMessages()
        snapshot.silences = try silences()
        snapshot.recordedHolds = try recordedHolds()
        let beats = try db.statement("SELECT key, value FROM meta WHERE key LIKE 'expect.%'")
        while try beats.step() {
            if let ms = Int64(beats.text(1)) {
                snapshot.lastBeats[String(beats.text(0).dropFirst(Store.heartbeatKeyPrefix.count))] = Timestamp(milliseconds: ms)
            }
        }
        snapshot.nextNumber = (try db.scalar("SELECT MAX(number) FROM incidents") ?? 0) + 1
        snapshot.rulesFingerprint = try metaValue(Store.rulesFingerprintKey)
        var since = Timestamp(milliseconds: Int64.max)
        for time in reportTimes {
            if let value = try metaValue("report." + time.description), let ms = Int64(value) {
                snapshot.lastReports[time] = Timestamp(milliseconds: ms)
                since = min(since, Timestamp(milliseconds: ms))
            }
        }
        if since.milliseconds != Int64.max { snapshot.ledger = try ledger(since: since) }
        return snapshot
    }

    /// The meta key of `RuleSet.fingerprint` for the rules the stored incidents were matched
    /// against.
    public static let rulesFingerprintKey = "rules.fingerprint"

    /// The meta keys of heartbeats' last beats: `expect.NAME`.
    public static let heartbeatKeyPrefix = "expect."

    /// Remembers when a daily report went out.
    public func recordReport(time: TimeOfDay, at: Timestamp) throws(StoreError) {
        try setMeta("report." + time.description, String(at.milliseconds))
    }

    /// What happened since `since` (the last daily report), for the next report: read from
    /// the incidents and timeline rows of that span only. Both tables' keys are given in
    /// time order, so the span's first key is found by a binary search (`firstKey`), an hour
    /// early for a wall clock that went back; the rows before it are never read, so a
    /// restart costs the same with a day of history or three years.
    package func ledger(since: Timestamp) throws(StoreError) -> DayLedger {
        var ledger = DayLedger()
        let margin = since - .hours(1)
        let firstIncident = try firstKey(table: "incidents", key: "number", time: "opened", atOrAfter: margin)
        let opened = try db.hot("SELECT COALESCE(kind, '-'), COUNT(*) FROM incidents WHERE number >= ? AND opened >= ? GROUP BY 1")
        opened.bind([.int(firstIncident), .int(since.milliseconds)])
        while try opened.step() {
            ledger.openedByKind[opened.text(0)] = Int(opened.int64(1))
            ledger.openedCount += Int(opened.int64(1))
        }
        let firstRow = try firstKey(table: "timeline", key: "seq", time: "at", atOrAfter: margin)
        ledger.stepsFired = Int(
            try db.scalar("SELECT COUNT(*) FROM timeline WHERE seq >= ? AND what = 'step' AND at >= ?", [.int(firstRow), .int(since.milliseconds)]) ?? 0)
        // Incidents resolved in the span: those with a 'resolved' row in it.
        let resolvedSelect = """
            FROM incidents WHERE resolved_at >= ? AND number IN
                (SELECT incident FROM timeline WHERE seq >= ? AND what = 'resolved' AND at >= ?)
            """
        let bounds: [SQLValue] = [.int(since.milliseconds), .int(firstRow), .int(margin.milliseconds)]
        ledger.resolvedCount = Int(try db.scalar("SELECT COUNT(*) " + resolvedSelect, bounds) ?? 0)
        let resolved = try db.statement(
            "SELECT number, id, COALESCE(kind,'-'), severity, COALESCE(summary,'-'), began, resolved_at, cause "
                + resolvedSelect + " ORDER BY resolved_at LIMIT \(DayLedger.listLimit)")
        resolved.bind(bounds)
        while try resolved.step() {
            ledger.resolved.append(
                DayLedger.Entry(
                    incident: IncidentNumber(resolved.int64(0)), id: resolved.text(1), kind: resolved.text(2),
                    severity: resolved.optionalInt64(3).map { Int($0) }, summary: resolved.text(4),
                    began: Timestamp(milliseconds: resolved.int64(5)),
                    resolvedAt: resolved.optionalInt64(6).map(Timestamp.init(milliseconds:)), cause: resolved.optionalText(7)))
        }
        return ledger
    }
}

extension String {
    package func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
