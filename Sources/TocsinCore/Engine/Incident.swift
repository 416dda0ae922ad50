/// An incident: one fault or complaint, from its first `open` until `resolve`.
///
/// This is the engine's whole memory of it, and what the store keeps per incident, so the
/// engine can be rebuilt exactly after a restart.
public struct Incident: Hashable, Sendable {
    /// Where an incident stands.
    public enum State: String, Hashable, Sendable {
        /// Not yet recovered; nobody has acknowledged it.
        case open
        /// Someone has taken it on; not yet recovered.
        case acked
        /// Recovered or settled.
        case resolved
    }

    /// tocsind's number for it.
    public let number: IncidentNumber
    /// The reporter's key (`id=`), or one tocsind made up.
    public let id: String
    /// The event's fields, later `open`s merged over earlier ones.
    public var fields: Event
    /// When it began (`at` of the first event); deadlines count from here.
    public var began: Timestamp
    /// When tocsind first heard of it.
    public var opened: Timestamp
    /// When the latest event about it arrived.
    public var lastSeen: Timestamp
    /// How many `open` events were received for it.
    public var count: Int
    /// The rule that took it; nil when none did.
    public var rule: RuleName?
    /// `Rule.scheduleDigest` of that rule when its steps were last applied.
    public var scheduleDigest: String
    /// Bit i set: step i of the rule has fired.
    public var firedSteps: UInt64
    /// How many repeats have been sent.
    public var repeatsSent: Int
    /// Open, acked or resolved.
    public var state: State
    /// When and by whom it was acknowledged.
    public var ackedAt: Timestamp?
    public var ackedBy: String?
    /// Recovery: when, by whom, and the cause.
    public var resolvedAt: Timestamp?
    public var resolvedBy: String?
    public var cause: String?
    /// Everyone told about it so far, in the order first told.
    public var told: [ContactName]
    /// The Message-ID of its first message, which later ones reply to.
    public var threadRoot: String?

    /// Creates a newly opened incident.
    public init(number: IncidentNumber, id: String, fields: Event, began: Timestamp, opened: Timestamp) {
        self.number = number
        self.id = id
        self.fields = fields
        self.began = began
        self.opened = opened
        self.lastSeen = opened
        self.count = 1
        self.rule = nil
        self.scheduleDigest = ""
        self.firedSteps = 0
        self.repeatsSent = 0
        self.state = .open
        self.told = []
    }

    /// An incident with every property given (unpacking one), built in one go.
    init(
        number: IncidentNumber, id: String, fields: Event, began: Timestamp, opened: Timestamp, lastSeen: Timestamp,
        count: Int, rule: RuleName?, scheduleDigest: String, firedSteps: UInt64, repeatsSent: Int, state: State,
        ackedAt: Timestamp?, ackedBy: String?, resolvedAt: Timestamp?, resolvedBy: String?, cause: String?,
        told: [ContactName], threadRoot: String?
    ) {
        self.number = number
        self.id = id
        self.fields = fields
        self.began = began
        self.opened = opened
        self.lastSeen = lastSeen
        self.count = count
        self.rule = rule
        self.scheduleDigest = scheduleDigest
        self.firedSteps = firedSteps
        self.repeatsSent = repeatsSent
        self.state = state
        self.ackedAt = ackedAt
        self.ackedBy = ackedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.cause = cause
        self.told = told
        self.threadRoot = threadRoot
    }

    /// Whether step `index` has fired.
    public func hasFired(_ index: Int) -> Bool { firedSteps & (1 << UInt64(index)) != 0 }

    /// `fault`, `complaint`, … (from the fields).
    public var kind: String? { fields.kind }
    /// The severity field, if any.
    public var severity: Int? { fields.severity }
    /// The summary field, if any.
    public var summary: String? { fields.summary }
}

/// What decides when an incident's next step is due: its state, rule, start and the steps
/// and repeats already fired.
public struct ScheduleState: Hashable, Sendable {
    public var state: Incident.State
    public var began: Timestamp
    public var firedSteps: UInt64
    public var repeatsSent: Int
    public var rule: RuleName?

    /// Whether step `index` has fired.
    public func hasFired(_ index: Int) -> Bool { firedSteps & (1 << UInt64(index)) != 0 }
}

extension Incident {
    /// Its schedule state.
    public var schedule: ScheduleState {
        ScheduleState(state: state, began: began, firedSteps: firedSteps, repeatsSent: repeatsSent, rule: rule)
    }
}
