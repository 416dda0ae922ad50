import Foundation

/// Checks the meaning of parsed statements and builds a `RuleSet`, reporting every problem:
/// unknown or duplicate names, bad durations, regexes, times and timezones, rules that can
/// never fire or never match, steps out of order.
struct RuleChecker {
    var diagnostics: [Diagnostic] = []
    var contacts: [ContactName: Contact] = [:]
    var rosters: [ContactName: Roster] = [:]
    /// The `working` words of steps, checked against the calendar once it is known.
    var workingStepTokens: [RuleToken] = []

    mutating func check(_ syntax: RuleFileSyntax) -> (RuleSet, [Diagnostic]) {
        let settings = checkSettings(syntax.settings)
        checkContacts(syntax.contacts)
        rosters = checkRosters(syntax.rosters)
        let heartbeats = checkExpects(syntax.expects)
        // The missed incidents' rules come first: nothing else takes an `expect:NAME` incident.
        let rules = heartbeats.map(\.rule) + checkRules(syntax.rules)
        let reports = syntax.reports.compactMap { checkReport($0) }
        var set = RuleSet(
            settings: settings,
            contacts: syntax.contacts.compactMap { contacts[ContactName($0.name.text)] }.uniqued(by: \.name),
            rules: rules, reports: reports)
        set.calendar = checkCalendar(syntax)
        set.windows = checkMaintenance(syntax.maintenance, zone: settings.zone)
        set.heartbeats = heartbeats
        if !set.clock.timeline.hasWorkingTime, let token = workingStepTokens.first {
            error("a 'working' step never falls due: the calendar has no working hours ('workhours' lines)", token)
        }
        set.rosters = rosters
        return (set, diagnostics)
    }

    mutating func error(_ message: String, _ token: RuleToken, notes: [Diagnostic] = []) {
        diagnostics.append(Diagnostic(.error, message, at: token.range, notes: notes))
    }

    mutating func warning(_ message: String, _ token: RuleToken, notes: [Diagnostic] = []) {
        diagnostics.append(Diagnostic(.warning, message, at: token.range, notes: notes))
    }

    func note(_ message: String, at location: SourceLocation, length: Int = 1) -> Diagnostic {
        Diagnostic(.note, message, at: SourceRange(start: location, length: length))
    }

    // MARK: settings

