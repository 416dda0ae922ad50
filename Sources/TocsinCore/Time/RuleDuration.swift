/// A length of time as rule files write it: `0m`, `90s`, `15m`, `1h30m`, `2d`.
public struct RuleDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration of `milliseconds`.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// A duration of whole seconds.
    public static func seconds(_ n: Int64) -> RuleDuration { RuleDuration(milliseconds: n * 1000) }
    /// A duration of whole minutes.
    public static func minutes(_ n: Int64) -> RuleDuration { .seconds(n * 60) }
    /// A duration of whole hours.
    public static func hours(_ n: Int64) -> RuleDuration { .minutes(n * 60) }
    /// A duration of whole days (of 24 hours).
    public static func days(_ n: Int64) -> RuleDuration { .hours(n * 24) }
    /// Nothing: an "at once" step.
    public static let zero = RuleDuration(milliseconds: 0)

    /// Orders durations.
    public static func < (lhs: RuleDuration, rhs: RuleDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
    /// Adds two durations.
    public static func + (lhs: RuleDuration, rhs: RuleDuration) -> RuleDuration {
        RuleDuration(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }
    /// Subtracts two durations.
    public static func - (lhs: RuleDuration, rhs: RuleDuration) -> RuleDuration {
        RuleDuration(milliseconds: lhs.milliseconds - rhs.milliseconds)
    }
    /// Multiplies a duration.
    public static func * (lhs: RuleDuration, rhs: Int64) -> RuleDuration {
        RuleDuration(milliseconds: lhs.milliseconds * rhs)
    }

    /// Parses `2d`, `1h30m`, `90s`, `0m`: one or more number-unit pairs, units `d h m s`,
    /// each at most once and largest first. Returns nil for anything else.
    public init?(parsing text: some StringProtocol) {
        let units: [(Character, Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total: Int64 = 0
        var number: Int64?
        var nextUnit = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, product <= 1_000_000_000 else { return nil }
                number = product + Int64(digit)
            } else if let index = units.firstIndex(where: { $0.0 == character }), index >= nextUnit,
                let value = number
            {
                total += value * units[index].1
                guard total <= 100 * 365 * 86_400 else { return nil }
                number = nil
                nextUnit = index + 1
            } else {
                return nil
            }
        }
        guard number == nil, nextUnit > 0 else { return nil }
        milliseconds = total * 1000
    }

    /// The shortest rule-file spelling: `30m`, `1h30m`, `2d`, `0m`.
    public var description: String {
        if milliseconds == 0 { return "0m" }
        var rest = milliseconds / 1000
        var out = milliseconds < 0 ? "-" : ""
        rest = abs(rest)
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        if out.isEmpty || out == "-" { out += "\(abs(milliseconds))ms" }
        return out
    }

    /// A compact human age, at most two units: `45s`, `30m`, `1h05m`, `2d3h`.
    public var humanAge: String {
        let total = max(milliseconds / 1000, 0)
        let days = total / 86_400
        let hours = (total % 86_400) / 3_600
        let minutes = (total % 3_600) / 60
        let seconds = total % 60
        if days > 0 { return hours > 0 ? "\(days)d\(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h" + (minutes < 10 ? "0" : "") + "\(minutes)m" : "\(hours)h" }
        if minutes > 0 { return seconds > 0 && minutes < 5 ? "\(minutes)m\(seconds)s" : "\(minutes)m" }
        return "\(seconds)s"
    }
}
