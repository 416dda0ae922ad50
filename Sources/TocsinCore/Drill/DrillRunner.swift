/// Replays a drill against the rules on a simulated clock and reports, in time order, what
/// happened and who would be told what. Nothing is sent; the engine is the real one.
public struct DrillRunner: Sendable {
    /// One line of the drill's output.
    public struct Line: Hashable, Sendable {
        /// What the line reports.
        public enum Kind: String, Hashable, Sendable {
            case event, notify, held, error
        }

        /// When (simulated).
        public var at: Timestamp
        /// Time since the drill's start.
        public var offset: RuleDuration
        /// What it is.
        public var kind: Kind
        /// The text after the time columns.
        public var text: String
    }

    /// The rules under test.
    public var rules: RuleSet

    /// Creates a runner for `rules`.
    public init(rules: RuleSet) { self.rules = rules }

    /// The instant the drill starts: its `start` line, or 09:00 local on the day of `today`.
    public func startInstant(_ scenario: DrillScenario, today: Timestamp) -> Timestamp {
        let zone = rules.settings.zone
        let local = zone.local(today)
        let date: (year: Int, month: Int, day: Int) = scenario.start?.date ?? (local.year, local.month, local.day)
        let time = scenario.start?.time ?? TimeOfDay(hour: 9, minute: 0)!
        let days = RFC3339.daysFromCivil(year: date.year, month: date.month, day: date.day)
        // That local day's `time` (after a DST gap, the instant past it); a search from 14 h
        // before UTC midnight found the day before for evening starts east of UTC.
        return zone.earliestInstant(days: days, time: time)
            ?? zone.nextOccurrence(of: time, after: Timestamp(seconds: Int64(days) * 86_400 - 14 * 3600))
    }

    /// How long the drill runs from `start`: its `end`, or until the last event's slowest
    /// step (on the escalation clock: a working-time step lasts until its working time has
    /// passed) and one storm window have had time to fire.
    public func duration(_ scenario: DrillScenario, start: Timestamp) -> RuleDuration {
        if let duration = scenario.duration { return duration }
        let last = start + (scenario.entries.last?.offset ?? .zero)
        let latest = rules.rules.flatMap(\.steps).compactMap { step in
            rules.clock.deadline(began: last, after: step.delay, working: step.working)
        }.max() ?? last
        return (latest - start) + rules.settings.stormWindow + .minutes(1)
    }

    /// Runs the drill and returns its lines in time order.
    public func run(_ scenario: DrillScenario, start: Timestamp) -> [Line] {
        var engine = EscalationEngine(rules: rules, composer: MessageComposer(idPrefix: "drill", idDomain: "drill"), now: start)
        let end = start + duration(scenario, start: start)
        var lines: [Line] = []
        var pending = scenario.entries[...]
        var now = start
        func record(_ kind: Line.Kind, _ text: String) {
            lines.append(Line(at: now, offset: now - start, kind: kind, text: text))
        }
        while true {
            let nextEvent = pending.first.map { start + $0.offset }
            let nextWake = engine.nextWake
            let next = [nextEvent, nextWake].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            now = next
            if let entry = pending.first, start + entry.offset <= now {
                pending = pending.dropFirst()
                if entry.line.hasPrefix("silence ") {
                    runSilence(entry, engine: &engine, now: now, record: record)
                    continue
                }
                do {
                    var event = try EventParser.parse(entry.line, now: now)
                    if event["at"] == nil, event.action == .open { event.set("at", String(now.seconds)) }
                    switch engine.receive(event, now: now) {
                    case .success(let (receipt, actions)):
                        record(.event, describe(event, receipt, engine))
                        describe(actions, record)
                    case .failure(let error):
                        record(.error, "\(entry.location): \(error)")
                    }
                } catch {
                    record(.error, "\(entry.location): \(error)")
                }
                continue
            }
            describe(engine.tick(now: now), record)
        }
        return lines
    }

