/// The escalation engine (SPEC §7, §8, §6 reports): a value-type state machine. Feed it
/// events and the current time; it returns the actions to carry out. It does no I/O and
/// reads no clock, so tests drive it with a manual clock and the drill replays a day in
/// milliseconds.
///
/// Costs: `receive` is O(log n) in the number of open incidents (a dictionary lookup and a
/// heap push); `tick` is O(log n) per due deadline. Only `reload` and restore walk every
/// open incident.
public struct EscalationEngine: Sendable {
    /// The rules in force.
    public private(set) var rules: RuleSet
    /// Writes the messages.
    public let composer: MessageComposer

    var incidents = IncidentTable()
    var numberByID = GrowingDictionary<String, IncidentNumber>()
    var timers = TimerHeap()
    var storm: StormGate
    var nextNumber: Int64
    var lastReports: [TimeOfDay: Timestamp]
    var ledger: DayLedger
    /// Silences by number (active, future and past ones: a past one still shifts the
    /// deadlines of incidents it held).
    var silences: [Int64: Silence] = [:]
    var silenceIndex = HoldIndex<Int64>()
    var windowIndex = HoldIndex<Int>()
    /// The silences and windows matching each open incident that has any.
    var holders: [IncidentNumber: IncidentHolds] = [:]
    /// Silences by their end, to journal each as it expires.
    var silenceEnds = MinHeap<Timestamp, Int64>()
    var nextSilenceNumber: Int64 = 1
    /// Holds recorded with open incidents (acks with a timeout, waits on parents).
    var recorded: [IncidentNumber: [RecordedHold]] = [:]
    /// Open parents and children under each `depends on` line.
    var dependencyIndex = DependencyIndex(rules: .empty)
    /// Each heartbeat's last beat (or the baseline counting starts from).
    var lastBeats: [String: Timestamp] = [:]
    /// The children waiting on each open parent.
    var waitingOn: [IncidentNumber: Set<IncidentNumber>] = [:]

    /// A fresh engine (no incidents). `now` anchors the daily report: the first one goes out
    /// at its next time of day after `now`.
    public init(rules: RuleSet, composer: MessageComposer = MessageComposer(), now: Timestamp) {
        self.init(rules: rules, composer: composer, snapshot: EngineSnapshot(), now: now)
    }

    /// An engine carrying on from a snapshot of the store. Incidents whose rule changed while
    /// tocsind was down are moved as by `reload`; steps that fell due fire on the first `tick`.
    public init(rules: RuleSet, composer: MessageComposer = MessageComposer(), snapshot: EngineSnapshot, now: Timestamp) {
        self.rules = rules
        self.composer = composer
        self.storm = StormGate(window: rules.settings.stormWindow)
        self.nextNumber = snapshot.nextNumber
        self.ledger = snapshot.ledger
        self.lastReports = snapshot.lastReports
        for report in rules.reports where lastReports[report.time] == nil { lastReports[report.time] = now }
        incidents = snapshot.table
        numberByID = snapshot.numberByID
        nextNumber = max(nextNumber, snapshot.highestNumber + 1)
        for held in snapshot.held { storm.restore(held) }
        pendingRestoreActions = []
        restoreSilences(snapshot.silences, now: now)
        recorded = snapshot.recordedHolds.filter { incidents.contains($0.key) }
        lastBeats = snapshot.lastBeats
        startHeartbeats(now: now)
        if let fingerprint = snapshot.rulesFingerprint, fingerprint == rules.fingerprint, silences.isEmpty, rules.windows.isEmpty,
            recorded.isEmpty, rules.rules.allSatisfy({ $0.dependencies.isEmpty })
        {
            // The rules are the ones every stored incident was matched against: only the
            // timers need rebuilding, from the front of each packed incident.
            var heap = TimerHeap()
            let rules = self.rules
            let clock = rules.clock
            incidents.resetTimers({ _, schedule in
                guard let name = schedule.rule, let rule = rules.rule(named: name) else { return nil }
                let began = schedule.began
                return EscalationEngine.nextDeadline(schedule, rule: rule) { clock.deadline(began: began, after: $0, working: $1) }
            }) { heap.push($0, $1) }
            timers = heap
        } else {
            pendingRestoreActions = applyRules(now: now)
        }
    }

    /// Actions from restoring (incidents moved to another rule); `tick` returns them first.
    var pendingRestoreActions: [EngineAction]

