/// Everything the engine needs to carry on after a restart, as the store keeps it.
public struct EngineSnapshot: Sendable {
    /// Every open or acknowledged incident.
    public var incidents: [Incident]
    /// Messages held by storm control.
    public var held: [HeldMessage]
    /// When each daily report (by its time of day) last went out.
    public var lastReports: [TimeOfDay: Timestamp]
    /// What happened since the last report.
    public var ledger: DayLedger
    /// The next incident number to give.
    public var nextNumber: Int64

    /// Creates a snapshot.
    public init(
        incidents: [Incident] = [], held: [HeldMessage] = [], lastReports: [TimeOfDay: Timestamp] = [:],
        ledger: DayLedger = DayLedger(), nextNumber: Int64 = 1
    ) {
        self.incidents = incidents
        self.held = held
        self.lastReports = lastReports
        self.ledger = ledger
        self.nextNumber = nextNumber
    }
}
