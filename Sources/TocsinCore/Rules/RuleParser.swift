/// Turns lexed lines into `RuleFileSyntax`: which statement each line is and whether it has
/// the words that statement needs. Meaning (known contacts, valid durations) is the
/// checker's job. Every line is parsed even after an error, so one run reports everything.
public struct RuleParser {
    /// Top-level statements.
    public static let topLevelKeywords = ["set", "contact", "rule", "report", "workhours", "holiday", "workday", "roster", "maintenance", "expect"]
    /// Statements inside a `rule` block.
    public static let ruleKeywords = ["match", "after", "repeat", "stop", "storm", "subject", "body", "ack-timeout", "depends", "every"]

    private var syntax = RuleFileSyntax()
    private var diagnostics: [Diagnostic] = []
    private var currentRule: RuleFileSyntax.Rule?
    private var currentRoster: RuleFileSyntax.Roster?

    /// Creates an empty parser; feed it files with `parse(_:)`.
    public init() {}

    /// Parses one file's lines into the statements collected so far.
    public mutating func parse(_ lines: [RuleLine]) {
        for line in lines { parseLine(line) }
        closeRule()
    }

    /// The statements and the diagnostics found so far.
    public func finish() -> (syntax: RuleFileSyntax, diagnostics: [Diagnostic]) { (syntax, diagnostics) }

    private mutating func error(_ message: String, _ token: RuleToken) {
        diagnostics.append(Diagnostic(.error, message, at: token.range))
    }

    private mutating func closeRule() {
        if let rule = currentRule {
            if rule.isExpect { syntax.expects.append(rule) } else { syntax.rules.append(rule) }
        }
        currentRule = nil
        if let roster = currentRoster { syntax.rosters.append(roster) }
        currentRoster = nil
    }

