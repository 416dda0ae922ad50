/// `depends on` (SPEC §15): a rule may wait on the incidents of others, never on its own,
/// and never round in a cycle, which would hold every incident of the cycle for ever.
extension RuleChecker {
    /// Whether an incident taken by `rule` could match `dependency` (no `=` matcher of one
    /// contradicts one of the other on the same field).
    static func couldBeParent(_ rule: Rule, of dependency: Dependency) -> Bool {
        rule.matchLines.contains { line in
            !dependency.matchers.contains { wanted in
                guard wanted.op == .equal else { return false }
                return line.contains { have in
                    have.op == .equal && have.field == wanted.field && Set(have.values).isDisjoint(with: wanted.values)
                }
            }
        }
    }

    /// Reports rules that depend on themselves or on each other in a cycle.
    mutating func checkDependencyCycles(_ rules: [Rule], _ syntaxes: [RuleFileSyntax.Rule]) {
        let dependent = rules.indices.filter { !rules[$0].dependencies.isEmpty }
        guard !dependent.isEmpty else { return }
        var edges: [Int: [Int]] = [:]
        for child in dependent {
            for parent in rules.indices where rules[child].dependencies.contains(where: { RuleChecker.couldBeParent(rules[parent], of: $0) }) {
                edges[child, default: []].append(parent)
            }
        }
        let token = { (index: Int) -> RuleToken? in
            syntaxes.first { $0.name.text == rules[index].name.rawValue }?.dependsOn.first?.keyword
        }
        var reported = Set<Int>()
        for start in dependent where !reported.contains(start) {
            if edges[start]?.contains(start) == true {
                reported.insert(start)
                if let t = token(start) {
                    error("rule '\(rules[start].name)' depends on itself: its own incidents match its 'depends on', so they would hold each other", t)
                }
                continue
            }
            // A path back to `start` through other dependent rules is a cycle.
            var path = [start]
            var visited = Set<Int>()
            func search(_ node: Int) -> Bool {
                for next in edges[node] ?? [] where next != node {
                    if next == start { return true }
                    guard !visited.contains(next), edges[next] != nil else { continue }
                    visited.insert(next)
                    path.append(next)
                    if search(next) { return true }
                    path.removeLast()
                }
                return false
            }
            if search(start) {
                path.forEach { reported.insert($0) }
                let names = (path + [start]).map { rules[$0].name.rawValue }.joined(separator: " → ")
                if let t = token(start) { error("rules depend on each other in a cycle: \(names); their incidents would wait for ever", t) }
            }
        }
    }
}
