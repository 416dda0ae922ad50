/// Where one rule's `depends on` line is: the rule's name and the line's position.
struct DependencyKey: Hashable, Sendable {
    var rule: RuleName
    var index: Int
}

/// The open incidents that are parents and children under each `depends on` line, by the
/// values of its `equal` fields, so that an event finds its parents or children with a
/// lookup, never a scan of the open incidents.
struct DependencyIndex: Sendable {
    /// Which lines an incident's fields make it a parent for.
    var parentMatchers = HoldIndex<DependencyKey>()
    /// Open parents by line and `equal` values.
    var parents: [DependencyKey: [[String]: Set<IncidentNumber>]] = [:]
    /// Open children (incidents of the line's rule) by line and `equal` values.
    var children: [DependencyKey: [[String]: Set<IncidentNumber>]] = [:]
    /// The lines of each rule.
    var lines: [RuleName: [(DependencyKey, Dependency)]] = [:]
    /// Every line.
    var dependencies: [DependencyKey: Dependency] = [:]

    var isEmpty: Bool { dependencies.isEmpty }

    init(rules: RuleSet) {
        for rule in rules.rules {
            for (index, dependency) in rule.dependencies.enumerated() {
                let key = DependencyKey(rule: rule.name, index: index)
                parentMatchers.insert(key, matchers: dependency.matchers)
                lines[rule.name, default: []].append((key, dependency))
                dependencies[key] = dependency
            }
        }
    }

    static func values(_ fields: Event, _ dependency: Dependency) -> [String]? {
        var values: [String] = []
        for field in dependency.equalFields {
            guard let value = fields[field] else { return nil }
            values.append(value)
        }
        return values
    }
}

/// Dependencies (SPEC §15): while an open incident matches a rule's `depends on` (with the
/// same `equal` values), that rule's incidents are held; each wait is a hold recorded with
/// the child (from when both were open until the parent resolves), so the children's
/// clocks run again, shifted, from the moment the last parent is resolved.
extension EscalationEngine {
    /// Files a newly opened (or moved) incident as parent and child, and starts the holds
    /// it causes or suffers.
    mutating func enterDependencies(_ incident: Incident, now: Timestamp, into actions: inout [EngineAction]) {
        guard !dependencyIndex.isEmpty else { return }
        // As a parent: the children already open wait on it from now.
        for key in dependencyIndex.parentMatchers.matching(incident.fields) {
            guard let dependency = dependencyIndex.dependencies[key], let values = DependencyIndex.values(incident.fields, dependency)
            else { continue }
            dependencyIndex.parents[key, default: [:]][values, default: []].insert(incident.number)
            for child in dependencyIndex.children[key]?[values] ?? [] where child != incident.number {
                startWait(child: child, parent: incident.number, now: now, into: &actions)
            }
        }
        // As a child: it waits on the parents open now.
        guard let rule = incident.rule, let lines = dependencyIndex.lines[rule] else { return }
        for (key, dependency) in lines {
            guard let values = DependencyIndex.values(incident.fields, dependency) else { continue }
            dependencyIndex.children[key, default: [:]][values, default: []].insert(incident.number)
            for parent in dependencyIndex.parents[key]?[values] ?? [] where parent != incident.number {
                startWait(child: incident.number, parent: parent, now: now, into: &actions)
            }
        }
    }

    /// A resolved incident leaves the index; the children waiting on it run again from now.
    mutating func leaveDependencies(_ incident: Incident, now: Timestamp, into actions: inout [EngineAction]) {
        guard !dependencyIndex.isEmpty else { return }
        for key in dependencyIndex.parentMatchers.matching(incident.fields) {
            guard let dependency = dependencyIndex.dependencies[key], let values = DependencyIndex.values(incident.fields, dependency)
            else { continue }
            dependencyIndex.parents[key]?[values]?.remove(incident.number)
        }
        if let rule = incident.rule, let lines = dependencyIndex.lines[rule] {
            for (key, dependency) in lines {
                guard let values = DependencyIndex.values(incident.fields, dependency) else { continue }
                dependencyIndex.children[key]?[values]?.remove(incident.number)
            }
        }
        for child in waitingOn[incident.number] ?? [] {
            guard var holds = recorded[child],
                let index = holds.lastIndex(where: { $0.cause == .parent(incident.number) && $0.interval.until == nil })
            else { continue }
            holds[index].interval.until = now
            recorded[child] = holds
            actions.append(.holdRecorded(child, holds[index]))
            if let open = incidents.peek(child) { reschedule(open) }
        }
        waitingOn[incident.number] = nil
    }

    /// The open children waiting on `parent`, by number.
    public func children(of parent: IncidentNumber) -> [IncidentNumber] { (waitingOn[parent] ?? []).sorted() }

    /// The open parents `child` waits on now, by number.
    public func parents(of child: IncidentNumber) -> [IncidentNumber] {
        (recorded[child] ?? []).compactMap { hold in
            if case .parent(let parent) = hold.cause, hold.interval.until == nil { return parent }
            return nil
        }.sorted()
    }

    mutating func startWait(child: IncidentNumber, parent: IncidentNumber, now: Timestamp, into actions: inout [EngineAction]) {
        var holds = recorded[child] ?? []
        guard !holds.contains(where: { $0.cause == .parent(parent) && $0.interval.until == nil }) else { return }
        let hold = RecordedHold(cause: .parent(parent), interval: HeldInterval(from: now, until: nil))
        holds.append(hold)
        recorded[child] = holds
        waitingOn[parent, default: []].insert(child)
        actions.append(.holdRecorded(child, hold))
        if let open = incidents.peek(child) { reschedule(open) }
    }

    /// Rebuilds the index from the open incidents and their recorded waits (start, reload);
    /// a pair that waits under the rules in force but has no wait recorded (a `depends on`
    /// added by a reload) waits from `now`.
    mutating func rebuildDependencies(now: Timestamp) -> [EngineAction] {
        dependencyIndex = DependencyIndex(rules: rules)
        waitingOn = [:]
        for (child, holds) in recorded {
            for hold in holds where hold.interval.until == nil {
                if case .parent(let parent) = hold.cause { waitingOn[parent, default: []].insert(child) }
            }
        }
        guard !dependencyIndex.isEmpty else { return [] }
        var actions: [EngineAction] = []
        for incident in incidents.values.sorted(by: { $0.number < $1.number }) {
            enterDependencies(incident, now: now, into: &actions)
        }
        return actions
    }
}
