/// The settings of `set` lines.
public struct RuleSettings: Hashable, Sendable {
    /// The known keys, for "did you mean".
    public static let keys = ["mail-from", "timezone", "storm-window", "keep-history", "site", "language", "reply-to"]

    /// `From:` of every mail.
    public var mailFrom: String = "Tocsin <tocsin@localhost>"
    /// Where local times are printed and the daily report is placed.
    public var zone: Zone = .utc
    /// How long further notifications to a contact are gathered after one goes out.
    public var stormWindow: RuleDuration = .seconds(60)
    /// How long a resolved incident is kept (by when it was resolved), with its timeline
    /// and messages; then tocsind deletes it. Default three years: a branch's fault records
    /// are looked up for years, and three years at 1,000 a day stay fast to read.
    public var keepHistory: RuleDuration = RuleSettings.defaultKeepHistory
    /// `set site BJ-001`: the branch's name, on every journal entry (`TOCSIN_SITE`) and
    /// every mail (`X-Tocsin-Site`), so a head office collecting branches' journals can tell
    /// them apart.
    public var site: String?
    /// `set language zh-CN`: the language of every fixed text of mail and exec messages
    /// (SPEC §18); default English.
    public var language: Language = .english
    /// `set reply-to "Tocsin <tocsin-reply@branch.example>"`: the `Reply-To:` of every step
    /// and repeat mail, whose body then ends with how to answer (SPEC §17). nil: no replies.
    public var replyTo: String?
    /// The default of `keep-history`: 1,095 days.
    public static let defaultKeepHistory: RuleDuration = .days(1_095)

    /// The defaults.
    public init() {}
}

/// A checked, usable policy: settings, contacts, rules in order, reports.
public struct RuleSet: Sendable {
    /// `set` values.
    public var settings: RuleSettings { didSet { if settings.zone != clock.zone { clock = EscalationClock(calendar: calendar, zone: settings.zone) } } }
    /// Contacts by name.
    public var contacts: [ContactName: Contact]
    /// Rules in file order; the first that matches takes the incident.
    public let rules: [Rule]
    /// Daily reports.
    public var reports: [Report]
    /// The working calendar: hours, holidays and makeup workdays.
    public var calendar = WorkingCalendar() { didSet { clock = EscalationClock(calendar: calendar, zone: settings.zone) } }
    /// The escalation clock over `calendar` in the settings' zone (kept in step with both).
    public private(set) var clock: EscalationClock
    /// `expect` heartbeats, in file order.
    public var heartbeats: [Heartbeat] = []
    /// Maintenance windows, in file order.
    public var windows: [MaintenanceWindow] = []
    /// Duty rosters by name: steps and reports notify them like contacts.
    public var rosters: [ContactName: Roster] = [:]

    /// The contact a step or report notifying `name` tells at `instant`: the member on
    /// duty when `name` is a roster, `name` itself otherwise.
    public func resolve(_ name: ContactName, at instant: Timestamp) -> ContactName {
        guard let roster = rosters[name] else { return name }
        return roster.duty(at: instant, zone: settings.zone, calendar: calendar).member
    }
    private var ruleIndex: [RuleName: Int]

    /// Creates a rule set (the checker builds these from rule files).
    public init(settings: RuleSettings = RuleSettings(), contacts: [Contact], rules: [Rule], reports: [Report] = []) {
        self.settings = settings
        self.clock = EscalationClock(calendar: WorkingCalendar(), zone: settings.zone)
        self.contacts = Dictionary(contacts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.rules = rules
        self.reports = reports
        self.ruleIndex = Dictionary(rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.fingerprint = RuleSet.fingerprint(of: rules)
        self.matchIndex = RuleIndex(rules)
    }

    /// An empty policy: no rule takes anything.
    public static let empty = RuleSet(contacts: [], rules: [])

    /// The first rule, in file order, whose match holds.
    public func rule(for event: Event) -> Rule? { matchIndex.first(for: event, in: rules).map { rules[$0] } }

    /// Where `rule(for:)` looks first.
    private let matchIndex: RuleIndex

    /// A stable digest (FNV-1a, 64 bits, in hex) of what decides which rule takes an
    /// incident and when its steps fire: each rule's name, match lines and schedule, in order.
    /// Equal fingerprints mean stored incidents need not be matched again. Computed once.
    public let fingerprint: String

    private static func fingerprint(of rules: [Rule]) -> String {
        var hash = FNV1a.hash([UInt8]())
        for rule in rules {
            let text = rule.name.rawValue + "|" + rule.matchLines.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "/")
                + "|" + rule.scheduleDigest + "\n"
            hash = FNV1a.hash(text.utf8, continuing: hash)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The rule with this name.
    public func rule(named name: RuleName) -> Rule? { ruleIndex[name].map { rules[$0] } }
}
