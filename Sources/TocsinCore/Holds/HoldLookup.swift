/// What holds an incident, asked from outside the engine (`tocsinctl list`, `show` and
/// `test` read the stored silences and the rules' windows): a plain scan, for the few
/// incidents a listing shows.
public struct HoldLookup: Sendable {
    /// Silences that may hold (those not yet ended).
    public var silences: [Silence]
    /// The rules' maintenance windows.
    public var windows: [MaintenanceWindow]
    /// The zone windows are read in.
    public var zone: Zone
    /// The open parents each waiting incident waits on (from the store's holds).
    public var waits: [IncidentNumber: [IncidentNumber]] = [:]

    /// A lookup over these silences and windows.
    public init(silences: [Silence], windows: [MaintenanceWindow], zone: Zone) {
        self.silences = silences
        self.windows = windows
        self.zone = zone
    }

    /// Whether nothing can hold anything.
    public var isEmpty: Bool { silences.isEmpty && windows.isEmpty && waits.isEmpty }

    /// What holds incident `number`: a parent it waits on first, then as `holder(for:at:)`.
    public func holder(of number: IncidentNumber, fields: Event, at now: Timestamp) -> Holder? {
        if let parent = waits[number]?.min() { return .parent(parent) }
        return holder(for: fields, at: now)
    }

    /// The silence (lowest number first) or window holding an incident with these fields at
    /// `now`, if any.
    public func holder(for fields: Event, at now: Timestamp) -> Holder? {
        for silence in silences.sorted(by: { $0.number < $1.number }) where silence.isActive(at: now) && silence.matches(fields) {
            return .silence(silence.number, until: silence.end)
        }
        for window in windows where window.matches(fields) {
            if let interval = window.interval(containing: now, zone: zone), let until = interval.until {
                return .window(window.name, until: until)
            }
        }
        return nil
    }

    /// `silenced by #3 until 2026-12-03 18:40` or `silenced by maintenance core-upgrade until …`.
    public func describe(_ holder: Holder) -> String {
        switch holder {
        case .silence(let number, let until): "silenced by #\(number) until \(zone.shortString(until))"
        case .window(let name, let until): "silenced by maintenance \(name) until \(zone.shortString(until))"
        case .parent(let number): "waiting on #\(number)"
        }
    }
}
