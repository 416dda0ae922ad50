/// A binary min-heap ordered by a key: O(log n) push and pop.
public struct MinHeap<Key: Comparable, Value> {
    private var items: [(Key, Value)] = []

    /// An empty heap.
    public init() {}

    /// Whether it is empty.
    public var isEmpty: Bool { items.isEmpty }
    /// How many entries.
    public var count: Int { items.count }
    /// The smallest key.
    public var minKey: Key? { items.first?.0 }

    /// Adds an entry.
    public mutating func push(_ key: Key, _ value: Value) {
        items.append((key, value))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].0 < items[parent].0 else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the entry with the smallest key.
    public mutating func pop() -> (Key, Value)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, items[left].0 < items[smallest].0 { smallest = left }
                if right < items.count, items[right].0 < items[smallest].0 { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }

    /// Removes every entry.
    public mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}
extension MinHeap: Sendable where Key: Sendable, Value: Sendable {}
