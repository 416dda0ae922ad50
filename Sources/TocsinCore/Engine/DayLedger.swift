/// What happened since the last daily report: the report's content.
public struct DayLedger: Hashable, Sendable {
    /// One incident as the report lists it.
    public struct Entry: Hashable, Sendable {
        public var incident: IncidentNumber
        public var id: String
        public var kind: String
        public var severity: Int?
        public var summary: String
        public var began: Timestamp
        public var resolvedAt: Timestamp?
        public var cause: String?

        /// Creates an entry.
        public init(
            incident: IncidentNumber, id: String, kind: String, severity: Int?, summary: String, began: Timestamp,
            resolvedAt: Timestamp? = nil, cause: String? = nil
        ) {
            self.incident = incident
            self.id = id
            self.kind = kind
            self.severity = severity
            self.summary = summary
            self.began = began
            self.resolvedAt = resolvedAt
            self.cause = cause
        }

        init(_ incident: Incident) {
            self.init(
                incident: incident.number, id: incident.id, kind: incident.kind ?? "-", severity: incident.severity,
                summary: incident.summary ?? "-", began: incident.began, resolvedAt: incident.resolvedAt,
                cause: incident.cause)
        }
    }

    /// How many entries of each list the report shows in full.
    public static let listLimit = 50

    /// Incidents opened since the last report.
    public var openedCount = 0
    /// Incidents resolved since the last report.
    public var resolvedCount = 0
    /// Escalation steps fired since the last report.
    public var stepsFired = 0
    /// Opened incidents by kind.
    public var openedByKind: [String: Int] = [:]
    /// The first incidents resolved since the last report (at most `listLimit`).
    public var resolved: [Entry] = []

    /// An empty ledger.
    public init() {}

    mutating func recordOpened(_ incident: Incident) {
        openedCount += 1
        openedByKind[incident.kind ?? "-", default: 0] += 1
    }

    mutating func recordResolved(_ incident: Incident) {
        resolvedCount += 1
        if resolved.count < DayLedger.listLimit { resolved.append(Entry(incident)) }
    }
}
