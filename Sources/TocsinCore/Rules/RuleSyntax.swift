/// The statements of one or more rule files, as written (tokens with their places), before
/// their meaning is checked.
public struct RuleFileSyntax: Sendable {
    /// `set KEY VALUE`.
    public struct Setting: Sendable {
        public var keyword: RuleToken
        public var key: RuleToken
        public var value: RuleToken
    }

    /// `contact NAME mail ADDR...` or `contact NAME exec PATH ARG...`.
    public struct Contact: Sendable {
        public var keyword: RuleToken
        public var name: RuleToken
        public var channel: RuleToken
        public var arguments: [RuleToken]
    }

    /// `after DURATION [working] notify CONTACT...`.
    public struct Step: Sendable {
        public var keyword: RuleToken
        public var duration: RuleToken
        public var working: RuleToken? = nil
        public var contacts: [RuleToken]
    }

    /// `repeat DURATION [max N]`.
    public struct Repeat: Sendable {
        public var keyword: RuleToken
        public var interval: RuleToken
        public var max: RuleToken?
    }

    /// `rule NAME` and the statements of its block.
    public struct Rule: Sendable {
        public var keyword: RuleToken
        public var name: RuleToken
        /// Each `match` line's matcher tokens (any line may hold; all matchers of a line must).
        public var matchLines: [(keyword: RuleToken, matchers: [RuleToken])] = []
        public var steps: [Step] = []
        public var repeats: [Repeat] = []
        public var stopOnAck: [RuleToken] = []
        /// `expect NAME` instead of `rule NAME`: a heartbeat block.
        public var isExpect = false
        /// `every DURATION [grace DURATION] [during workhours]` lines (in an `expect` block).
        public var every: [(keyword: RuleToken, arguments: [RuleToken])] = []
        /// `ack-timeout DURATION` lines (one is meant).
        public var ackTimeouts: [(keyword: RuleToken, duration: RuleToken)] = []
        /// `depends on MATCHER... [equal FIELD...]` lines.
        public var dependsOn: [(keyword: RuleToken, matchers: [RuleToken], equal: [RuleToken])] = []
        /// `storm off` lines (one is meant).
        public var stormOff: [RuleToken] = []
        public var subjects: [RuleToken] = []
        public var bodies: [RuleToken] = []
    }

    /// `report daily HH:MM notify CONTACT...`.
    public struct Report: Sendable {
        public var keyword: RuleToken
        public var schedule: RuleToken
        public var time: RuleToken
        public var contacts: [RuleToken]
        /// `on workdays`, when given.
        public var onWorkdays: RuleToken? = nil
    }

    /// `workhours DAYS HH:MM-HH:MM...`.
    public struct Workhours: Sendable {
        public var keyword: RuleToken
        public var days: RuleToken
        public var ranges: [RuleToken]
    }

    /// `holiday DATE[..DATE] [NAME]` or `workday DATE [NAME]`.
    public struct CalendarDay: Sendable {
        public var keyword: RuleToken
        public var dates: RuleToken
        public var name: [RuleToken]
    }

    /// `roster NAME` and the lines of its block.
    public struct Roster: Sendable {
        public var keyword: RuleToken
        public var name: RuleToken
        /// `handoff HH:MM` lines (one is meant).
        public var handoffs: [RuleToken] = []
        /// `fallback MEMBER` lines (one is required).
        public var fallbacks: [(keyword: RuleToken, member: RuleToken)] = []
        /// `PATTERN MEMBER` lines: days (`mon,wed,fri`, `sat,sun,holiday`, `workday`) or
        /// dates (`2026-10-01..2026-10-07`).
        public var lines: [(pattern: RuleToken, members: [RuleToken])] = []
    }

    /// `maintenance NAME SCHEDULE match MATCHER...`: the schedule's tokens before `match`.
    public struct Maintenance: Sendable {
        public var keyword: RuleToken
        public var name: RuleToken
        public var schedule: [RuleToken]
        public var matchers: [RuleToken]
    }

    public var settings: [Setting] = []
    public var maintenance: [Maintenance] = []
    public var rosters: [Roster] = []
    public var contacts: [Contact] = []
    public var rules: [Rule] = []
    /// `expect` blocks (heartbeats), parsed like rules.
    public var expects: [Rule] = []
    public var reports: [Report] = []
    public var workhours: [Workhours] = []
    public var holidays: [CalendarDay] = []
    public var workdays: [CalendarDay] = []
}