    /// `silence MATCHER... --for D|--until HH:MM [--reason TEXT]` or `silence expire N`.
    private func runSilence(
        _ entry: DrillScenario.Entry, engine: inout EscalationEngine, now: Timestamp, record: (Line.Kind, String) -> Void
    ) {
        let words = DrillRunner.words(String(entry.line.dropFirst("silence ".count)))
        let zone = rules.settings.zone
        if words.first == "expire" {
            guard words.count == 2, let number = Int64(words[1].drop { $0 == "#" }),
                let actions = engine.expireSilence(number, by: "drill", now: now)
            else { return record(.error, "\(entry.location): no silence \(words.dropFirst().first ?? "?") to expire") }
            record(.event, "silence #\(number) expired early")
            return describe(actions, record)
        }
        var matchers: [String] = []
        var length: RuleDuration?
        var until: Timestamp?
        var reason = "drill"
        var index = 0
        while index < words.count {
            let word = words[index]
            let value = index + 1 < words.count ? words[index + 1] : nil
            switch word {
            case "--for": length = value.flatMap { RuleDuration(parsing: $0) }; index += 2
            case "--until": until = value.flatMap { TimeOfDay(parsing: $0) }.map { zone.nextOccurrence(of: $0, after: now) }; index += 2
            case "--reason": reason = value ?? reason; index += 2
            default: matchers.append(word); index += 1
            }
        }
        guard let end = until ?? length.map({ now + $0 }), case .success(let parsed) = RuleCompiler.matchers(matchers) else {
            return record(.error, "\(entry.location): a drill silence is written: silence MATCHER... --for DURATION [--reason TEXT]")
        }
        let (silence, actions) = engine.addSilence(
            Silence(number: 0, matchers: parsed, matchWords: matchers, from: now, until: end, reason: reason, by: "drill", created: now),
            now: now)
        record(.event, "silence #\(silence.number) \(silence.matchText) until \(zone.clockString(end)): \(reason)")
        describe(actions, record)
    }

    /// Splits on spaces, keeping "double-quoted words" whole.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                started = true
            } else if character == " " && !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { words.append(current) }
        return words
    }

    private func describe(_ event: Event, _ receipt: Receipt, _ engine: EscalationEngine) -> String {
        let id = receipt.id
        switch event.action {
        case .open:
            guard receipt.isNew else { return "#\(receipt.incident) \(id) reported again" }
            let rule = engine.incident(number: receipt.incident)?.rule.map { "rule \($0)" } ?? "no rule matches (stored, no steps)"
            let what = [event.kind, event.severity.map { "level \($0)" }].compactMap { $0 }.joined(separator: " ")
            return "#\(receipt.incident) \(id) opened: \(what) \"\(event.summary ?? "-")\" → \(rule)"
        case .ack: return "#\(receipt.incident) \(id) acknowledged" + (event["by"].map { " by \($0)" } ?? "")
        case .resolve:
            return "#\(receipt.incident) \(id) resolved" + (event["by"].map { " by \($0)" } ?? "")
                + (event["cause"].map { ", cause: \($0)" } ?? "")
        case .note: return "#\(receipt.incident) \(id) note added"
        }
    }

    private func describe(_ actions: [EngineAction], _ record: (Line.Kind, String) -> Void) {
        for action in actions {
            switch action {
            case .send(let message):
                record(.notify, notice(message))
            case .release(_, let message):
                record(.notify, notice(message))
            case .hold(let held):
                record(.held, "\(held.message.contact) (storm control, until \(rules.settings.zone.clockString(held.releaseAt))): \(HeaderText.sanitized(held.message.subject))")
            case .moved(let incident, let from):
                record(.event, "#\(incident.number) \(incident.id) moved from rule \(from?.rawValue ?? "none") to \(incident.rule?.rawValue ?? "none")")
            case .opened(let incident) where incident.kind == "missed":
                record(.event, "#\(incident.number) \(incident.id) opened: \(incident.summary ?? "missed heartbeat")")
            case .resolved(let incident) where incident.kind == "missed":
                record(.event, "#\(incident.number) \(incident.id) resolved: \(incident.cause ?? "-")")
            case .holdRecorded(let child, let hold):
                if case .parent(let parent) = hold.cause {
                    record(.event, hold.interval.until == nil ? "#\(child) waits on #\(parent)" : "#\(child) no longer waits on #\(parent): its steps run again")
                }
            case .ackExpired(let incident):
                record(.event, "#\(incident.number) \(incident.id): the ack by \(incident.ackedBy ?? "-") expired, open again")
            case .silenceExpired(let silence, let early, _) where !early:
                record(.event, "silence #\(silence.number) ended")
            default:
                break
            }
        }
    }

    private func notice(_ message: OutboundMessage) -> String {
        let address: String =
            switch message.channel {
            case .mail(let addresses): addresses.map { "<\($0)>" }.joined(separator: " ")
            case .exec(let path, _): "exec \(path)"
            }
        let what: String =
            switch message.purpose {
            case .step: "step \(message.step) of \(message.rule?.rawValue ?? "-")"
            case .repeated: "\(message.step) of \(message.rule?.rawValue ?? "-")"
            case .recovered: "recovered"
            case .digest: "digest of \(message.incidents.count)"
            case .report: "daily report"
            case .ackExpired: "ack expired"
            case .confirmation: "reply confirmed"
            }
        return "\(message.contact) \(address) [\(what)] \(HeaderText.sanitized(message.subject))"
    }

    /// The lines as the operator sees them: offset, local clock, kind, text.
    public func render(_ line: Line) -> String {
        let offset = "+" + line.offset.description
        let clock = rules.settings.zone.clockString(line.at)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
        return pad(offset, 9) + pad(clock, 7) + pad(line.kind.rawValue, 8) + line.text
    }
}
