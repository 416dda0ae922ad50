/// RFC 3339 timestamps (`2026-11-22T09:30:00+08:00`), parsed and printed without Foundation's
/// formatters so the event path stays fast and exact.
public enum RFC3339 {
    /// Parses an RFC 3339 date-time: `YYYY-MM-DD`, `T` (or `t` or a space), `hh:mm:ss`,
    /// an optional fraction, then `Z` or `±hh:mm`. Returns nil when malformed.
    public static func parse(_ text: some StringProtocol) -> Timestamp? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
            let day = digits(8, 2), [0x54, 0x74, 0x20].contains(b[10]),
            let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var scale = 100
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                millis += Int(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            guard let oh = digits(i + 1, 2), b.count > i + 3, b[i + 3] == 0x3A,
                let om = digits(i + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2D ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset)
        return Timestamp(milliseconds: secs * 1000 + Int64(millis))
    }

    /// Prints an instant as RFC 3339 at a fixed UTC offset (`Z` for zero).
    public static func format(_ t: Timestamp, offsetSeconds: Int) -> String {
        let local = LocalDateTime(t, offsetSeconds: offsetSeconds)
        var out = local.dateString + "T" + local.timeString(seconds: true)
        if t.milliseconds % 1000 != 0 {
            let ms = Int((t.milliseconds % 1000 + 1000) % 1000)
            out += "." + pad(ms, 3)
        }
        out += offsetSeconds == 0 ? "Z" : offsetString(offsetSeconds, colon: true)
        return out
    }

    /// `+08:00` or `+0800`.
    static func offsetString(_ seconds: Int, colon: Bool) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + pad(minutes / 60, 2) + (colon ? ":" : "") + pad(minutes % 60, 2)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// The calendar fields of an instant at a fixed UTC offset.
public struct LocalDateTime: Sendable {
    /// Calendar fields.
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// 0 = Sunday … 6 = Saturday.
    public let weekday: Int

    /// Splits `t` into calendar fields at `offsetSeconds` east of UTC.
    public init(_ t: Timestamp, offsetSeconds: Int) {
        let secs = t.seconds + Int64(offsetSeconds)
        var days = Int(secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400)
        let rem = Int(secs - Int64(days) * 86_400)
        hour = rem / 3600
        minute = (rem % 3600) / 60
        second = rem % 60
        weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `2026-11-22`.
    public var dateString: String {
        RFC3339.pad(year, 4) + "-" + RFC3339.pad(month, 2) + "-" + RFC3339.pad(day, 2)
    }

    /// `09:30` or `09:30:00`.
    public func timeString(seconds withSeconds: Bool) -> String {
        RFC3339.pad(hour, 2) + ":" + RFC3339.pad(minute, 2) + (withSeconds ? ":" + RFC3339.pad(second, 2) : "")
    }
}