    private mutating func parseLine(_ line: RuleLine) {
        let head = line.tokens[0]
        let args = Array(line.tokens.dropFirst())
        let word = head.isBare ? head.text : ""
        // Inside a roster block every line but a top-level statement is the roster's
        // (its lines start with a day pattern or a date, not a keyword).
        let rosterDayLine = (word == "holiday" || word == "workday") && args.count == 1
            && CivilDate(parsing: String(args[0].text.prefix(10))) == nil  // `holiday lead-zhao`, not `holiday 2026-10-01`
        if currentRoster != nil, !RuleParser.topLevelKeywords.contains(word) || rosterDayLine {
            return parseRosterLine(word, head, args)
        }
        switch word {
        case "set":
            closeRule()
            guard args.count >= 2 else {
                return error("'set' needs a key and a value: set KEY VALUE", head)
            }
            if args.count > 2 {
                return error("'set \(args[0].text)' takes one value; put a value with spaces in double quotes", args[2])
            }
            syntax.settings.append(.init(keyword: head, key: args[0], value: args[1]))
        case "contact":
            closeRule()
            guard args.count >= 2 else {
                return error("'contact' needs a name, 'mail' or 'exec', and addresses: contact NAME mail ADDRESS...", head)
            }
            syntax.contacts.append(.init(keyword: head, name: args[0], channel: args[1], arguments: Array(args.dropFirst(2))))
        case "rule":
            closeRule()
            guard let name = args.first else { return error("'rule' needs a name: rule NAME", head) }
            if args.count > 1 {
                error("'rule' takes one name; put the rule's statements on the lines below it", args[1])
            }
            currentRule = RuleFileSyntax.Rule(keyword: head, name: name)
        case "expect":
            closeRule()
            guard let name = args.first else { return error("'expect' needs a name: expect NAME", head) }
            if args.count > 1 {
                error("'expect' takes one name; put its match, every and after lines below it", args[1])
            }
            currentRule = RuleFileSyntax.Rule(keyword: head, name: name)
            currentRule?.isExpect = true
        case "report":
            closeRule()
            // report daily HH:MM [on workdays] notify CONTACT...
            let onWorkdays = args.count >= 4 && args[2].isBare && args[2].text == "on"
            let notifyAt = onWorkdays ? 4 : 2
            guard args.count > notifyAt + 1, args[notifyAt].isBare, args[notifyAt].text == "notify",
                !onWorkdays || (args[3].isBare && args[3].text == "workdays")
            else {
                return error("'report' is written: report daily HH:MM [on workdays] notify CONTACT...", head)
            }
            syntax.reports.append(
                .init(keyword: head, schedule: args[0], time: args[1], contacts: Array(args.dropFirst(notifyAt + 1)),
                      onWorkdays: onWorkdays ? args[3] : nil))
        case "workhours":
            closeRule()
            guard args.count >= 2 else {
                return error("'workhours' is written: workhours DAYS HH:MM-HH:MM..., e.g. workhours mon-fri 08:30-12:00 13:30-17:30", head)
            }
            syntax.workhours.append(.init(keyword: head, days: args[0], ranges: Array(args.dropFirst())))
        case "holiday", "workday":
            closeRule()
            guard let dates = args.first else {
                return error(
                    word == "holiday"
                        ? "'holiday' is written: holiday YYYY-MM-DD[..YYYY-MM-DD] NAME, e.g. holiday 2026-10-01..2026-10-07 国庆节"
                        : "'workday' is written: workday YYYY-MM-DD NAME, e.g. workday 2026-10-10 国庆节调休上班", head)
            }
            let day = RuleFileSyntax.CalendarDay(keyword: head, dates: dates, name: Array(args.dropFirst()))
            if word == "holiday" { syntax.holidays.append(day) } else { syntax.workdays.append(day) }
        case "maintenance":
            closeRule()
            let form = "'maintenance' is written: maintenance NAME daily HH:MM-HH:MM | DAYS HH:MM-HH:MM | DATE HH:MM..DATE HH:MM match MATCHER..."
            guard let name = args.first else { return error(form, head) }
            guard let at = args.firstIndex(where: { $0.isBare && $0.text == "match" }) else {
                return error("'maintenance \(name.text)' needs 'match MATCHER...' after its schedule, e.g. match kind=fault", head)
            }
            guard at > 1 else { return error(form, args.count > 1 ? args[1] : head) }
            guard at + 1 < args.count else { return error("'match' needs at least one matcher, e.g. match kind=fault", args[at]) }
            syntax.maintenance.append(
                .init(keyword: head, name: name, schedule: Array(args[1..<at]), matchers: Array(args[(at + 1)...])))
        case "roster":
            closeRule()
            guard let name = args.first else { return error("'roster' needs a name: roster NAME", head) }
            if args.count > 1 { error("'roster' takes one name; put its duty lines on the lines below it", args[1]) }
            currentRoster = RuleFileSyntax.Roster(keyword: head, name: name)
        case _ where RuleParser.ruleKeywords.contains(word):
            guard currentRule != nil else {
                return error("'\(word)' must be inside a rule block (after a 'rule NAME' line)", head)
            }
            parseRuleStatement(word, head, args)
        default:
            let hint = Suggestion.hint(for: head.text, among: RuleParser.topLevelKeywords + RuleParser.ruleKeywords)
            if head.isBare, head.text.contains(where: { "=<>~".contains($0) }) {
                error("a matcher must follow 'match' on the same line: match \(head.text)", head)
            } else {
                error("unknown statement '\(head.text)'\(hint)", head)
            }
        }
    }

    private mutating func parseRosterLine(_ word: String, _ head: RuleToken, _ args: [RuleToken]) {
        switch word {
        case "handoff":
            guard args.count == 1 else { return error("'handoff' is written: handoff HH:MM (when the duty day starts)", head) }
            currentRoster?.handoffs.append(args[0])
        case "fallback":
            guard args.count == 1 else { return error("'fallback' names one contact: fallback CONTACT", head) }
            currentRoster?.fallbacks.append((head, args[0]))
        default:
            guard !args.isEmpty else {
                return error("a duty line is written: DAYS MEMBER (mon,wed,fri lead-zhang) or DATE[..DATE] MEMBER", head)
            }
            currentRoster?.lines.append((head, args))
        }
    }

