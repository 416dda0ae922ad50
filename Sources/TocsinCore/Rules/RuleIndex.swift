/// Finds the first rule, in file order, whose match holds, without trying every rule: each
/// `match` line is filed under one of its `field=value` matchers (the field that tells the
/// rules apart best), and an event tries only the rules filed under its own values, plus
/// those with a line that has no `=` matcher. First-match order is kept: the candidates
/// are tried in file order.
///
/// Cost per event: O(F + C) for F filed field names and C candidate rules, however many
/// rules there are (50 dependency rules of other systems cost one lookup, not 50 tries).
struct RuleIndex: Sendable {
    /// Rule indices (ascending) by value, per field, the fields in name order.
    private var filed: [(field: String, byValue: [String: [Int]])] = []
    /// Rules with a match line no `=` matcher files.
    private var unfiled: [Int] = []

    init(_ rules: [Rule]) {
        var filed: [String: [String: [Int]]] = [:]
        var distinct: [String: Set<String>] = [:]
        for rule in rules {
            for line in rule.matchLines {
                for m in line where m.op == .equal { distinct[m.field, default: []].formUnion(m.values) }
            }
        }
        for (index, rule) in rules.enumerated() {
            for line in rule.matchLines {
                let best = line.filter { $0.op == .equal && !$0.values.isEmpty }
                    .max { ((distinct[$0.field]?.count ?? 0), $1.field) < ((distinct[$1.field]?.count ?? 0), $0.field) }
                guard let best else {
                    if unfiled.last != index { unfiled.append(index) }
                    continue
                }
                for value in Set(best.values) {
                    var bucket = filed[best.field, default: [:]][value, default: []]
                    if bucket.last != index { bucket.append(index) }
                    filed[best.field, default: [:]][value] = bucket
                }
            }
        }
        self.filed = filed.sorted { $0.key < $1.key }.map { (field: $0.key, byValue: $0.value) }
    }

    /// The index of the first rule whose match holds for `event`.
    func first(for event: Event, in rules: [Rule]) -> Int? {
        var best = Self.first(of: unfiled, below: nil, for: event, in: rules)
        // By index: iterating would copy each entry (its name and table retained).
        for index in filed.indices {
            guard let value = event[filed[index].field], let candidates = filed[index].byValue[value] else { continue }
            best = Self.first(of: candidates, below: best, for: event, in: rules) ?? best
        }
        return best
    }

    /// The first of `candidates` (ascending) below `bound` whose rule matches.
    private static func first(of candidates: [Int], below bound: Int?, for event: Event, in rules: [Rule]) -> Int? {
        for index in candidates {
            if let bound, index >= bound { return nil }  // ascending: nothing later can win
            if rules[index].matches(event) { return index }
        }
        return nil
    }
}
