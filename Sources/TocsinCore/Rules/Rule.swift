/// One step of a rule: after `delay` from the incident's `at`, tell `contacts`.
public struct Step: Hashable, Sendable {
    /// Time after the incident began, on the incident's escalation clock.
    public var delay: RuleDuration
    /// `after DURATION working`: the delay counts only working time (SPEC §12).
    public var working: Bool
    /// Who is told.
    public var contacts: [ContactName]
    /// The delay as the rule file spells it (`60m`), for display.
    public var written: String

    /// Creates a step.
    public init(delay: RuleDuration, contacts: [ContactName], written: String? = nil, working: Bool = false) {
        self.delay = delay
        self.working = working
        self.contacts = contacts
        self.written = (written ?? delay.description) + (working && written == nil ? " working" : "")
    }
}

/// `repeat DURATION [max N]`: after the last step, tell its contacts again.
public struct Repetition: Hashable, Sendable {
    /// Time between repeats.
    public var interval: RuleDuration
    /// How many repeats at most; nil for no limit.
    public var maxCount: Int?

    /// Creates a repetition.
    public init(interval: RuleDuration, maxCount: Int?) {
        self.interval = interval
        self.maxCount = maxCount
    }
}

/// A `rule` block: which incidents it takes and whom it tells, when. Immutable once
/// compiled, and a class: the engine reads a rule several times an event (matching, the
/// steps, storm control), and a value copy of one retained and released some fifteen
/// strings and arrays each time.
public final class Rule: Hashable, Sendable {
    /// The rule's name.
    public let name: RuleName
    /// Alternatives (one per `match` line); within one, every matcher must hold.
    public let matchLines: [[Matcher]]
    /// The steps in the order written.
    public let steps: [Step]
    /// Repeats after the last step, if any.
    public let repetition: Repetition?
    /// Whether an ack stops the steps (by default only `resolve` does).
    public let stopsOnAck: Bool
    /// `storm off`: this rule's messages always go at once, never gathered by storm control
    /// (an urgent complaint is never held back behind an earlier one, SPEC §8).
    public let stormOff: Bool
    /// `ack-timeout`: how long an acknowledgement holds the steps of a `stop on ack` rule
    /// before they go on (SPEC §16); nil: an ack stops them for good.
    public let ackTimeout: RuleDuration?
    /// `depends on` lines: while an open incident matches one (with the same values of its
    /// `equal` fields), this rule's incidents are held (SPEC §15).
    public let dependencies: [Dependency]
    /// The step indices in firing order (by delay, then as written).
    public let firingOrder: [Int]
    /// A fingerprint of what decides firing (steps and repeat), to tell whether an open
    /// incident's bookkeeping still applies after a reload or restart.
    public let scheduleDigest: String
    /// The subject template, if the rule sets one.
    public let subject: Template?
    /// The body template, if the rule sets one.
    public let body: Template?
    /// Where the rule starts.
    public let location: SourceLocation

    /// Creates a rule.
    public init(
        name: RuleName, matchLines: [[Matcher]], steps: [Step], repetition: Repetition? = nil,
        stopsOnAck: Bool = false, stormOff: Bool = false, ackTimeout: RuleDuration? = nil, dependencies: [Dependency] = [],
        subject: Template? = nil, body: Template? = nil,
        location: SourceLocation = SourceLocation(file: "-", line: 0, column: 0)
    ) {
        self.name = name
        self.matchLines = matchLines
        self.steps = steps
        self.repetition = repetition
        self.stopsOnAck = stopsOnAck
        self.stormOff = stormOff
        self.ackTimeout = ackTimeout
        self.dependencies = dependencies
        self.firingOrder = steps.indices.sorted { (steps[$0].delay, $0) < (steps[$1].delay, $1) }
        var parts = steps.map { "\($0.delay.milliseconds)\($0.working ? "w" : ""):" + $0.contacts.map(\.rawValue).joined(separator: ",") }
        if let repetition { parts.append("r\(repetition.interval.milliseconds)x\(repetition.maxCount ?? -1)") }
        parts.append(stopsOnAck ? "ack" : "resolve")
        if let ackTimeout { parts.append("at\(ackTimeout.milliseconds)") }
        self.scheduleDigest = parts.joined(separator: ";")
        self.subject = subject
        self.body = body
        self.location = location
    }

    /// Rules are equal when everything they say is.
    public static func == (a: Rule, b: Rule) -> Bool {
        a === b
            || (a.name == b.name && a.matchLines == b.matchLines && a.steps == b.steps && a.repetition == b.repetition
                && a.stopsOnAck == b.stopsOnAck && a.stormOff == b.stormOff && a.ackTimeout == b.ackTimeout
                && a.dependencies == b.dependencies && a.firingOrder == b.firingOrder && a.scheduleDigest == b.scheduleDigest
                && a.subject == b.subject && a.body == b.body && a.location == b.location)
    }

    /// Hashes what tells rules apart (equal rules hash alike).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(scheduleDigest)
        hasher.combine(location)
    }

    /// Whether the event's fields satisfy any `match` line.
    public func matches(_ event: Event) -> Bool {
        matchLines.contains { line in line.allSatisfy { $0.matches(event) } }
    }

    /// The step that `repeat` repeats: the one that fires last.
    public var lastStepIndex: Int? { firingOrder.last }
}

/// `depends on MATCHER... [equal FIELD...]`: a parent this rule's incidents wait on.
public struct Dependency: Hashable, Sendable {
    /// What a parent matches.
    public var matchers: [Matcher]
    /// Fields a parent must share with the child (`equal branch`).
    public var equalFields: [String]

    /// Creates a dependency.
    public init(matchers: [Matcher], equalFields: [String]) {
        self.matchers = matchers
        self.equalFields = equalFields
    }

    /// Whether `parent` is a parent of `child` under this dependency.
    public func holds(child: Event, parent: Event) -> Bool {
        matchers.allSatisfy { $0.matches(parent) } && equalFields.allSatisfy { child[$0] != nil && child[$0] == parent[$0] }
    }
}

/// `report daily HH:MM notify CONTACT...`.
public struct Report: Hashable, Sendable {
    /// The local time of day it goes out.
    public var time: TimeOfDay
    /// Who gets it.
    public var contacts: [ContactName]
    /// `on workdays`: only on working days of the calendar (default: every day).
    public var onWorkdaysOnly: Bool

    /// Creates a report.
    public init(time: TimeOfDay, contacts: [ContactName], onWorkdaysOnly: Bool = false) {
        self.time = time
        self.contacts = contacts
        self.onWorkdaysOnly = onWorkdaysOnly
    }
}
