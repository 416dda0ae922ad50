/// The silences and maintenance windows that hold one incident (indices into the engine's
/// silences and the rules' windows).
struct IncidentHolds: Hashable, Sendable {
    var silences: [Int64] = []
    var windows: [Int] = []
    var isEmpty: Bool { silences.isEmpty && windows.isEmpty }
}

/// What holds an incident now, for `show`, `list`, `test` and the journal.
public enum Holder: Hashable, Sendable, CustomStringConvertible {
    /// A silence, until its end.
    case silence(Int64, until: Timestamp)
    /// A maintenance window by name, until the end of its current occurrence.
    case window(String, until: Timestamp)
    /// An open parent incident (`depends on`), until it is resolved.
    case parent(IncidentNumber)

    /// `silence #3` or `maintenance core-upgrade`.
    public var description: String {
        switch self {
        case .silence(let number, _): "silence #\(number)"
        case .window(let name, _): "maintenance \(name)"
        case .parent(let number): "parent #\(number)"
        }
    }

    /// When the hold ends; nil while it lasts until something else happens (a parent's recovery).
    public var until: Timestamp? {
        switch self {
        case .silence(_, let until), .window(_, let until): until
        case .parent: nil
        }
    }
}

/// Silences and maintenance windows (SPEC §14): an incident they match is opened, stored
/// and shown as usual, but its clock is held while they last; its deadlines come from the
/// held intervals through `dueFunction`, so nothing fires inside a hold and every step after
/// it is shifted by the time held.
extension EscalationEngine {
    /// Every silence the engine knows, by number.
    public var allSilences: [Silence] { silences.values.sorted { $0.number < $1.number } }

    /// The next silence number.
    public var nextSilence: Int64 { nextSilenceNumber }

    /// Puts a new silence in force at `now`. Open incidents it matches are held from its
    /// start; their deadlines move. Returns the silence with its number and the actions.
    public mutating func addSilence(_ silence: Silence, now: Timestamp) -> (Silence, [EngineAction]) {
        var silence = silence
        silence.number = nextSilenceNumber
        nextSilenceNumber += 1
        insert(silence)
        var actions: [EngineAction] = [.silenceAdded(silence)]
        for number in incidents.numbers.sorted() {
            guard let incident = incidents.peek(number), silence.matches(incident.fields) else { continue }
            holders[number, default: IncidentHolds()].silences.append(silence.number)
            reschedule(incident)
        }
        actions += tick(now: now)
        return (silence, actions)
    }

    /// Ends silence `number` at `now` (an early expiry). Incidents it held run again from
    /// now. Nil when there is no such silence or it has ended.
    public mutating func expireSilence(_ number: Int64, by: String?, now: Timestamp) -> [EngineAction]? {
        guard var silence = silences[number], silence.end > now else { return nil }
        silence.expiredAt = max(now, silence.from)
        silences[number] = silence
        silenceIndex.remove(number)
        var actions: [EngineAction] = [.silenceExpired(silence, early: true, by: by)]
        for (incident, holds) in holders where holds.silences.contains(number) {
            if let open = incidents.peek(incident) { reschedule(open) }
        }
        actions += tick(now: now)
        return actions
    }

    /// What holds the incident at `now`, if anything.
    public func holder(of number: IncidentNumber, at now: Timestamp) -> Holder? {
        guard !isUnheld(number) else { return nil }
        if let parent = parents(of: number).first { return .parent(parent) }
        guard let holds = holders[number] else { return nil }
        for id in holds.silences {
            if let silence = silences[id], silence.isActive(at: now) { return .silence(id, until: silence.end) }
        }
        for index in holds.windows where index < rules.windows.count {
            let window = rules.windows[index]
            if let interval = window.interval(containing: now, zone: rules.settings.zone), let until = interval.until {
                return .window(window.name, until: until)
            }
        }
        return nil
    }

    /// What would hold an incident with these fields at `now` (for `tocsinctl test`).
    public func holder(for fields: Event, at now: Timestamp) -> Holder? {
        for id in silenceIndex.matching(fields).sorted() {
            if let silence = silences[id], silence.isActive(at: now) { return .silence(id, until: silence.end) }
        }
        for index in windowIndex.matching(fields).sorted() {
            let window = rules.windows[index]
            if let interval = window.interval(containing: now, zone: rules.settings.zone), let until = interval.until {
                return .window(window.name, until: until)
            }
        }
        return nil
    }

    // MARK: internals

    mutating func insert(_ silence: Silence) {
        silences[silence.number] = silence
        nextSilenceNumber = max(nextSilenceNumber, silence.number + 1)
        if silence.expiredAt == nil { silenceEnds.push(silence.until, silence.number) }
        // Only a silence still to end can hold an incident opened from now on.
        if silence.expiredAt == nil { silenceIndex.insert(silence.number, matchers: silence.matchers) }
    }

    /// Loads the stored silences (at start).
    mutating func restoreSilences(_ stored: [Silence], now: Timestamp) {
        for silence in stored { insert(silence) }
        rebuildWindowIndex()
    }

    mutating func rebuildWindowIndex() {
        var index = HoldIndex<Int>()
        for (position, window) in rules.windows.enumerated() { index.insert(position, matchers: window.matchers) }
        windowIndex = index
    }

    /// Finds the silences and windows matching the incident's fields (an index lookup).
    mutating func findHolders(_ incident: Incident) {
        let previous = holders.isEmpty ? nil : holders[incident.number]
        guard silenceIndex.count > 0 || windowIndex.count > 0 || previous != nil else { return }
        let silences = silenceIndex.matching(incident.fields)
        let windows = windowIndex.matching(incident.fields)
        if silences.isEmpty, windows.isEmpty, previous == nil { return }  // nothing holds it, nor did
        var holds = IncidentHolds()
        // A silence that has already ended early holds nothing new, but keeps what it held.
        holds.silences = silences.sorted()
        for id in previous?.silences ?? [] where !holds.silences.contains(id) { holds.silences.append(id) }
        holds.windows = windows.sorted()
        holders[incident.number] = holds.isEmpty ? nil : holds
    }

    mutating func reschedule(_ incident: Incident) {
        let rule = incident.rule.flatMap { rules.rule(named: $0) }
        schedule(incident, rule: rule)
    }

    /// Journals the silences whose end has come.
    mutating func expireSilences(now: Timestamp) -> [EngineAction] {
        var actions: [EngineAction] = []
        while let end = silenceEnds.minKey, end <= now, let (_, number) = silenceEnds.pop() {
            guard let silence = silences[number], silence.expiredAt == nil, silence.until == end else { continue }
            silenceIndex.remove(number)
            actions.append(.silenceExpired(silence, early: false, by: nil))
        }
        return actions
    }
}
