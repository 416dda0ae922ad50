/// A min-heap of (deadline, incident) wake-ups with lazy deletion: an entry whose incident
/// no longer has that deadline is dropped when it surfaces. Push and pop are O(log n), so
/// no ingest or timer work grows linearly with the number of open incidents.
struct TimerHeap: Sendable {
    struct Entry: Sendable {
        var deadline: Timestamp
        var incident: IncidentNumber
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }
    var earliest: Timestamp? { entries.first?.deadline }

    mutating func push(_ deadline: Timestamp, _ incident: IncidentNumber) {
        entries.append(Entry(deadline: deadline, incident: incident))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: Timestamp) -> Entry? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count, less(left, smallest) { smallest = left }
                if right < entries.count, less(right, smallest) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    private func less(_ a: Int, _ b: Int) -> Bool {
        (entries[a].deadline, entries[a].incident) < (entries[b].deadline, entries[b].incident)
    }
}
