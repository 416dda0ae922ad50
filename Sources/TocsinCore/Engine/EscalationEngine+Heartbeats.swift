/// Heartbeats (SPEC §19): each `expect` block waits for its beats; one missed opens incident
/// `id=expect:NAME kind=missed` (through `receive`, like any incident, so it is stored,
/// journaled and escalated by the block's steps), and the next beat resolves it with cause
/// "heartbeat received". What counts is the last beat the store knows, so a daemon down for
/// a day opens one incident, not one per missed beat.
extension EscalationEngine {
    /// When each heartbeat is next missed (those whose missed incident is not open).
    var nextHeartbeatDue: Timestamp? {
        rules.heartbeats.compactMap { beat -> Timestamp? in
            guard numberByID[beat.incidentID] == nil, let last = lastBeats[beat.name] else { return nil }
            return beat.due(after: last, clock: rules.clock)
        }.min()
    }

    /// The last beat (or baseline) of each heartbeat, for `status` and tests.
    public var heartbeatBaselines: [String: Timestamp] { lastBeats }

    /// Gives heartbeats with no beat stored a baseline of `now` (counting starts at start).
    mutating func startHeartbeats(now: Timestamp) {
        for beat in rules.heartbeats where lastBeats[beat.name] == nil { lastBeats[beat.name] = now }
    }

    /// An `open` event that is a beat: remembered, and the missed incident it ends resolved.
    mutating func noteBeats(_ event: Event, now: Timestamp, into actions: inout [EngineAction]) {
        guard !rules.heartbeats.isEmpty, event.kind != "missed" else { return }
        for beat in rules.heartbeats where beat.isBeat(event) {
            lastBeats[beat.name] = now
            actions.append(.heartbeat(name: beat.name, at: now))
            guard numberByID[beat.incidentID] != nil else { continue }
            var resolve = Event(fields: [])
            resolve.set("action", "resolve")
            resolve.set("id", beat.incidentID)
            resolve.set("cause", rules.settings.language.catalog.heartbeatReceived)
            resolve.set("by", "tocsind")
            if case .success(let (_, more)) = receive(resolve, now: now) { actions += more }
        }
    }

    /// Opens the missed incident of every heartbeat whose beat is overdue.
    mutating func checkHeartbeats(now: Timestamp) -> [EngineAction] {
        var actions: [EngineAction] = []
        for beat in rules.heartbeats where numberByID[beat.incidentID] == nil {
            guard let last = lastBeats[beat.name], let due = beat.due(after: last, clock: rules.clock), due <= now else { continue }
            var missed = Event(fields: [])
            missed.set("action", "open")
            missed.set("id", beat.incidentID)
            missed.set("kind", "missed")
            missed.set("expect", beat.name)
            missed.set("summary", rules.settings.language.catalog.missedHeartbeat(beat.name, after: beat.every + beat.grace))
            missed.set("at", String(due.seconds))
            // Counting starts again from now: an operator who resolves it by hand is not
            // answered by another one at once.
            lastBeats[beat.name] = now
            actions.append(.heartbeat(name: beat.name, at: now))
            if case .success(let (_, more)) = receive(missed, now: now) { actions += more }
        }
        return actions
    }
}
