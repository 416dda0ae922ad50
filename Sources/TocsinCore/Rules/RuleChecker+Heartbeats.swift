/// `expect` blocks (SPEC §19): checked like rules (match lines, steps), plus their `every`
/// line; each becomes a `Heartbeat` and a rule `expect:NAME` for its missed incident.
extension RuleChecker {
    mutating func checkExpects(_ syntaxes: [RuleFileSyntax.Rule]) -> [Heartbeat] {
        var heartbeats: [Heartbeat] = []
        let checked = checkRules(syntaxes)
        for syntax in syntaxes {
            let name = syntax.name.text
            guard let every = syntax.every.first else {
                error("expect '\(name)' has no 'every' line: write every DURATION [grace DURATION] [during workhours], e.g. every 30m", syntax.name)
                continue
            }
            if syntax.every.count > 1 { error("'every' given twice in expect '\(name)'", syntax.every[1].keyword) }
            guard let (interval, grace, during) = checkEvery(every.keyword, every.arguments) else { continue }
            guard let rule = checked.first(where: { $0.name.rawValue == name }) else { continue }
            let missed = Rule(
                name: RuleName("expect:" + name),
                matchLines: [[Matcher(field: "kind", op: .equal, values: ["missed"]), Matcher(field: "id", op: .equal, values: ["expect:" + name])]],
                steps: rule.steps, repetition: rule.repetition, stopsOnAck: rule.stopsOnAck, stormOff: rule.stormOff,
                ackTimeout: rule.ackTimeout, subject: rule.subject, body: rule.body, location: rule.location)
            heartbeats.append(
                Heartbeat(name: name, matchLines: rule.matchLines, every: interval, grace: grace, duringWorkhours: during, rule: missed))
        }
        return heartbeats
    }

    /// `every DURATION [grace DURATION] [during workhours]`.
    private mutating func checkEvery(_ keyword: RuleToken, _ args: [RuleToken]) -> (RuleDuration, RuleDuration, Bool)? {
        let form = "'every' is written: every DURATION [grace DURATION] [during workhours], e.g. every 30m grace 5m during workhours"
        guard let first = args.first else {
            error(form, keyword)
            return nil
        }
        guard let every = RuleDuration(parsing: first.text), every >= .seconds(1) else {
            error(RuleDuration(parsing: first.text) == nil ? badDuration(first.text) : "'every' needs at least 1s", first)
            return nil
        }
        var grace = RuleDuration.zero
        var during = false
        var rest = args.dropFirst()
        while let word = rest.first {
            rest = rest.dropFirst()
            switch word.text {
            case "grace":
                guard let value = rest.first, let duration = RuleDuration(parsing: value.text) else {
                    error("'grace' needs a duration, e.g. grace 5m", word)
                    return nil
                }
                grace = duration
                rest = rest.dropFirst()
            case "during":
                guard rest.first?.text == "workhours" else {
                    error("expected 'during workhours'", word)
                    return nil
                }
                during = true
                rest = rest.dropFirst()
            default:
                error("unexpected '\(word.text)': \(form)", word)
                return nil
            }
        }
        return (every, grace, during)
    }
}