    // MARK: queries

    /// The open (or acknowledged) incident with this id.
    public func incident(id: String) -> Incident? { numberByID[id].flatMap { incidents.peek($0) } }

    /// The open incident with this number.
    public func incident(number: IncidentNumber) -> Incident? { incidents.peek(number) }

    /// How many incidents are open (or acknowledged).
    public var openCount: Int { incidents.count }

    /// Every open incident (unordered; O(n), for reports and tests).
    public var openIncidents: [Incident] { incidents.values }

    /// How many timers are queued (one per incident with a step or repeat to come, and
    /// those of incidents acknowledged or resolved since, until their deadline passes).
    public var timerCount: Int { timers.count }

    /// How many messages storm control is holding.
    public var heldCount: Int { storm.heldCount }

    /// The next instant `tick` has work: a step, a storm window's end, or a report.
    public var nextWake: Timestamp? {
        [timers.earliest, storm.nextRelease, nextReportDue?.at, silenceEnds.minKey, nextHeartbeatDue].compactMap { $0 }.min()
    }

    /// The next number an incident will get.
    public var nextIncidentNumber: Int64 { nextNumber }

    // MARK: input

    /// Takes one parsed event received at `now`. Returns where it went and the actions, or
    /// an error (ack, resolve or note for an id with no open incident).
    public mutating func receive(_ event: Event, now: Timestamp) -> Result<(Receipt, [EngineAction]), EngineError> {
        var actions: [EngineAction] = []
        switch event.action {
        case .open:
            if !rules.heartbeats.isEmpty { noteBeats(event, now: now, into: &actions) }
            let eventID = event.id  // read once: a field lookup makes a string
            if let id = eventID, let number = numberByID[id], var incident = incidents[number] {
                incident.fields = incident.fields.merging(event.withoutControlFields)
                incident.count += 1
                incident.lastSeen = now
                findHolders(incident)  // merged fields may match other holds
                let newRule = rules.rule(for: incident.fields)
                if newRule?.name != incident.rule {
                    let from = incident.rule
                    move(&incident, to: newRule, now: now, actions: &actions, announce: from)
                } else {
                    store(incident)
                    actions.append(.deduplicated(incident))
                }
                fireDue(number, now: now, into: &actions)
                let current = incidents[number] ?? incident
                return .success((receipt(number, id: id, state: current.state, isNew: false, now: now), actions))
            }
            let number = IncidentNumber(nextNumber)
            nextNumber += 1
            let id = eventID ?? "auto-\(number)"
            var fields = event.withoutControlFields
            if eventID == nil { fields.set("id", id) }
            var incident = Incident(number: number, id: id, fields: fields, began: event.at ?? now, opened: now)
            let rule = rules.rule(for: fields)
            incident.rule = rule?.name
            incident.scheduleDigest = rule?.scheduleDigest ?? ""
            store(incident)
            findHolders(incident)
            numberByID[id] = number
            enterDependencies(incident, now: now, into: &actions)
            ledger.recordOpened(incident)
            actions.append(.opened(incident))
            if let rule { fireDue(&incident, rule: rule, now: now, into: &actions) }  // sets its timer
            return .success((receipt(number, id: id, state: .open, isNew: true, now: now), actions))
        case .ack, .resolve, .note:
            guard let key = event.id, let number = openNumber(for: key), var incident = incidents[number] else {
                let verb = event.action.rawValue
                return .failure(EngineError(message: "cannot \(verb) \"\(FieldText.quoted(event.id ?? ""))\": no open incident has that id"))
            }
            let id = incident.id
            incident.lastSeen = now
            switch event.action {
            case .ack:
                incident.state = .acked
                incident.ackedAt = event.at ?? now
                incident.ackedBy = event["by"] ?? incident.ackedBy
                store(incident)
                actions.append(.acknowledged(incident))
                recordAckHold(incident, asked: event["for"].flatMap(RuleDuration.init(parsing:)), now: now, into: &actions)
                reschedule(incident)
            case .note:
                store(incident)
                actions.append(.noted(incident))
            default:
                incident.state = .resolved
                incident.resolvedAt = event.at ?? now
                incident.resolvedBy = event["by"]
                incident.cause = event["cause"]
                incidents[number] = nil
                numberByID[id] = nil
                holders[number] = nil
                let waiting = children(of: number).compactMap { incidents.peek($0) }
                leaveDependencies(incident, now: now, into: &actions)
                recorded[number] = nil
                ledger.recordResolved(incident)
                actions.append(.resolved(incident))
                let stormOff = incident.rule.flatMap { rules.rule(named: $0) }?.stormOff ?? false
                for name in incident.told {
                    guard let contact = rules.contacts[name] else { continue }
                    let message = composer.recoveredMessage(incident, contact: contact, rules: rules, now: now, stillOpen: waiting)
                    actions.append(gate(message, group: incident.rule?.rawValue ?? "-", stormOff: stormOff, now: now))
                }
            }
            return .success((receipt(number, id: id, state: incident.state, isNew: false, now: now), actions))
        }
    }