    private mutating func parseRuleStatement(_ word: String, _ head: RuleToken, _ args: [RuleToken]) {
        switch word {
        case "match":
            guard !args.isEmpty else { return error("'match' needs at least one matcher, e.g. match kind=fault severity<=2", head) }
            currentRule?.matchLines.append((head, args))
        case "after":
            var args = args
            var working: RuleToken?
            if args.count >= 2, args[1].isBare, args[1].text == "working" { working = args.remove(at: 1) }
            guard args.count >= 3, args[1].isBare, args[1].text == "notify" else {
                if args.count >= 2, args[1].isBare, let hint = Suggestion.closest(to: args[1].text, among: working == nil ? ["notify", "working"] : ["notify"]) {
                    return error("expected '\(hint)' after the duration, got '\(args[1].text)'", args[1])
                }
                return error("a step is written: after DURATION [working] notify CONTACT...", head)
            }
            currentRule?.steps.append(.init(keyword: head, duration: args[0], working: working, contacts: Array(args.dropFirst(2))))
        case "repeat":
            switch args.count {
            case 1:
                currentRule?.repeats.append(.init(keyword: head, interval: args[0], max: nil))
            case 3 where args[1].isBare && args[1].text == "max":
                currentRule?.repeats.append(.init(keyword: head, interval: args[0], max: args[2]))
            default:
                error("'repeat' is written: repeat DURATION [max N]", head)
            }
        case "stop":
            guard args.count == 2, args.allSatisfy(\.isBare), args[0].text == "on", args[1].text == "ack" else {
                return error("expected 'stop on ack'", head)
            }
            currentRule?.stopOnAck.append(head)
        case "every":
            guard currentRule?.isExpect == true else {
                return error("'every' belongs in an 'expect' block (a heartbeat), not in a rule", head)
            }
            currentRule?.every.append((head, args))
        case "ack-timeout":
            guard args.count == 1 else { return error("'ack-timeout' is written: ack-timeout DURATION, e.g. ack-timeout 2h", head) }
            currentRule?.ackTimeouts.append((head, args[0]))
        case "depends":
            guard args.count >= 2, args[0].isBare, args[0].text == "on" else {
                return error("a dependency is written: depends on MATCHER... [equal FIELD...], e.g. depends on kind=fault system=core-banking equal branch", head)
            }
            let rest = Array(args.dropFirst())
            let split = rest.firstIndex { $0.isBare && $0.text == "equal" }
            let matchers = Array(rest[..<(split ?? rest.count)])
            let equal = split.map { Array(rest[($0 + 1)...]) } ?? []
            guard !matchers.isEmpty else { return error("'depends on' needs at least one matcher before 'equal'", args[0]) }
            if let split, equal.isEmpty { return error("'equal' needs at least one field name, e.g. equal branch", rest[split]) }
            currentRule?.dependsOn.append((head, matchers, equal))
        case "storm":
            guard args.count == 1, args[0].isBare, args[0].text == "off" else {
                return error("expected 'storm off' (this rule's messages are never held by storm control)", head)
            }
            currentRule?.stormOff.append(head)
        case "subject", "body":
            guard args.count == 1 else {
                return error(
                    args.isEmpty
                        ? "'\(word)' needs a template in double quotes"
                        : "'\(word)' takes one template; put it in double quotes: \(word) \"...\"",
                    args.isEmpty ? head : args[1])
            }
            if word == "subject" { currentRule?.subjects.append(args[0]) } else { currentRule?.bodies.append(args[0]) }
        default:
            break
        }
    }
}
