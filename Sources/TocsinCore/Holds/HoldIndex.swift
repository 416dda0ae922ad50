/// Finds the holders (silences, maintenance windows) an event's fields may match without
/// trying every one: each holder is filed under one of its `field=value` matchers, the one
/// whose field tells holders apart best, and an event looks up only its own values of the
/// filed fields. Holders with no such matcher are tried on every event (there are few:
/// a silence is nearly always written with `kind=` or an `id`).
///
/// Cost per event: O(F + C) for F filed field names (a handful) and C candidates sharing a
/// value with it; adding a holder rebuilds the index in O(H).
public struct HoldIndex<Key: Hashable & Sendable>: Sendable {
    private var holders: [Key: [Matcher]] = [:]
    /// Holder keys by value, per field (the fields in name order), read by index on every
    /// event: iterating a dictionary would copy each entry.
    private var filed: [(field: String, byValue: [String: [Key]])] = []
    private var unfiled: [Key] = []

    /// An empty index.
    public init() {}

    /// How many holders it has.
    public var count: Int { holders.count }

    /// Adds or replaces a holder.
    public mutating func insert(_ key: Key, matchers: [Matcher]) {
        holders[key] = matchers
        rebuild()
    }

    /// Removes a holder.
    public mutating func remove(_ key: Key) {
        guard holders.removeValue(forKey: key) != nil else { return }
        rebuild()
    }

    /// Every holder whose matchers all hold for `event`.
    public func matching(_ event: Event) -> [Key] {
        guard !holders.isEmpty else { return [] }
        var found: [Key] = []
        for index in filed.indices {
            guard let value = event[filed[index].field], let keys = filed[index].byValue[value] else { continue }
            for key in keys where holds(key, for: event) { found.append(key) }
        }
        for key in unfiled where holds(key, for: event) { found.append(key) }
        return found
    }

    /// Whether every matcher of holder `key` holds for `event`.
    private func holds(_ key: Key, for event: Event) -> Bool {
        holders[key]?.allSatisfy { $0.matches(event) } ?? false
    }

    private mutating func rebuild() {
        // How many distinct values each field's equality matchers have: the more, the better
        // a field splits holders (kind=fault is shared by many; system=core-banking is not).
        var distinct: [String: Set<String>] = [:]
        for matchers in holders.values {
            for m in matchers where m.op == .equal { distinct[m.field, default: []].formUnion(m.values) }
        }
        var filed: [String: [String: [Key]]] = [:]
        unfiled = []
        for (key, matchers) in holders {
            let best = matchers.filter { $0.op == .equal && !$0.values.isEmpty }
                .max { (distinct[$0.field]?.count ?? 0, $1.field) < (distinct[$1.field]?.count ?? 0, $0.field) }
            guard let best else {
                unfiled.append(key)
                continue
            }
            for value in Set(best.values) { filed[best.field, default: [:]][value, default: []].append(key) }
        }
        self.filed = filed.sorted { $0.key < $1.key }.map { (field: $0.key, byValue: $0.value) }
    }
}