    /// The receipt of an event that went to incident `number`, with what holds it now.
    private func receipt(_ number: IncidentNumber, id: String, state: Incident.State, isNew: Bool, now: Timestamp) -> Receipt {
        Receipt(incident: number, id: id, state: state, isNew: isNew, holder: holder(of: number, at: now))
    }

    /// Does whatever fell due by `now`: steps and repeats, storm windows ending, daily
    /// reports. Call it at `nextWake` (and after restoring). At most `maxFirings` incidents'
    /// due steps are taken at once, so that a hundred thousand falling due together are
    /// stored in slices while the daemon goes on serving; `nextWake` stays due until all are.
    public mutating func tick(now: Timestamp, maxFirings: Int = .max) -> [EngineAction] {
        var actions = pendingRestoreActions
        pendingRestoreActions = []
        if maxFirings < .max, let earliest = timers.earliest, earliest <= now {
            // A firing is usually two actions (the step, one message): room for a storm's
            // slice at once, instead of the array growing and being copied as it fills. (An
            // unsliced tick, a reload's, is not sized by every timer in the heap.)
            actions.reserveCapacity(actions.count + 2 * min(maxFirings, timers.count))
        }
        var taken = 0
        while taken < maxFirings, let entry = timers.popDue(now) {
            // An entry whose incident has since been rescheduled, acknowledged or resolved is
            // stale: the incident has one live timer, recorded in the table.
            guard incidents.timer(entry.incident) == entry.deadline else { continue }
            incidents.setTimer(entry.incident, nil)
            taken += 1
            fireDue(entry.incident, now: now, into: &actions)
        }
        for (key, messages) in storm.release(now: now) {
            // A reload may have removed the contact since: its messages still go where they
            // were addressed when they were held.
            let contact =
                rules.contacts[key.contact]
                ?? Contact(name: key.contact, channel: messages[0].channel, location: SourceLocation(file: "(held)", line: 0, column: 0))
            var single = messages[0]
            single.created = now
            let message =
                messages.count == 1
                ? single
                : composer.digest(
                    messages, contact: contact, group: key.group, now: now, zone: rules.settings.zone,
                    language: rules.settings.language)
            actions.append(.release(StormRelease(key: key, through: now, count: messages.count), message: message))
        }
        actions += expireSilences(now: now)
        actions += checkHeartbeats(now: now)
        while let (report, due) = nextReportDue, due <= now {
            actions += sendReport(report, now: now)
        }
        return actions
    }

    /// Puts a new rule set in force. Every open incident is matched again; one whose rule
    /// changed moves to it (its overdue steps tell only those not yet told).
    public mutating func reload(_ newRules: RuleSet, now: Timestamp) -> [EngineAction] {
        rules = newRules
        startHeartbeats(now: now)
        storm.window = newRules.settings.stormWindow
        for report in newRules.reports where lastReports[report.time] == nil { lastReports[report.time] = now }
        var actions = applyRules(now: now)
        actions += tick(now: now)
        return actions
    }

    // MARK: internals

    /// The open incident an operator means: its id, or else its number (`42` or `#42`).
    public func openNumber(for key: String) -> IncidentNumber? {
        if let number = numberByID[key] { return number }
        let digits = key.hasPrefix("#") ? String(key.dropFirst()) : key
        guard let value = Int64(digits), incidents.contains(IncidentNumber(value)) else { return nil }
        return IncidentNumber(value)
    }

    mutating func store(_ incident: Incident) { incidents[incident.number] = incident }

