import TocsinSystem
import TocsinStore
import TocsinClient

/// The kinds of journal entry tocsind writes (SPEC §9), each with a fixed 128-bit
/// `MESSAGE_ID`, documented in `systemd/tocsind.catalog`.
public enum JournalMessage: String, CaseIterable, Sendable {
    case eventAccepted = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d21"
    case inputRejected = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d22"
    case incidentOpened = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d23"
    case stepFired = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d24"
    case notificationSent = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d25"
    case notificationFailed = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d26"
    case incidentAcknowledged = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d27"
    case incidentResolved = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d28"
    case rulesLoaded = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d29"
    case rulesRejected = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2a"
    case incidentMoved = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2b"
    case daemonState = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2c"
    case silenceCreated = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2d"
    case silenceExpired = "6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d2e"

    /// The MESSAGE_ID as 32 hex digits.
    public var id: String { rawValue }

    /// Its place in `allCases`.
    var ordinal: Int {
        switch self {
        case .eventAccepted: 0
        case .inputRejected: 1
        case .incidentOpened: 2
        case .stepFired: 3
        case .notificationSent: 4
        case .notificationFailed: 5
        case .incidentAcknowledged: 6
        case .incidentResolved: 7
        case .rulesLoaded: 8
        case .rulesRejected: 9
        case .incidentMoved: 10
        case .daemonState: 11
        case .silenceCreated: 12
        case .silenceExpired: 13
        }
    }
}

/// syslog priorities (sd-daemon.h's SD_ERR etc.).
public enum JournalPriority: Int, Sendable {
    case emergency = 0, alert, critical, error, warning, notice, info, debug
}

/// One decision, ready for the journal: a message and structured `TOCSIN_*` fields.
public struct JournalEntry: Sendable {
    /// The kind (MESSAGE_ID).
    public var kind: JournalMessage
    /// syslog priority.
    public var priority: JournalPriority
    /// The human sentence (MESSAGE=).
    public var message: String
    /// Extra fields, names without the `TOCSIN_` prefix where they are Tocsin's own.
    public var fields: [(String, String)]

    /// Creates an entry.
    public init(_ kind: JournalMessage, _ priority: JournalPriority, _ message: String, fields: [(String, String)] = []) {
        self.kind = kind
        self.priority = priority
        self.message = message
        self.fields = fields
    }
}
