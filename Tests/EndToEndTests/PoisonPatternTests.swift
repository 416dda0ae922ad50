import Foundation
import Glibc
import Testing

/// A rule's `~` pattern against input chosen to make a backtracking engine run for ever: the
/// real tocsind answers it, keeps serving others, stops on SIGTERM, and restarts over it.
@Suite("Patterns cannot hang tocsind", .serialized)
struct PoisonPatternTests {
    static let rules = """
        set storm-window 0s
        contact ops mail ops@example.org
        rule poisoned
          match kind=fault summary~(a+)+$
          after 1h notify ops
        rule core
          match kind=fault summary~core.*down
          after 1h notify ops
        rule other
          match kind=fault
          after 2h notify ops
        """

    @Test("a summary of 22 a's and a b, and a 60 KiB summary, are answered at once; SIGTERM still stops it")
    func socket() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        let poison = String(repeating: "a", count: 22) + "b"
        let long = String(repeating: "core ", count: 12_000) + "up"
        let replies = try d.send([
            "kind=fault id=p1 summary=\(poison)",
            "kind=fault id=p2 summary=\"\(long)\"",
            "kind=fault id=p3 summary=aaaa",
        ])
        #expect(replies == [
            "ok incident=1 id=p1 state=open", "ok incident=2 id=p2 state=open", "ok incident=3 id=p3 state=open",
        ])
        let rules = try d.incidents().reduce(into: [String: String]()) { $0[$1["id"] as? String ?? ""] = $1["rule"] as? String }
        #expect(rules == ["p1": "other", "p2": "other", "p3": "poisoned"])
        d.stop()
    }

    @Test("a spool file holding the poison line is applied at start, not a crash loop")
    func spoolAtRestart() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        d.stop()
        let poison = String(repeating: "a", count: 40) + "b"
        let file = d.spool.appendingPathComponent("new/poison.events")
        try "kind=fault id=sp summary=\(poison)\n".write(to: file, atomically: false, encoding: .utf8)
        try d.start()
        #expect(eventually(10) { !FileManager.default.fileExists(atPath: file.path) })
        #expect(try d.send("kind=fault id=after") == "ok incident=2 id=after state=open")
        d.stop()
    }
}
