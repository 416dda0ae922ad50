/// A drill: events at times relative to the drill's start, replayed against the rules.
///
/// The format, one statement per line (`#` comments, blank lines ignored):
///
///     start 2026-11-23 09:00        # optional: local date and time in the rules' timezone
///     end +4h                       # optional: how long to run (default: long enough for every step)
///     +0m   kind=fault severity=2 id=core-banking summary="核心系统无法登录"
///     +5m   kind=complaint urgency=urgent id=c-1 summary="客户投诉"
///     10:45 action=resolve id=core-banking cause="电源故障" by=王工
///     +5m   silence kind=fault system=core --for 1h --reason "核心升级"
///     +30m  silence expire 1
///
/// An event line starts with its time, `+DURATION` after the start or `HH:MM` on the start
/// day's clock, then the event in logfmt (or JSON). `at` defaults to the line's time.
public struct DrillScenario: Sendable {
    /// One timed event.
    public struct Entry: Sendable {
        /// Time after the start.
        public var offset: RuleDuration
        /// The event as written (without `at`, it gets the entry's time).
        public var line: String
        /// Where it is written.
        public var location: SourceLocation
    }

    /// The local start (`start` line), if given.
    public var start: (date: (year: Int, month: Int, day: Int), time: TimeOfDay)?
    /// How long to run, if given.
    public var duration: RuleDuration?
    /// The events, in time order.
    public var entries: [Entry]

    /// Parses a scenario; problems are diagnostics with line and column.
    public static func parse(_ file: SourceFile) -> (DrillScenario?, [Diagnostic]) {
        var scenario = DrillScenario(start: nil, duration: nil, entries: [])
        var diagnostics: [Diagnostic] = []
        for (index, rawLine) in file.lines.enumerated() {
            let line = String(rawLine)
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.count - String(line.drop { $0 == " " || $0 == "\t" }).count
            let location = SourceLocation(file: file.name, line: index + 1, column: indent + 1)
            let words = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            let head = String(words[0])
            let rest = words.count > 1 ? String(words[1]).trimmingSpaces : ""
            func error(_ message: String, length: Int = head.count) {
                diagnostics.append(Diagnostic(.error, message, at: SourceRange(start: location, length: length)))
            }
            switch head {
            case "start":
                let parts = rest.split(separator: " ")
                let date = parts.first.map { $0.split(separator: "-").compactMap { Int($0) } } ?? []
                if parts.count == 2, date.count == 3, let time = TimeOfDay(parsing: parts[1]),
                    (1...12).contains(date[1]), (1...31).contains(date[2])
                {
                    scenario.start = ((date[0], date[1], date[2]), time)
                } else {
                    error("'start' is written: start YYYY-MM-DD HH:MM (local time in the rules' timezone)")
                }
            case "end":
                if rest.hasPrefix("+"), let duration = RuleDuration(parsing: rest.dropFirst()) {
                    scenario.duration = duration
                } else {
                    error("'end' is written: end +DURATION, e.g. end +4h")
                }
            default:
                let offset: RuleDuration?
                if head.hasPrefix("+") {
                    offset = RuleDuration(parsing: head.dropFirst())
                } else if let time = TimeOfDay(parsing: head) {
                    let startTime = scenario.start?.time ?? TimeOfDay(hour: 9, minute: 0)!
                    let minutes = (time.hour * 60 + time.minute) - (startTime.hour * 60 + startTime.minute)
                    offset = minutes >= 0 ? .minutes(Int64(minutes)) : nil
                } else {
                    offset = nil
                }
                guard let offset else {
                    error("expected a time (+DURATION after the start, or HH:MM not before it), 'start', 'end' or a comment, got '\(head)'")
                    continue
                }
                guard !rest.isEmpty else {
                    error("no event after the time: write e.g. \(head) kind=fault severity=2 id=core-banking")
                    continue
                }
                var eventColumn = location
                eventColumn.column += line.trimmingSpaces.distance(
                    from: line.trimmingSpaces.startIndex, to: line.trimmingSpaces.firstIndex(of: " ") ?? line.trimmingSpaces.endIndex) + 1
                scenario.entries.append(Entry(offset: offset, line: rest, location: eventColumn))
            }
        }
        scenario.entries = scenario.entries.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }
            .map(\.element)
        if scenario.entries.isEmpty, diagnostics.isEmpty {
            diagnostics.append(
                Diagnostic(
                    .error, "the drill has no events: add lines like '+0m kind=fault severity=2 id=core-banking'",
                    at: SourceRange(start: SourceLocation(file: file.name, line: 1, column: 1), length: 1)))
        }
        return (diagnostics.containsErrors ? nil : scenario, diagnostics)
    }
}
