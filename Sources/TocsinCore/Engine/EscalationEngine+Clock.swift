/// When steps and repeats fall due: every deadline the engine uses is asked of the rule
/// set's `EscalationClock`, so wall-time and working-time steps (and, later, held
/// intervals) are measured by one mechanism.
extension EscalationEngine {
    /// When step `index` of `rule` is due for an incident in `schedule`; nil when its clock
    /// is held with no end yet or working time never comes.
    static func stepDue(_ index: Int, of rule: Rule, _ schedule: ScheduleState, clock: EscalationClock) -> Timestamp? {
        let step = rule.steps[index]
        return clock.deadline(began: schedule.began, after: step.delay, working: step.working)
    }

    /// When repeat `number` (1, 2, …) of `rule` is due: the last step's delay plus that
    /// many intervals, on the last step's clock.
    static func repeatDue(_ number: Int, of rule: Rule, _ schedule: ScheduleState, clock: EscalationClock) -> Timestamp? {
        guard let repetition = rule.repetition, let last = rule.lastStepIndex else { return nil }
        let step = rule.steps[last]
        return clock.deadline(
            began: schedule.began, after: step.delay + repetition.interval * Int64(number), working: step.working)
    }

    /// `stepDue` for an incident under the rules in force.
    func stepDue(_ index: Int, of rule: Rule, _ incident: Incident) -> Timestamp? {
        EscalationEngine.stepDue(index, of: rule, incident.schedule, clock: rules.clock)
    }

    /// `repeatDue` for an incident under the rules in force.
    func repeatDue(_ number: Int, of rule: Rule, _ incident: Incident) -> Timestamp? {
        EscalationEngine.repeatDue(number, of: rule, incident.schedule, clock: rules.clock)
    }

    /// Whether step `index` is due by `now`.
    func isDue(_ index: Int, of rule: Rule, _ incident: Incident, now: Timestamp) -> Bool {
        stepDue(index, of: rule, incident).map { $0 <= now } ?? false
    }
}
