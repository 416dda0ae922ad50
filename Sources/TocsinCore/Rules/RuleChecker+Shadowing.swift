/// Rules that can never match because an earlier rule takes all they would.
extension RuleChecker {
    /// Warns about a rule that can never match because an earlier rule takes every
    /// incident it would: each of its match lines is implied by an earlier rule's line
    /// (one whose matchers are a subset of its own).
    ///
    /// Near-linear in the number of rules: the earlier lines are kept in a table by their
    /// matcher sets, and a line looks up its own subsets (all of them for a line of up to
    /// `exhaustiveSubsetLimit` matchers; beyond that those of up to two matchers, and
    /// itself), not every earlier rule.
    mutating func warnShadowed(_ rules: [Rule], _ syntaxes: [RuleFileSyntax.Rule]) {
        var firstRuleWithLine: [Set<Matcher>: Int] = [:]
        var syntaxByName: [String: RuleFileSyntax.Rule] = [:]
        for syntax in syntaxes where syntaxByName[syntax.name.text] == nil { syntaxByName[syntax.name.text] = syntax }
        for (index, rule) in rules.enumerated() {
            var shadowerIndex: Int?
            let allShadowed = !rule.matchLines.isEmpty && rule.matchLines.allSatisfy { line in
                guard let earliest = Self.subsets(of: Array(Set(line))).compactMap({ firstRuleWithLine[$0] }).min() else { return false }
                shadowerIndex = shadowerIndex ?? earliest
                return true
            }
            for line in rule.matchLines where firstRuleWithLine[Set(line)] == nil { firstRuleWithLine[Set(line)] = index }
            guard allShadowed, let shadowerIndex, let syntax = syntaxByName[rule.name.rawValue] else { continue }
            let shadower = rules[shadowerIndex]
            warning(
                "rule '\(rule.name)' can never match: rule '\(shadower.name)' comes first and takes every incident it would",
                syntax.name,
                notes: [note("'\(shadower.name)' is defined here", at: shadower.location, length: 4)])
        }
    }

    /// Lines of at most this many matchers have every subset looked up (2^8 = 256).
    static let exhaustiveSubsetLimit = 8

    /// The subsets of a line's matchers that `warnShadowed` looks up.
    static func subsets(of matchers: [Matcher]) -> [Set<Matcher>] {
        if matchers.count <= exhaustiveSubsetLimit {
            return (0..<(1 << matchers.count)).map { mask in
                Set(matchers.indices.filter { mask & (1 << $0) != 0 }.map { matchers[$0] })
            }
        }
        var result: [Set<Matcher>] = [[], Set(matchers)]
        for i in matchers.indices {
            result.append([matchers[i]])
            for j in matchers.indices where j > i { result.append([matchers[i], matchers[j]]) }
        }
        return result
    }
}
