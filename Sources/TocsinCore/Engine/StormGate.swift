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
        var key: StormKey
        var end: Timestamp
        var held: [OutboundMessage]
    }

    var window: RuleDuration
    /// Each key's window: `windows[slotOf[key]]`. A window that has ended with nothing held
    /// stays in its slot (a key is a contact and a rule, so they are few) and counts as none.
    private var slotOf: [StormKey: Int] = [:]
    private var windows: [Window] = []
    /// The key asked about last and its slot: a storm asks about one key over and over, and
    /// comparing it costs less than hashing its two strings each time.
    private var last: (key: StormKey, slot: Int)?

    init(window: RuleDuration) { self.window = window }

    private mutating func slot(_ key: StormKey) -> Int? {
        if let last, last.key == key { return last.slot }
        guard let slot = slotOf[key] else { return nil }
        last = (key, slot)
        return slot
    }

    private mutating func newSlot(_ window: Window) -> Int {
        let slot = windows.count
        slotOf[window.key] = slot
        windows.append(window)
        last = (window.key, slot)
        return slot
    }

    /// How many messages for `key` are held in a window still open at `now`: a message that
    /// joins one or more of them never has its own body read (a digest lists subjects and
    /// details only the first), and one that joins `MessageComposer.digestListLimit` or more
    /// not even its subject.
    mutating func gathered(_ key: StormKey, now: Timestamp) -> Int {
        guard window.milliseconds > 0, let slot = slot(key), windows[slot].end > now else { return 0 }
        return windows[slot].held.count
    }

    /// Offers a message at `now`: send it now, or hold it until the window ends.
    mutating func offer(_ message: OutboundMessage, key: StormKey, now: Timestamp) -> Decision {
        guard window.milliseconds > 0 else { return .send }
        guard let slot = slot(key) else {
            _ = newSlot(Window(key: key, end: now + window, held: []))
            return .send
        }
        if windows[slot].end > now {
            windows[slot].held.append(message)  // in place: copying the held list would make a storm quadratic
            return .hold(until: windows[slot].end)
        }
        windows[slot].held = []
        windows[slot].end = now + window
        return .send
    }

    /// Puts back a held message after a restart.
    mutating func restore(_ held: HeldMessage) {
        let slot = slot(held.key) ?? newSlot(Window(key: held.key, end: held.releaseAt, held: []))
        windows[slot].end = max(windows[slot].end, held.releaseAt)
        windows[slot].held.append(held.message)
    }

    /// The windows that have ended with messages held: each key's held messages, in order.
    /// A window that released messages stays open one more window, so a storm that goes on
    /// keeps being gathered.
    mutating func release(now: Timestamp) -> [(StormKey, [OutboundMessage])] {
        var out: [(StormKey, [OutboundMessage])] = []
        for slot in windows.indices where windows[slot].end <= now && !windows[slot].held.isEmpty {
            out.append((windows[slot].key, windows[slot].held))
            windows[slot].held = []
            windows[slot].end = now + window
        }
        return out.sorted { ($0.0.contact, $0.0.group) < ($1.0.contact, $1.0.group) }
    }

    /// When the next window with held messages ends.
    var nextRelease: Timestamp? {
        windows.filter { !$0.held.isEmpty }.map(\.end).min()
    }

    /// How many messages are held.
    var heldCount: Int { windows.reduce(0) { $0 + $1.held.count } }
}
