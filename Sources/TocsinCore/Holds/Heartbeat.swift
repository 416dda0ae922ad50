/// An `expect` block (SPEC §19): events matching `matchLines` are expected at least every
/// `every` (+ `grace`); when none has come for that long (counting only working time with
/// `during workhours`), tocsind opens incident `id=expect:NAME kind=missed`, which escalates
/// with the block's steps (`rule`), and the next matching event resolves it.
public struct Heartbeat: Hashable, Sendable {
    /// The block's name.
    public var name: String
    /// What a beat matches (any line; every matcher of a line).
    public var matchLines: [[Matcher]]
    /// How often a beat is expected.
    public var every: RuleDuration
    /// How much later than `every` it may come.
    public var grace: RuleDuration
    /// `during workhours`: only working time counts.
    public var duringWorkhours: Bool
    /// The rule the missed incident escalates by (named `expect:NAME`).
    public var rule: Rule

    /// Creates a heartbeat.
    public init(name: String, matchLines: [[Matcher]], every: RuleDuration, grace: RuleDuration, duringWorkhours: Bool, rule: Rule) {
        self.name = name
        self.matchLines = matchLines
        self.every = every
        self.grace = grace
        self.duringWorkhours = duringWorkhours
        self.rule = rule
    }

    /// The id of its missed incident.
    public var incidentID: String { "expect:" + name }

    /// Whether an event is one of its beats.
    public func isBeat(_ event: Event) -> Bool { matchLines.contains { line in line.allSatisfy { $0.matches(event) } } }

    /// When the beat after one at `last` is missed.
    public func due(after last: Timestamp, clock: EscalationClock) -> Timestamp? {
        clock.deadline(began: last, after: every + grace, working: duringWorkhours)
    }
}
