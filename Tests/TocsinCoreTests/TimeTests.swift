import Foundation
import Testing
import TocsinCore

@Suite("Durations, instants and time zones")
struct TimeTests {
    @Test("cached zone offsets agree with the tz database, across half-hour and quarter-hour DST rules")
    func cachedOffsets() {
        for name in ["Asia/Shanghai", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu"] {
            let zone = Zone(identifier: name)!
            let tz = TimeZone(identifier: name)!
            var t = Timestamp(milliseconds: 1_767_225_600_000)  // 2026-01-01
            var mismatches = 0
            for _ in 0..<(365 * 24 * 12) {
                let expected = tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.milliseconds) / 1000))
                if zone.offset(at: t) != expected { mismatches += 1 }
                t = t + .minutes(5)
            }
            #expect(mismatches == 0, "\(name): \(mismatches) offsets differ")
        }
    }

    @Test("durations as rule files write them", arguments: [
        ("0m", 0), ("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172_800), ("1d2h3m4s", 93_784),
    ])
    func durations(text: String, seconds: Int64) {
        #expect(RuleDuration(parsing: text) == .seconds(seconds))
    }

    @Test("bad durations", arguments: ["", "30", "m", "30x", "1m1h", "1h1h", "-5m", "1.5h", "30 m"])
    func badDurations(text: String) {
        #expect(RuleDuration(parsing: text) == nil)
    }

    @Test("RFC 3339 parses offsets, fractions and Z; rejects impossible dates")
    func rfc3339() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Timestamp(milliseconds: 0))
        #expect(RFC3339.parse("2026-11-22T09:30:00.250+08:00") == Timestamp(milliseconds: 1_795_311_000_250))
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2026-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2026-11-22 09:30:00") == nil)
        #expect(RFC3339.format(Timestamp(milliseconds: 1_795_311_000_000), offsetSeconds: 8 * 3600) == "2026-11-22T09:30:00+08:00")
    }

    @Test("the daily report time in Asia/Shanghai")
    func shanghai() {
        let zone = Zone(identifier: "Asia/Shanghai")!
        let morning = RFC3339.parse("2026-11-23T09:00:00+08:00")!
        #expect(zone.nextOccurrence(of: TimeOfDay(hour: 17, minute: 0)!, after: morning) == RFC3339.parse("2026-11-23T17:00:00+08:00"))
        let evening = RFC3339.parse("2026-11-23T17:00:00+08:00")!
        #expect(zone.nextOccurrence(of: TimeOfDay(hour: 17, minute: 0)!, after: evening) == RFC3339.parse("2026-11-24T17:00:00+08:00"))
    }

    @Test("DST-safe: a time that does not exist fires after the gap; one that exists twice fires once")
    func dst() {
        let berlin = Zone(identifier: "Europe/Berlin")!
        let time = TimeOfDay(hour: 2, minute: 30)!
        // 2026-03-29: clocks go from 02:00 to 03:00.
        let spring = berlin.nextOccurrence(of: time, after: RFC3339.parse("2026-03-28T12:00:00+01:00")!)
        #expect(spring == RFC3339.parse("2026-03-29T03:30:00+02:00"))
        // 2026-10-25: 02:30 happens twice; the first counts, the next is the following day.
        let first = berlin.nextOccurrence(of: time, after: RFC3339.parse("2026-10-24T12:00:00+02:00")!)
        #expect(first == RFC3339.parse("2026-10-25T02:30:00+02:00"))
        let next = berlin.nextOccurrence(of: time, after: first)
        #expect(next == RFC3339.parse("2026-10-26T02:30:00+01:00"))
    }

    @Test("human ages", arguments: [(45, "45s"), (1800, "30m"), (3900, "1h05m"), (7200, "2h"), (97_200, "1d3h"), (150, "2m30s")])
    func ages(seconds: Int64, text: String) {
        #expect(RuleDuration.seconds(seconds).humanAge == text)
    }
}