    mutating func applyRules(now: Timestamp) -> [EngineAction] {
        var actions: [EngineAction] = []
        timers.removeAll()
        incidents.clearTimers()
        rebuildWindowIndex()
        holders = [:]
        let numbers = incidents.numbers.sorted()
        for number in numbers { if let incident = incidents.peek(number) { findHolders(incident) } }
        actions += rebuildDependencies(now: now)
        for number in numbers {
            guard var incident = incidents[number] else { continue }
            let rule = rules.rule(for: incident.fields)
            if rule?.name != incident.rule || rule?.scheduleDigest != incident.scheduleDigest && rule != nil {
                move(&incident, to: rule, now: now, actions: &actions, announce: incident.rule)
            }
            setTimer(number, nextDeadline(incident))
        }
        return actions
    }

    /// Moves an incident to `rule`. A step of the new rule counts as fired when its deadline
    /// has passed and everyone it names was already told; an overdue step with someone not
    /// yet told fires now, to those only. Later steps fire as usual.
    mutating func move(
        _ incident: inout Incident, to rule: Rule?, now: Timestamp, actions: inout [EngineAction], announce from: RuleName?
    ) {
        let sameRule = incident.rule == rule?.name
        incident.rule = rule?.name
        incident.scheduleDigest = rule?.scheduleDigest ?? ""
        incident.firedSteps = 0
        if !sameRule { incident.repeatsSent = 0 }
        var catchUp: [(Int, [ContactName])] = []
        if let rule {
            for index in rule.firingOrder where isDue(index, of: rule, incident, now: now) {
                let untold = rule.steps[index].contacts.filter { !incident.told.contains($0) }
                incident.firedSteps |= 1 << UInt64(index)
                if !untold.isEmpty && !(rule.stopsOnAck && incident.state == .acked) { catchUp.append((index, untold)) }
            }
        }
        store(incident)
        actions.append(.moved(incident, from: from))
        if let rule {
            for (index, contacts) in catchUp {
                let firing = StepFiring(
                    index: index, repeatNumber: nil, label: String(index + 1), contacts: contacts,
                    deadline: stepDue(index, of: rule, incident) ?? now)
                fire(&incident, rule: rule, firing: firing, now: now, into: &actions)
            }
            if !catchUp.isEmpty { store(incident) }
        }
        schedule(incident, rule: rule)
    }

    /// When the incident's next step or repeat is due; nil when nothing more will fire.
    func nextDeadline(_ incident: Incident) -> Timestamp? {
        guard incident.state != .resolved, let name = incident.rule, let rule = rules.rule(named: name) else { return nil }
        if let expiry = ackExpiry(incident, rule: rule) { return expiry }
        if isUnheld(incident.number) {
            let clock = rules.clock
            let began = incident.began
            return EscalationEngine.nextDeadline(incident.schedule, rule: rule) { clock.deadline(began: began, after: $0, working: $1) }
        }
        return EscalationEngine.nextDeadline(incident.schedule, rule: rule, due: dueFunction(incident.number, began: incident.began))
    }


    /// When the next step or repeat of `rule` (the incident's) is due.
    static func nextDeadline(_ incident: ScheduleState, rule: Rule, due: DueFunction) -> Timestamp? {
        guard incident.state != .resolved else { return nil }
        if rule.stopsOnAck && incident.state == .acked { return nil }
        var earliest: Timestamp?
        var pending = false
        for index in rule.steps.indices where !incident.hasFired(index) {
            pending = true
            guard let at = stepDue(index, of: rule, due: due) else { continue }
            if earliest == nil || at < earliest! { earliest = at }
        }
        if pending { return earliest }
        guard let repetition = rule.repetition else { return nil }
        let next = incident.repeatsSent + 1
        if let maxCount = repetition.maxCount, next > maxCount { return nil }
        return repeatDue(next, of: rule, due: due)
    }

    /// Sets the incident's timer to its next deadline under `rule` (nil: no rule, nothing to
    /// come); a timer already set for that deadline is kept (one heap entry per incident,
    /// however often it is touched).
    mutating func schedule(_ incident: Incident, rule: Rule?) {
        setTimer(incident.number, rule == nil ? nil : nextDeadline(incident))
    }

    mutating func setTimer(_ number: IncidentNumber, _ deadline: Timestamp?) {
        guard deadline != incidents.timer(number) else { return }
        incidents.setTimer(number, deadline)
        if let deadline { timers.push(deadline, number) }
    }
}
