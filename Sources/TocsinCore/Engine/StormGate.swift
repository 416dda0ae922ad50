/// Which notifications are gathered together: one contact, one rule (or the reports).
///
/// Keying by rule as well as contact means a storm of 5,000 faults gathers the fault mails
/// for the centre manager, while an urgent complaint to the same manager is never held
/// back behind them.
public struct StormKey: Hashable, Sendable {
    /// The contact.
    public var contact: ContactName
    /// The rule name (or `-` for messages of no rule).
    public var group: String

    /// Creates a key.
    public init(contact: ContactName, group: String) {
        self.contact = contact
        self.group = group
    }
}

/// A message the storm gate is holding until its window ends.
public struct HeldMessage: Hashable, Sendable {
    /// The message as it would have gone out alone.
    public var message: OutboundMessage
    /// The gathering it belongs to.
    public var key: StormKey
    /// When the window ends and it goes out (alone or in a digest).
    public var releaseAt: Timestamp

    /// Creates a held message.
    public init(message: OutboundMessage, key: StormKey, releaseAt: Timestamp) {
        self.message = message
        self.key = key
        self.releaseAt = releaseAt
    }
}

/// Storm control (SPEC §8): the first message to a contact goes out at once; further ones
/// within the storm window are held and go out together when the window ends.
struct StormGate: Sendable {
    enum Decision {
        case send
        case hold(until: Timestamp)
    }

    private struct Window: Sendable {
        var end: Timestamp
        var held: [OutboundMessage]
    }

    var window: RuleDuration
    private var windows: [StormKey: Window] = [:]

    init(window: RuleDuration) { self.window = window }

    /// How many messages for `key` are held in a window still open at `now`: a message that
    /// joins one or more of them never has its own body read (a digest lists subjects and
    /// details only the first), and one that joins `MessageComposer.digestListLimit` or more
    /// not even its subject.
    func gathered(_ key: StormKey, now: Timestamp) -> Int {
        guard window.milliseconds > 0, let open = windows[key], open.end > now else { return 0 }
        return open.held.count
    }

    /// Offers a message at `now`: send it now, or hold it until the window ends.
    mutating func offer(_ message: OutboundMessage, key: StormKey, now: Timestamp) -> Decision {
        guard window.milliseconds > 0 else { return .send }
        if let end = windows[key]?.end, end > now {
            windows[key]!.held.append(message)  // in place: copying the held list would make a storm quadratic
            return .hold(until: end)
        }
        windows[key] = Window(end: now + window, held: [])
        return .send
    }

    /// Puts back a held message after a restart.
    mutating func restore(_ held: HeldMessage) {
        if windows[held.key] == nil { windows[held.key] = Window(end: held.releaseAt, held: []) }
        windows[held.key]!.end = max(windows[held.key]!.end, held.releaseAt)
        windows[held.key]!.held.append(held.message)
    }

    /// The windows that have ended with messages held: each key's held messages, in order.
    /// A window that released messages stays open one more window, so a storm that goes on
    /// keeps being gathered.
    mutating func release(now: Timestamp) -> [(StormKey, [OutboundMessage])] {
        var out: [(StormKey, [OutboundMessage])] = []
        for (key, open) in windows where open.end <= now {
            if open.held.isEmpty {
                windows[key] = nil
            } else {
                out.append((key, open.held))
                windows[key] = Window(end: now + window, held: [])
            }
        }
        return out.sorted { ($0.0.contact, $0.0.group) < ($1.0.contact, $1.0.group) }
    }

    /// When the next window with held messages ends.
    var nextRelease: Timestamp? {
        windows.values.filter { !$0.held.isEmpty }.map(\.end).min()
    }

    /// How many messages are held.
    var heldCount: Int { windows.values.reduce(0) { $0 + $1.held.count } }
}
