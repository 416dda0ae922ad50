/// When steps and repeats fall due: every deadline the engine uses is asked of the rule
/// set's `EscalationClock`, with the incident's held intervals (its silences and
/// maintenance windows), so wall-time and working-time steps, holds and all, are measured
/// by one mechanism.
extension EscalationEngine {
    /// How one incident's deadlines are found: `(delay, working) -> instant`.
    typealias DueFunction = (RuleDuration, Bool) -> Timestamp?

    /// When step `index` of `rule` is due; nil when its clock is held with no end yet or
    /// working time never comes.
    static func stepDue(_ index: Int, of rule: Rule, due: DueFunction) -> Timestamp? {
        let step = rule.steps[index]
        return due(step.delay, step.working)
    }

    /// When repeat `number` (1, 2, …) of `rule` is due: the last step's delay plus that
    /// many intervals, on the last step's clock.
    static func repeatDue(_ number: Int, of rule: Rule, due: DueFunction) -> Timestamp? {
        guard let repetition = rule.repetition, let last = rule.lastStepIndex else { return nil }
        let step = rule.steps[last]
        return due(step.delay + repetition.interval * Int64(number), step.working)
    }

    /// The due function of incident `number`, which began at `began`.
    func dueFunction(_ number: IncidentNumber, began: Timestamp) -> DueFunction {
        let clock = rules.clock
        let kept = recorded[number]?.map(\.interval) ?? []
        guard let holds = holders[number], !holds.isEmpty else {
            if kept.isEmpty { return { delay, working in clock.deadline(began: began, after: delay, working: working) } }
            return { delay, working in clock.deadline(began: began, after: delay, working: working, held: kept) }
        }
        let silences = holds.silences.compactMap { self.silences[$0]?.interval } + kept
        let windows = holds.windows.compactMap { $0 < rules.windows.count ? rules.windows[$0] : nil }
        let lasting = kept.contains { $0.until == nil }
        let zone = rules.settings.zone
        return { delay, working in
            guard !windows.isEmpty else { return clock.deadline(began: began, after: delay, working: working, held: silences) }
            // Recurring windows are endless: take those up to a horizon, and widen it until
            // the deadline falls inside it (intervals after the deadline cannot move it).
            var horizon = max(delay * 2, .days(1))
            for _ in 0..<16 {
                let end = began + horizon
                let held = silences + windows.flatMap { $0.intervals(from: began, until: end, zone: zone) }
                guard let due = clock.deadline(began: began, after: delay, working: working, held: held) else {
                    if lasting { return nil }  // held until a parent resolves
                    horizon = horizon * 2
                    continue
                }
                if due <= end { return due }
                horizon = horizon * 2
            }
            return nil
        }
    }

    /// Whether incident `number` has no holds (the common case: its deadlines are the
    /// clock's alone, found without a closure or a copy of anything).
    func isUnheld(_ number: IncidentNumber) -> Bool {
        (holders.isEmpty || holders[number] == nil) && (recorded.isEmpty || recorded[number] == nil)
    }

    /// `stepDue` for an incident under the rules in force.
    func stepDue(_ index: Int, of rule: Rule, _ incident: Incident) -> Timestamp? {
        if isUnheld(incident.number) {
            let step = rule.steps[index]
            return rules.clock.deadline(began: incident.began, after: step.delay, working: step.working)
        }
        return EscalationEngine.stepDue(index, of: rule, due: dueFunction(incident.number, began: incident.began))
    }

    /// `repeatDue` for an incident under the rules in force.
    func repeatDue(_ number: Int, of rule: Rule, _ incident: Incident) -> Timestamp? {
        if isUnheld(incident.number), let repetition = rule.repetition, let last = rule.lastStepIndex {
            let step = rule.steps[last]
            return rules.clock.deadline(
                began: incident.began, after: step.delay + repetition.interval * Int64(number), working: step.working)
        }
        return EscalationEngine.repeatDue(number, of: rule, due: dueFunction(incident.number, began: incident.began))
    }

    /// Whether step `index` is due by `now`.
    func isDue(_ index: Int, of rule: Rule, _ incident: Incident, now: Timestamp) -> Bool {
        stepDue(index, of: rule, incident).map { $0 <= now } ?? false
    }
}
