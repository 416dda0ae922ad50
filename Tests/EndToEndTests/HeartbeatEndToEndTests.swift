import Foundation
import Testing

/// Heartbeats against the real tocsind with a seconds-scale `every` (SPEC §19), with a roster
/// and a working-time step in the same rules (issue 20's end-to-end run).
@Suite("Heartbeats, rosters and working time (the real binary)", .serialized)
struct HeartbeatEndToEndTests {
    /// Working hours that hold the current minute, whatever the time of the run: every day,
    /// all day, in UTC.
    static let rules = """
        set storm-window 0s
        set timezone UTC
        workhours daily 00:00-24:00
        contact lead-zhang mail zhang@branch.example
        contact lead-li mail li@branch.example
        contact boss mail boss@branch.example
        roster shift-lead
          handoff 00:00
          daily lead-zhang
          fallback lead-li
        expect patrol
          match kind=patrol
          every 2s
          after 0m notify shift-lead
        rule complaint
          match kind=complaint
          after 1h working notify boss
        """

    @Test("a missed patrol opens one incident told to the roster's member on duty; the next patrol resolves it")
    func missedPatrol() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        for _ in 0..<3 {
            _ = try d.send("kind=patrol id=patrol summary=巡查")
            usleep(1_000_000)
        }
        #expect(d.mails().isEmpty)
        #expect(eventually(5) { d.mails().count == 1 })
        #expect(d.mails().first.map { header("To", in: $0) } == "zhang@branch.example")
        let open = try d.incidents().filter { $0["id"] as? String == "expect:patrol" }
        #expect(open.count == 1 && open.first?["state"] as? String == "open" && open.first?["kind"] as? String == "missed", "\(open)")
        usleep(3_000_000)
        #expect(try d.incidents().filter { $0["id"] as? String == "expect:patrol" }.count == 1)
        _ = try d.send("kind=patrol id=patrol summary=巡查")
        #expect(eventually(5) { (try? d.incidents().first { $0["id"] as? String == "expect:patrol" }?["state"] as? String) == "resolved" })
        let resolved = try d.incidents().first { $0["id"] as? String == "expect:patrol" }
        #expect(resolved?["cause"] as? String == "heartbeat received")
    }

    @Test("down for an hour with the patrol missed: exactly one incident at start")
    func downForAnHour() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        _ = try d.send("kind=patrol id=patrol")
        d.stop()
        // The hour tocsind was down: its last patrol is moved an hour back in its store.
        let hourAgo = Int64((Date().timeIntervalSince1970 - 3600) * 1000)
        let db = d.state.appendingPathComponent("tocsin.db").path
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE meta SET value=? WHERE key='expect.patrol'\", (sys.argv[2],)); c.commit(); print(c.total_changes)", db, String(hourAgo)])
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(r.stderr)")
        try d.start()
        defer { d.stop() }
        #expect(eventually(5) { d.mails().count == 1 })
        usleep(4_000_000)
        let missed = try d.incidents().filter { $0["kind"] as? String == "missed" }
        #expect(missed.count == 1, "\(missed)")
        #expect(d.mails().count == 1)
    }

    @Test("a working-time step with a backdated at: due when the working hour has passed")
    func workingStep() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        let at = Int64(Date().timeIntervalSince1970) - 3600 + 2
        _ = try d.send("kind=complaint id=c-1 summary=投诉 at=\(at)")
        usleep(500_000)
        #expect(!d.mails().contains { header("To", in: $0) == "boss@branch.example" })
        #expect(eventually(6) { d.mails().contains { header("To", in: $0) == "boss@branch.example" } })
    }
}
