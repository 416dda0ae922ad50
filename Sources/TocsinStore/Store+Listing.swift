import TocsinCore
import TocsinSystem

/// Which incidents `tocsinctl list` shows.
public enum IncidentSelection: Sendable, Equatable {
    /// Every open (or acknowledged) incident, and the newest `newest` of the others:
    /// the default, which stays short however long the history is.
    case openAndNewest(newest: Int)
    /// Only open (and acknowledged) incidents.
    case openOnly
    /// Every incident.
    case all
    /// Every incident opened at or after the instant.
    case openedSince(Timestamp)
}

/// An incident as a listing shows it: its own columns, read without decoding its fields
    /// (a listing of thousands of rows pays for the columns it prints, nothing else).
public struct IncidentRow: Sendable {
    public var number: IncidentNumber
    public var id: String
    public var kind: String?
    public var severity: Int?
    public var state: String
    public var opened: Timestamp
    public var began: Timestamp
    public var lastSeen: Timestamp
    public var rule: String?
    public var summary: String?
    public var count: Int
    public var ackedBy: String?
    public var resolvedAt: Timestamp?
    public var resolvedBy: String?
    public var cause: String?

    /// The columns, in the order `init(from:)` reads them.
    static let columns = """
        number, id, kind, severity, state, opened, began, last_seen, rule, summary, count, acked_by, resolved_at, resolved_by, cause \
        FROM incidents
        """

    init(from s: Statement) {
        number = IncidentNumber(s.int64(0))
        id = s.text(1)
        kind = s.optionalText(2)
        severity = s.optionalInt64(3).map { Int($0) }
        state = s.text(4)
        opened = Timestamp(milliseconds: s.int64(5))
        began = Timestamp(milliseconds: s.int64(6))
        lastSeen = Timestamp(milliseconds: s.int64(7))
        rule = s.optionalText(8)
        summary = s.optionalText(9)
        count = Int(s.int64(10))
        ackedBy = s.optionalText(11)
        resolvedAt = s.optionalInt64(12).map(Timestamp.init(milliseconds:))
        resolvedBy = s.optionalText(13)
        cause = s.optionalText(14)
    }
}

extension Store {
    /// Streams the selected incidents to `body`, newest (highest number) first, as they are
    /// read: memory stays constant and the first row comes at once, however many follow.
    /// `body` returns false to stop. Returns how many were given, and whether older
    /// incidents the selection left out exist (the default's resolved ones).
    ///
    /// The queries use the primary key (number) and the partial index on open incidents;
    /// "opened since" finds its first number by a binary search on the primary key, since
    /// numbers are given in the order incidents are opened.
    @discardableResult
    public func forEachIncident(
        _ selection: IncidentSelection, limit: Int? = nil, _ body: (IncidentRow) -> Bool
    ) throws(StoreError) -> (count: Int, olderLeftOut: Bool) {
        let limit = limit ?? Int.max
        var count = 0
        func give(_ incident: IncidentRow) -> Bool {
            guard count < limit else { return false }
            count += 1
            return body(incident) && count < limit
        }
        /// Every row of one ordered query, until `body` or the limit says stop.
        func stream(_ condition: String, _ values: [SQLValue] = []) throws(StoreError) -> (count: Int, olderLeftOut: Bool) {
            let s = try db.statement("SELECT \(IncidentRow.columns) \(condition) ORDER BY number DESC")
            s.bind(values)
            while try s.step() { if !give(IncidentRow(from: s)) { break } }
            return (count, false)
        }
        switch selection {
        case .all: return try stream("")
        case .openOnly: return try stream("WHERE number IN (\(Store.openNumbers))")
        case .openedSince(let since): return try stream("WHERE number >= ?", [.int(try firstNumber(openedAtOrAfter: since))])
        case .openAndNewest(let newest):
            // Two streams by number, merged: the open ones, and the newest of all.
            let open = try db.statement("SELECT \(IncidentRow.columns) WHERE number IN (\(Store.openNumbers)) ORDER BY number DESC")
            let recent = try db.statement("SELECT \(IncidentRow.columns) ORDER BY number DESC LIMIT ?")
            recent.bind([.int(Int64(newest))])
            var nextOpen = try open.step() ? IncidentRow(from: open) : nil
            var nextRecent = try recent.step() ? IncidentRow(from: recent) : nil
            var oldestShown: Int64?
            while nextOpen != nil || nextRecent != nil {
                let takeOpen = (nextOpen?.number.value ?? Int64.min) >= (nextRecent?.number.value ?? Int64.min)
                let incident = takeOpen ? nextOpen! : nextRecent!
                if takeOpen {
                    if nextRecent?.number == incident.number { nextRecent = try recent.step() ? IncidentRow(from: recent) : nil }
                    nextOpen = try open.step() ? IncidentRow(from: open) : nil
                } else {
                    nextRecent = try recent.step() ? IncidentRow(from: recent) : nil
                }
                oldestShown = incident.number.value
                guard give(incident) else { break }
            }
            guard let oldestShown else { return (count, false) }
            let older = try db.scalar(
                "SELECT 1 FROM incidents WHERE number < ? AND state = 'resolved' LIMIT 1", [.int(oldestShown)]) != nil
            return (count, older || count == limit)
        }
    }

    /// The open incidents' numbers, from the partial index that holds only them: without
    /// `INDEXED BY`, SQLite walks the whole table by number to find them, which on three
    /// years of history is seconds, not milliseconds.
    static let openNumbers = "SELECT number FROM incidents INDEXED BY incidents_open WHERE state != 'resolved'"

    /// The lowest incident number opened at or after `instant` (one past the highest when
    /// none is): a binary search over the primary key.
    func firstNumber(openedAtOrAfter instant: Timestamp) throws(StoreError) -> Int64 {
        try firstKey(table: "incidents", key: "number", time: "opened", atOrAfter: instant)
    }

    /// The lowest `key` (an integer primary key given in time order) of `table` whose `time`
    /// is at or after `instant`, one past the highest when none is: about 20 lookups of the
    /// primary key however long the table, instead of a scan of an unindexed column.
    func firstKey(table: String, key: String, time: String, atOrAfter instant: Timestamp) throws(StoreError) -> Int64 {
        guard let highest = try db.scalar("SELECT MAX(\(key)) FROM \(table)") else { return 0 }
        var low = try db.scalar("SELECT MIN(\(key)) FROM \(table)") ?? 0
        var high = highest + 1
        let probe = try db.statement("SELECT \(time) FROM \(table) WHERE \(key) >= ? ORDER BY \(key) LIMIT 1")
        while low < high {
            let middle = low + (high - low) / 2
            probe.bind([.int(middle)])
            let at = try probe.step() ? probe.int64(0) : Int64.max
            probe.reset()
            if at >= instant.milliseconds { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
