/// The engine's wake-ups: (deadline, incident) in a min-heap with lazy deletion — an entry
/// whose incident no longer has that deadline is dropped when it surfaces. Push and pop are
/// O(log n), so no ingest or timer work grows linearly with the number of open incidents.
struct TimerHeap: Sendable {
    struct Entry: Comparable, Sendable {
        var deadline: Timestamp
        var incident: IncidentNumber

        static func < (a: Entry, b: Entry) -> Bool { (a.deadline, a.incident) < (b.deadline, b.incident) }
    }

    private var heap = MinHeap<Entry, Void>()

    var count: Int { heap.count }
    var earliest: Timestamp? { heap.minKey?.deadline }

    mutating func push(_ deadline: Timestamp, _ incident: IncidentNumber) {
        heap.push(Entry(deadline: deadline, incident: incident), ())
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: Timestamp) -> Entry? {
        guard let first = heap.minKey, first.deadline <= now else { return nil }
        return heap.pop()?.0
    }

    mutating func removeAll() { heap.removeAll() }
}