    mutating func checkSettings(_ lines: [RuleFileSyntax.Setting]) -> RuleSettings {
        var settings = RuleSettings()
        var seen: [String: SourceLocation] = [:]
        for line in lines {
            let key = line.key.text
            guard RuleSettings.keys.contains(key) else {
                error("unknown setting '\(key)'\(Suggestion.hint(for: key, among: RuleSettings.keys))", line.key)
                continue
            }
            if let first = seen[key] {
                error("'\(key)' is set twice", line.key, notes: [note("first set here", at: first, length: key.count)])
                continue
            }
            seen[key] = line.key.range.start
            let value = line.value.text
            switch key {
            case "mail-from":
                if MailAddress.isValidMailbox(value) {
                    settings.mailFrom = value
                } else {
                    error("mail-from must be an address, e.g. \"Tocsin <tocsin@branch-001.example>\", got '\(value)'", line.value)
                }
            case "reply-to":
                if MailAddress.isValidMailbox(value) {
                    settings.replyTo = value
                } else {
                    error("reply-to must be an address, e.g. \"Tocsin <tocsin-reply@branch-001.example>\", got '\(value)'", line.value)
                }
            case "timezone":
                if let zone = Zone(identifier: value) {
                    settings.zone = zone
                } else {
                    let hint = Suggestion.hint(for: value, among: TimeZone.knownTimeZoneIdentifiers)
                    error("unknown timezone '\(value)'\(hint)", line.value)
                }
            case "storm-window":
                if let duration = RuleDuration(parsing: value) {
                    settings.stormWindow = duration
                } else {
                    error(badDuration(value), line.value)
                }
            case "site":
                if !value.isEmpty, value.utf8.count <= 64, value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }) {
                    settings.site = value
                } else {
                    error("site is a word of letters, digits, '-', '_' and '.' (at most 64), e.g. BJ-001, got '\(value)'", line.value)
                }
            case "language":
                if let language = Language.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) {
                    settings.language = language
                } else {
                    let names = Language.allCases.map(\.rawValue)
                    let hint = Suggestion.hint(for: value, among: names)
                    error("unknown language '\(value)'\(hint.isEmpty ? " (known: " + names.joined(separator: ", ") + ")" : hint)", line.value)
                }
            case "keep-history":
                if let duration = RuleDuration(parsing: value), duration >= .days(1) {
                    settings.keepHistory = duration
                } else if RuleDuration(parsing: value) != nil {
                    error("keep-history is at least 1d: resolved incidents are kept at least a day, got '\(value)'", line.value)
                } else {
                    error(badDuration(value), line.value)
                }
            default:
                break
            }
        }
        return settings
    }

    func badDuration(_ text: String) -> String {
        "bad duration '\(text)': write a number and a unit (d, h, m, s), e.g. 0m, 90s, 15m, 1h30m, 2d"
    }

    // MARK: contacts

    mutating func checkContacts(_ lines: [RuleFileSyntax.Contact]) {
        for line in lines {
            let name = line.name.text
            guard line.name.isBare, NameSyntax.isValid(name) else {
                error("'\(name)' is not a valid contact name (an ASCII letter, then letters, digits, '-', '_', '.')", line.name)
                continue
            }
            if let first = contacts[ContactName(name)] {
                error(
                    "duplicate contact '\(name)'", line.name,
                    notes: [note("'\(name)' first defined here", at: first.location, length: name.count)])
                continue
            }
            let channel: Contact.Channel
            switch line.channel.text {
            case "mail":
                guard !line.arguments.isEmpty else {
                    error("contact '\(name)' has no mail address: contact \(name) mail ADDRESS...", line.channel)
                    continue
                }
                var good = true
                for address in line.arguments where !MailAddress.isValidAddress(address.text) {
                    error("'\(address.text)' is not a mail address (local@domain)", address)
                    good = false
                }
                guard good else { continue }
                channel = .mail(line.arguments.map(\.text))
            case "exec":
                guard let program = line.arguments.first else {
                    error("contact '\(name)' has no program: contact \(name) exec /ABSOLUTE/PATH ARG...", line.channel)
                    continue
                }
                guard program.text.hasPrefix("/") else {
                    error("'\(program.text)' must be an absolute path: tocsind runs it directly, without a shell or PATH", program)
                    continue
                }
                channel = .exec(path: program.text, arguments: line.arguments.dropFirst().map(\.text))
            default:
                error(
                    "unknown contact type '\(line.channel.text)': use 'mail' or 'exec'\(Suggestion.hint(for: line.channel.text, among: ["mail", "exec"]))",
                    line.channel)
                continue
            }
            contacts[ContactName(name)] = Contact(name: ContactName(name), channel: channel, location: line.name.range.start)
        }
    }

    mutating func checkContactList(_ tokens: [RuleToken]) -> [ContactName]? {
        var names: [ContactName] = []
        var good = true
        for token in tokens {
            let name = ContactName(token.text)
            if contacts[name] == nil && rosters[name] == nil {
                let known = contacts.keys.map(\.rawValue) + rosters.keys.map(\.rawValue)
                error("unknown contact '\(token.text)'\(Suggestion.hint(for: token.text, among: known))", token)
                good = false
            } else if names.contains(name) {
                warning("'\(token.text)' is named twice in this step", token)
            } else {
                names.append(name)
            }
        }
        return good ? names : nil
    }

    // MARK: rules

    mutating func checkRules(_ syntaxes: [RuleFileSyntax.Rule]) -> [Rule] {
        var rules: [Rule] = []
        var seen: [String: SourceLocation] = [:]
        for syntax in syntaxes {
            let name = syntax.name.text
            var valid = true
            if !syntax.name.isBare || !NameSyntax.isValid(name) {
                error("'\(name)' is not a valid rule name (an ASCII letter, then letters, digits, '-', '_', '.')", syntax.name)
                valid = false
            } else if let first = seen[name] {
                error("duplicate rule '\(name)'", syntax.name, notes: [note("'\(name)' first defined here", at: first, length: name.count)])
                valid = false
            } else {
                seen[name] = syntax.name.range.start
            }
            if syntax.matchLines.isEmpty {
                error("rule '\(name)' has no 'match' line, so it can never take an incident", syntax.name)
                valid = false
            }
            if syntax.steps.isEmpty {
                error("rule '\(name)' has no step: add one, e.g. 'after 30m notify CONTACT'", syntax.name)
                valid = false
            }
            var matchLines: [[Matcher]] = []
            for (_, tokens) in syntax.matchLines {
                var line: [Matcher] = []
                for token in tokens {
                    if let matcher = checkMatcher(token) { line.append(matcher) } else { valid = false }
                }
                matchLines.append(line)
            }
            var steps: [Step] = []
            var latest: [Bool: (RuleDuration, RuleToken)] = [:]
            for step in syntax.steps {
                let duration = RuleDuration(parsing: step.duration.text)
                if duration == nil { error(badDuration(step.duration.text), step.duration) }
                let names = checkContactList(step.contacts)
                guard let duration, let names else {
                    valid = false
                    continue
                }
                // Wall-time and working-time steps are ordered among their own kind only.
                let working = step.working != nil
                if let (previous, token) = latest[working], duration < previous {
                    warning(
                        "step 'after \(step.duration.text)' comes after a later step ('after \(token.text)'): steps fire by time, not by order",
                        step.duration)
                }
                if latest[working] == nil || duration >= latest[working]!.0 { latest[working] = (duration, step.duration) }
                if let token = step.working { workingStepTokens.append(token) }
                let written = step.duration.text + (working ? " working" : "")
                steps.append(Step(delay: duration, contacts: names, written: written, working: working))
            }
            if steps.count > 64 {
                error("rule '\(name)' has \(steps.count) steps; the limit is 64", syntax.name)
                valid = false
            }
            var repetition: Repetition?
            for (index, repeatSyntax) in syntax.repeats.enumerated() {
                if index > 0 {
                    error("'repeat' given twice in rule '\(name)'", repeatSyntax.keyword)
                    valid = false
                    continue
                }
                guard let interval = RuleDuration(parsing: repeatSyntax.interval.text) else {
                    error(badDuration(repeatSyntax.interval.text), repeatSyntax.interval)
                    valid = false
                    continue
                }
                guard interval >= .seconds(1) else {
                    error("'repeat' needs an interval of at least 1s", repeatSyntax.interval)
                    valid = false
                    continue
                }
                var maxCount: Int?
                if let maxToken = repeatSyntax.max {
                    guard let n = Int(maxToken.text), n >= 1 else {
                        error("'max' takes a whole number of at least 1, got '\(maxToken.text)'", maxToken)
                        valid = false
                        continue
                    }
                    maxCount = n
                }
                repetition = Repetition(interval: interval, maxCount: maxCount)
            }
            if syntax.stopOnAck.count > 1 { warning("'stop on ack' given twice", syntax.stopOnAck[1]) }
            if syntax.stormOff.count > 1 { warning("'storm off' given twice", syntax.stormOff[1]) }
            var ackTimeout: RuleDuration?
            for (index, line) in syntax.ackTimeouts.enumerated() {
                guard index == 0 else {
                    error("'ack-timeout' given twice in rule '\(name)'", line.keyword)
                    valid = false
                    continue
                }
                guard let duration = RuleDuration(parsing: line.duration.text), duration >= .seconds(1) else {
                    error(RuleDuration(parsing: line.duration.text) == nil ? badDuration(line.duration.text) : "'ack-timeout' needs at least 1s", line.duration)
                    valid = false
                    continue
                }
                if syntax.stopOnAck.isEmpty {
                    warning("'ack-timeout' has no effect without 'stop on ack': an ack does not stop this rule's steps", line.keyword)
                }
                ackTimeout = duration
            }
            var dependencies: [Dependency] = []
            for line in syntax.dependsOn {
                var matchers: [Matcher] = []
                for token in line.matchers {
                    if let matcher = checkMatcher(token) { matchers.append(matcher) } else { valid = false }
                }
                dependencies.append(Dependency(matchers: matchers, equalFields: line.equal.map(\.text)))
            }
            let subject = checkTemplates(syntax.subjects, kind: "subject")
            let body = checkTemplates(syntax.bodies, kind: "body")
            guard valid, subject.ok, body.ok else { continue }
            rules.append(
                Rule(
                    name: RuleName(name), matchLines: matchLines, steps: steps, repetition: repetition,
                    stopsOnAck: !syntax.stopOnAck.isEmpty, stormOff: !syntax.stormOff.isEmpty, ackTimeout: ackTimeout,
                    dependencies: dependencies,
                    subject: subject.template, body: body.template,
                    location: syntax.keyword.range.start))
        }
        warnShadowed(rules, syntaxes)
        checkDependencyCycles(rules, syntaxes)
        return rules
    }

    mutating func checkTemplates(_ tokens: [RuleToken], kind: String) -> (template: Template?, ok: Bool) {
        guard !tokens.isEmpty else { return (nil, true) }
        if kind == "subject", tokens.count > 1 {
            error("'subject' given twice in one rule", tokens[1])
            return (nil, false)
        }
        let text = tokens.map(\.text).joined(separator: "\n")
        do {
            return (try Template(parsing: text), true)
        } catch {
            self.error("bad \(kind) template: \(error.message)", tokens[0])
            return (nil, false)
        }
    }

    // MARK: reports

    mutating func checkReport(_ syntax: RuleFileSyntax.Report) -> Report? {
        var valid = true
        if syntax.schedule.text != "daily" {
            error("unknown report schedule '\(syntax.schedule.text)': only 'daily' is supported", syntax.schedule)
            valid = false
        }
        let time = TimeOfDay(parsing: syntax.time.text)
        if time == nil {
            error("bad time of day '\(syntax.time.text)': write HH:MM on the 24-hour clock, e.g. 17:00", syntax.time)
            valid = false
        }
        let names = checkContactList(syntax.contacts)
        guard valid, let time, let names else { return nil }
        return Report(time: time, contacts: names, onWorkdaysOnly: syntax.onWorkdays != nil)
    }
}

extension Array {
    func uniqued<Key: Hashable>(by key: (Element) -> Key) -> [Element] {
        var seen = Set<Key>()
        return filter { seen.insert(key($0)).inserted }
    }
}
