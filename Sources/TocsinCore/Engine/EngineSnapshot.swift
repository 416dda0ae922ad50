/// Everything the engine needs to carry on after a restart, as the store keeps it.
public struct EngineSnapshot: Sendable {
    /// The open or acknowledged incidents, packed as the engine keeps them (a restart with a
    /// million open incidents never holds them all unpacked).
    var table = IncidentTable()
    var numberByID = GrowingDictionary<String, IncidentNumber>()
    var highestNumber: Int64 = 0

    /// Every open or acknowledged incident (unpacks them all).
    public var incidents: [Incident] { table.values.sorted { $0.number < $1.number } }

    /// Adds an incident read from the store; resolved ones are not kept.
    public mutating func add(_ incident: Incident) {
        guard incident.state != .resolved else { return }
        table[incident.number] = incident
        numberByID[incident.id] = incident.number
        highestNumber = max(highestNumber, incident.number.value)
    }

    /// Adds an incident packed straight from the store's columns, without unpacking it (a
    /// restart packs on one thread and fills the snapshot on another).
    public mutating func add(_ incident: PackedIncident) {
        let number = IncidentNumber(incident.number)
        table.insert(packed: incident.bytes, number: number)
        numberByID[incident.id] = number
        highestNumber = max(highestNumber, incident.number)
    }

    /// Makes room for this many incidents at once, instead of growing step by step.
    public mutating func reserveCapacity(_ count: Int) {
        table.reserveCapacity(count)
        numberByID.reserveCapacity(count)
    }

    /// `RuleSet.fingerprint` of the rules the stored incidents were last matched against.
    public var rulesFingerprint: String?

    /// Messages held by storm control.
    public var held: [HeldMessage]
    /// When each daily report (by its time of day) last went out.
    public var lastReports: [TimeOfDay: Timestamp]
    /// What happened since the last report.
    public var ledger: DayLedger
    /// The next incident number to give.
    public var nextNumber: Int64
    /// The stored silences.
    public var silences: [Silence] = []
    /// Each heartbeat's last beat, by name.
    public var lastBeats: [String: Timestamp] = [:]
    /// The holds recorded with open incidents.
    public var recordedHolds: [IncidentNumber: [RecordedHold]] = [:]

    /// Creates a snapshot.
    public init(
        incidents: [Incident] = [], held: [HeldMessage] = [], lastReports: [TimeOfDay: Timestamp] = [:],
        ledger: DayLedger = DayLedger(), nextNumber: Int64 = 1
    ) {
        self.held = held
        self.lastReports = lastReports
        self.ledger = ledger
        self.nextNumber = nextNumber
        for incident in incidents { add(incident) }
    }
}
