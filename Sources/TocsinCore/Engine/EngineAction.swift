/// One decision of the engine, for the daemon to carry out: store it, log it, send it.
///
/// Every action that changes an incident carries the whole new `Incident`, so the daemon
/// can write it as it is; all actions of one call belong in one transaction.
public enum EngineAction: Sendable {
    /// A new incident. `rule` nil: no rule takes it (stored and logged as a warning).
    case opened(Incident)
    /// Another `open` for an open incident: counted, last seen updated.
    case deduplicated(Incident)
    /// The incident now belongs to another rule (fields changed, or the rules were reloaded).
    case moved(Incident, from: RuleName?)
    /// Acknowledged.
    case acknowledged(Incident)
    /// A `note` was added.
    case noted(Incident)
    /// Recovered: no more steps; "recovered" messages follow.
    case resolved(Incident)
    /// A step (or a repeat) fell due and fired.
    case stepFired(Incident, StepFiring)
    /// A message to send now.
    case send(OutboundMessage)
    /// A message held by storm control until its window ends.
    case hold(HeldMessage)
    /// Held messages released as one message (a digest, or the single held message).
    case release(StormRelease, message: OutboundMessage)
    /// A daily report went out; remember when, so it is not sent twice.
    case reportSent(time: TimeOfDay, at: Timestamp)
    /// A hold of an incident began or ended (an ack with a timeout, a wait on a parent): store it.
    case holdRecorded(IncidentNumber, RecordedHold)
    /// An acknowledgement ran out: the incident is open again (the "ack expired" messages follow).
    case ackExpired(Incident)
    /// A heartbeat's beat came (or its counting started again): remember when.
    case heartbeat(name: String, at: Timestamp)
    /// A silence was created: store it (the client's `ok` waits for that) and journal it.
    case silenceAdded(Silence)
    /// A silence ended: at its `until` (`early` false) or expired by an operator.
    case silenceExpired(Silence, early: Bool, by: String?)
}

/// Which held messages a release lets go: every one held for `key` until `through` or
/// earlier (a window's messages all wait for its end).
public struct StormRelease: Hashable, Sendable {
    /// The gathering.
    public var key: StormKey
    /// When the window ended (the release's time).
    public var through: Timestamp
    /// How many messages it lets go.
    public var count: Int

    /// Creates a release.
    public init(key: StormKey, through: Timestamp, count: Int) {
        self.key = key
        self.through = through
        self.count = count
    }
}

/// A step that fired: which, for whom, and its deadline.
public struct StepFiring: Hashable, Sendable {
    /// The step's index in the rule (nil for a repeat).
    public var index: Int?
    /// The repeat's number (nil for a step).
    public var repeatNumber: Int?
    /// `1`, `2`, … or `repeat 3`.
    public var label: String
    /// Who is told.
    public var contacts: [ContactName]
    /// When it was due.
    public var deadline: Timestamp
}

/// The answer to an accepted event: the incident it went to and where that stands.
public struct Receipt: Hashable, Sendable {
    /// The incident's number.
    public var incident: IncidentNumber
    /// The incident's id.
    public var id: String
    /// Its state after the event.
    public var state: Incident.State
    /// Whether the event opened a new incident.
    public var isNew: Bool
    /// What holds the incident's escalation right after the event (a silence, a maintenance
    /// window or a parent it waits on); nil when nothing does.
    public var holder: Holder?
}

/// Why the engine refused an event that parsed fine.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sentence for the client.
    public var message: String
    /// The sentence.
    public var description: String { message }
}
