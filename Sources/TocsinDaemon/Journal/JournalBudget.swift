import TocsinSystem
import TocsinStore
import TocsinClient

/// Keeps tocsind's journal traffic within what journald takes without dropping entries
/// itself (its default per-service limit is 10,000 entries in 30 s, after which it drops
/// whatever comes, warnings included), and keeps a storm from spending the daemon's time
/// on logging.
///
/// Routine entries — one per accepted event, opened incident, fired step, sent
/// notification, rejected line — draw from a token bucket (`burst`, refilled at
/// `perSecond`). What does not fit is counted, not written, and `summaries(now:)` turns the
/// counts into one entry per kind and second: "N … entries not written". Errors and worse,
/// failed notifications, rule loads and daemon state changes are never held back. Every
/// decision is in the store regardless (`tocsinctl show`, `export`).
public struct JournalBudget: Sendable {
    /// Routine entries per second, sustained.
    public var perSecond: Int
    /// Routine entries allowed at once after a quiet spell.
    public var burst: Int
    private var tokens: Double
    private var refilledAt: Int64
    /// Entries not written since the last summary, by `JournalMessage.ordinal` (an array: a
    /// storm refuses ~100,000 entries, and hashing a kind hashes its 32-digit raw value).
    private var suppressed = [Int](repeating: 0, count: JournalMessage.allCases.count)
    private var summarizedAt: Int64

    /// With journald's default limit (10,000 in 30 s) in mind: at most 2,000 + 200 × 30 =
    /// 8,000 routine entries in any 30 s, leaving room for the ones never held back.
    public init(perSecond: Int = 200, burst: Int = 2000, now: Int64) {
        self.perSecond = perSecond
        self.burst = burst
        tokens = Double(burst)
        refilledAt = now
        summarizedAt = now
    }

    /// Whether an entry of this kind and priority may be written now (`now` in monotonic
    /// milliseconds). A refused one is counted for the next summary.
    public mutating func admits(_ kind: JournalMessage, _ priority: JournalPriority, now: Int64) -> Bool {
        if JournalBudget.alwaysWritten(kind, priority) { return true }
        if now > refilledAt {
            tokens = min(Double(burst), tokens + Double(now - refilledAt) * Double(perSecond) / 1000)
            refilledAt = now
        }
        if tokens >= 1 {
            tokens -= 1
            return true
        }
        suppressed[kind.ordinal] += 1
        return false
    }

    /// Entries saying how many of each kind were not written, at most once a second.
    public mutating func summaries(now: Int64) -> [JournalEntry] {
        guard suppressed.contains(where: { $0 > 0 }), now - summarizedAt >= 1000 else { return [] }
        let tenths = (now - summarizedAt + 50) / 100
        summarizedAt = now
        let counts = JournalMessage.allCases.filter { suppressed[$0.ordinal] > 0 }.sorted { $0.rawValue < $1.rawValue }
            .map { ($0, suppressed[$0.ordinal]) }
        suppressed = [Int](repeating: 0, count: suppressed.count)
        return counts.map { kind, count in
            JournalEntry(
                kind, .notice,
                "\(count) \(kind.plural) not written to the journal in the last \(tenths / 10).\(tenths % 10) s (more than \(perSecond)/s); every one is in the store: tocsinctl list, show, export",
                fields: [("TOCSIN_SUPPRESSED", String(count))])
        }
    }

    static func alwaysWritten(_ kind: JournalMessage, _ priority: JournalPriority) -> Bool {
        if priority.rawValue <= JournalPriority.error.rawValue { return true }
        switch kind {
        case .notificationFailed, .rulesLoaded, .rulesRejected, .daemonState, .silenceCreated, .silenceExpired: return true
        case .eventAccepted, .inputRejected, .incidentOpened, .stepFired, .notificationSent, .incidentAcknowledged, .incidentResolved,
            .incidentMoved:
            return false
        }
    }
}

extension JournalMessage {
    /// What a summary calls entries of this kind.
    var plural: String {
        switch self {
        case .eventAccepted: "\"event accepted\" entries"
        case .inputRejected: "\"event rejected\" entries"
        case .incidentOpened: "\"incident opened\" entries"
        case .stepFired: "\"step fired\" entries"
        case .notificationSent: "\"notified\" entries"
        case .notificationFailed: "\"notification failed\" entries"
        case .incidentAcknowledged: "\"acknowledged\" entries"
        case .incidentResolved: "\"resolved\" entries"
        case .rulesLoaded: "\"rules loaded\" entries"
        case .rulesRejected: "\"rules rejected\" entries"
        case .incidentMoved: "\"incident moved\" entries"
        case .daemonState: "daemon state entries"
        case .silenceCreated: "\"silence created\" entries"
        case .silenceExpired: "\"silence expired\" entries"
        }
    }
}
