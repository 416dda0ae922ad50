import Foundation

/// Turns published holiday data into `holiday` and `workday` lines (`tocsinctl calendar
/// import`): an iCalendar file of public holidays, or a holiday-cn year file
/// (`{"days":[{"name","date","isOffDay"}]}`). It changes nothing: the lines are printed
/// for the operator to read and save as a rule file.
public enum CalendarImport {
    /// Why a file could not be read, with where.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// One day off or one day worked, with its name.
    public struct Day: Hashable, Sendable {
        public var date: CivilDate
        public var name: String
        public var off: Bool
    }

    /// The lines for `text`, a holiday-cn JSON file or an iCalendar file.
    public static func lines(_ text: String, source: String) throws(Failure) -> String {
        let days = text.drop { $0.isWhitespace }.first == "{" ? try holidayCN(text, source: source) : try iCalendar(text, source: source)
        return render(days, source: source)
    }

    /// holiday-cn's year file: every listed day, off or worked.
    public static func holidayCN(_ text: String, source: String) throws(Failure) -> [Day] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let entries = object["days"] as? [[String: Any]]
        else { throw Failure(message: "\(source): not a holiday-cn file: expected {\"days\": [{\"name\", \"date\", \"isOffDay\"}, …]}") }
        var days: [Day] = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"] as? String, let dateText = entry["date"] as? String, let off = entry["isOffDay"] as? Bool else {
                throw Failure(message: "\(source): days[\(index)]: needs name, date and isOffDay")
            }
            guard let date = CivilDate(parsing: dateText) else { throw Failure(message: "\(source): days[\(index)]: bad date '\(dateText)'") }
            days.append(Day(date: date, name: name, off: off))
        }
        return days
    }

    /// VEVENTs with all-day DTSTART/DTEND (DTEND exclusive) and SUMMARY. An event whose
    /// summary says the day is worked (`班`: 上班, 补班) is a workday; others are days off.
    public static func iCalendar(_ text: String, source: String) throws(Failure) -> [Day] {
        // Unfold (RFC 5545 §3.1): a line break followed by a space or tab continues the line.
        let unfolded = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n ", with: "")
            .replacingOccurrences(of: "\n\t", with: "")
        guard unfolded.contains("BEGIN:VCALENDAR") else { throw Failure(message: "\(source): neither a holiday-cn JSON file nor an iCalendar file (no BEGIN:VCALENDAR)") }
        var days: [Day] = []
        var event: [String: String]?
        for (number, line) in unfolded.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line == "BEGIN:VEVENT" {
                event = [:]
                continue
            }
            if line == "END:VEVENT" {
                guard let fields = event, let start = fields["DTSTART"].flatMap(date) else {
                    throw Failure(message: "\(source):\(number + 1): an event without an all-day DTSTART (YYYYMMDD)")
                }
                let end = fields["DTEND"].flatMap(date) ?? start.next
                let name = unescape(fields["SUMMARY"] ?? "holiday")
                let off = !name.contains("班")
                var day = start
                while day < end {
                    days.append(Day(date: day, name: name, off: off))
                    day = day.next
                }
                event = nil
                continue
            }
            guard event != nil, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].split(separator: ";").first.map(String.init) ?? ""
            if ["DTSTART", "DTEND", "SUMMARY"].contains(key) { event?[key] = String(line[line.index(after: colon)...]) }
        }
        return days
    }

    private static func date(_ value: String) -> CivilDate? {
        let digits = value.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isNumber) else { return nil }
        return CivilDate(parsing: "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))")
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\,", with: ",")
            .replacingOccurrences(of: "\\;", with: ";").replacingOccurrences(of: "\\\\", with: "\\")
    }

    /// Days off as ranges of consecutive days of one name; worked days one a line.
    static func render(_ days: [Day], source: String) -> String {
        var out = "# imported from \(source) by tocsinctl calendar import; check it against the published notice\n"
        let off = days.filter(\.off).sorted { $0.date < $1.date }
        var ranges: [(first: CivilDate, last: CivilDate, name: String)] = []
        for day in off {
            if let last = ranges.last, last.name == day.name, day.date.dayNumber - last.last.dayNumber <= 1 {
                ranges[ranges.count - 1].last = max(last.last, day.date)
            } else {
                ranges.append((day.date, day.date, day.name))
            }
        }
        for range in ranges {
            out += "holiday " + (range.first == range.last ? "\(range.first)" : "\(range.first)..\(range.last)") + " " + flattened(range.name) + "\n"
        }
        for day in days.filter({ !$0.off }).sorted(by: { $0.date < $1.date }) {
            out += "workday \(day.date) " + flattened(day.name) + "\n"
        }
        return out
    }

    /// A name as one rule-file word list: no line breaks or quotes to break the line.
    private static func flattened(_ name: String) -> String {
        let words = name.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "#" })
        return words.isEmpty ? "holiday" : words.joined(separator: " ")
    }
}
