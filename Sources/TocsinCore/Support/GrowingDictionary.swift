/// A dictionary that grows without a pause. A Swift `Dictionary` that fills up rehashes
/// every entry inside the one insert that found it full: with 100,000 open incidents the
/// engine's two indexes held every event behind them for 20-60 ms, and at a million it would
/// be half a second. This one, once its table is full, starts a table twice the size and
/// moves the old one's entries over a few at a time, on each later change, as Redis does.
///
/// While it moves, a key is looked up in the new table and then in the old one. The old
/// table is never changed while entries are moved out of it, so the position of the next
/// entry to move stays valid; keys removed meanwhile are remembered until the move is done.
/// Every operation stays O(1); none does work that grows with the count.
public struct GrowingDictionary<Key: Hashable, Value> {
    /// Where every change goes.
    @usableFromInline var current: [Key: Value] = [:]
    /// The table `current` outgrew, read only while its entries are moved over.
    @usableFromInline var previous: [Key: Value] = [:]
    /// The next entry of `previous` to move; nil when nothing is moving.
    @usableFromInline var nextToMove: [Key: Value].Index?
    /// Keys removed while `previous` holds them: such an entry is gone, moved or not.
    @usableFromInline var removedWhileMoving: Set<Key> = []
    /// How many keys have a value (kept as changes come, not counted).
    @usableFromInline var storedCount = 0
    /// How many keys have a value.
    @inlinable public var count: Int { storedCount }

    /// Entries moved per change while growing. Moving finishes after at most a quarter as
    /// many changes as the old table held entries, so the new table, twice its size, never
    /// fills before then.
    @usableFromInline static var movesPerChange: Int { 4 }
    /// Tables smaller than this grow as a `Dictionary` does: rehashing them is quick.
    @usableFromInline static var smallestGradualGrowth: Int { 1_024 }

    /// An empty dictionary.
    @inlinable public init() {}

    /// Whether entries are being moved to a larger table.
    var isGrowing: Bool { nextToMove != nil }

    /// The value for `key`; setting nil removes it.
    @inlinable public subscript(key: Key) -> Value? {
        get { current[key] ?? notYetMoved(key) }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value for `key`, and returns the one it replaced.
    @inlinable @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        guard nextToMove != nil else {
            if current.count >= current.capacity, current.capacity >= Self.smallestGradualGrowth, current[key] == nil {
                startGrowing()
                return updateValue(value, forKey: key)
            }
            let old = current.updateValue(value, forKey: key)
            if old == nil { storedCount += 1 }
            return old
        }
        let old = current.updateValue(value, forKey: key) ?? notYetMoved(key)
        if old == nil { storedCount += 1 }
        moveSome()
        return old
    }

    /// Removes `key`, and returns its value.
    @inlinable @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard nextToMove != nil else {
            let old = current.removeValue(forKey: key)
            if old != nil { storedCount -= 1 }
            return old
        }
        let old = current.removeValue(forKey: key) ?? notYetMoved(key)
        if previous[key] != nil { removedWhileMoving.insert(key) }
        if old != nil { storedCount -= 1 }
        moveSome()
        return old
    }

    /// Makes room for `capacity` keys (a restart, which knows how many it reads). Finishes
    /// a move under way first.
    @inlinable public mutating func reserveCapacity(_ capacity: Int) {
        while nextToMove != nil { moveSome() }
        current.reserveCapacity(capacity)
    }

    /// Every key, unordered.
    @inlinable public var keys: [Key] {
        var keys = Array(current.keys)
        if let nextToMove {
            for (key, _) in previous[nextToMove...] where current[key] == nil && !wasRemovedWhileMoving(key) {
                keys.append(key)
            }
        }
        return keys
    }

    /// The value `previous` still holds for `key` while moving, unless it was removed.
    @usableFromInline func notYetMoved(_ key: Key) -> Value? {
        guard nextToMove != nil, !wasRemovedWhileMoving(key) else { return nil }
        return previous[key]
    }

    /// Whether `key` was removed while `previous` holds it (no hashing while none was).
    @inlinable func wasRemovedWhileMoving(_ key: Key) -> Bool {
        !removedWhileMoving.isEmpty && removedWhileMoving.contains(key)
    }

    /// Accesses a value in place, so that `current[key, default: value]` stores the default
    /// in the same lookup that finds the key absent.
    @inlinable static func touch(_ value: inout Value) {}

    /// The full table becomes the one moved out of; changes go to one twice its size.
    @usableFromInline mutating func startGrowing() {
        previous = current
        current = Dictionary(minimumCapacity: 2 * previous.capacity)
        nextToMove = previous.startIndex
    }

    /// Moves the next few entries of `previous` that are still live; when none are left,
    /// lets the old table go.
    @usableFromInline mutating func moveSome() {
        guard var index = nextToMove else { return }
        var moved = 0
        while moved < Self.movesPerChange, index != previous.endIndex {
            let (key, value) = previous[index]
            // One lookup: the default is stored only when `current` has no value for the key
            // (a change after the growth began wrote a newer one).
            if !wasRemovedWhileMoving(key) { Self.touch(&current[key, default: value]) }
            index = previous.index(after: index)
            moved += 1
        }
        if index == previous.endIndex {
            previous = [:]
            removedWhileMoving = []
            nextToMove = nil
        } else {
            nextToMove = index
        }
    }
}

extension GrowingDictionary: Sendable where Key: Sendable, Value: Sendable {}
