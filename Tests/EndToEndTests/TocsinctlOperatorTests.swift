import Foundation
import Testing

private let operatorRules = """
    set timezone Asia/Shanghai
    contact lead mail lead@branch.example
    rule fault
      match kind=fault
      after 30m notify lead
    rule complaint
      match kind=complaint
      after 24h notify lead
    """

/// What an operator types: tocsinctl against a running tocsind, and while it is down.
@Suite("tocsinctl submit, ack, resolve, list, show, export, status (the real binaries)", .serialized)
struct TocsinctlOperatorTests {
    @Test("an incident's life through tocsinctl: each command prints the daemon's reply (a bad event too); list, show and export agree")
    func incidentLife() throws {
        let d = try DaemonProcess(rules: operatorRules)
        try d.start()
        defer { d.stop() }

        let opened = try d.ctl(["submit", "kind=fault", "severity=2", "id=core-banking", "summary=核心系统无法登录"])
        #expect(opened.status == 0)
        #expect(opened.stdout == "ok incident=1 id=core-banking state=open\n")
        // No id given: tocsinctl makes one up before sending (a resend is the same incident).
        #expect(try d.ctl(["submit", "kind=complaint", "summary=客户投诉"]).stdout.contains(/^ok incident=2 id=ctl-\d+-[0-9a-f]+ state=open\n$/))
        #expect(try d.ctl(["ack", "core-banking", "--by", "张伟"]).stdout == "ok incident=1 id=core-banking state=acked\n")
        let resolved = try d.ctl(["resolve", "core-banking", "--cause", "已切换备机", "--by", "王工"])
        #expect(resolved.status == 0)
        #expect(resolved.stdout == "ok incident=1 id=core-banking state=resolved\n")

        // A bad event: the reply tocsind gives such a line (DaemonIngestTests), exit 1.
        let bad = try d.ctl(["submit", "kind=fault", "severity=high", "id=x"])
        #expect(bad.status == 1)
        #expect(bad.stdout == #"error reason="severity must be an integer, got \"high\"""# + "\n")
        #expect(try d.send("kind=fault severity=high id=x") + "\n" == bad.stdout)
        let badSpool = try d.ctl(["submit", "--spool", "kind=fault", "at=tomorrow"])
        #expect(badSpool.status == 1 && badSpool.stdout.hasPrefix("error reason="))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.spool.appendingPathComponent("new").path).isEmpty)

        let unknown = try d.ctl(["ack", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stdout == #"error reason="cannot ack \"nope\": no open incident has that id""# + "\n")

        let list = try d.ctl(["list"]).stdout.split(separator: "\n")
        #expect(list.count == 3)
        #expect(list[0].hasPrefix("INCIDENT  ID"))
        #expect(list[1].hasPrefix("#2 ") && list[1].contains("客户投诉"))  // newest first
        #expect(list[2].hasPrefix("#1 ") && list[2].contains("resolved"))
        let open = try d.ctl(["list", "--open"]).stdout.split(separator: "\n")
        #expect(open.count == 2 && open[1].hasPrefix("#2 "))

        let json = try d.incidents()
        #expect(json.map { $0["incident"] as? Int } == [2, 1])
        for key in ["incident", "id", "kind", "severity", "state", "opened", "rule"] {
            #expect(json.allSatisfy { $0.keys.contains(key) }, "list --json lacks \(key)")
        }

        let show = try d.ctl(["show", "core-banking"]).stdout
        #expect(show.contains("Acknowledged  "))
        #expect(show.contains("by 张伟"))
        #expect(show.contains("Cause         已切换备机"))
        #expect(show.contains("Responsible   王工"))

        let csv = try d.ctl(["export", "--csv"]).stdout.components(separatedBy: "\r\n")
        #expect(csv[0] == "incident,id,kind,began,summary,level,recovered,cause,responsible")
        let row = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row.count == 9)
        #expect(Array(row[0...2]) == ["1", "core-banking", "fault"])
        #expect(row[4] == "核心系统无法登录" && row[5] == "2" && !row[6].isEmpty)
        #expect(Array(row[7...8]) == ["已切换备机", "王工"])
    }

    @Test("submit --spool while tocsind is down: queued, then taken up when it starts; status says down, then up")
    func spoolWhileDown() throws {
        let d = try DaemonProcess(rules: operatorRules)
        try d.start()  // creates the spool
        d.stop()

        let down = try d.ctl(["status"])
        #expect(down.status == 3)
        #expect(down.stdout.contains("NOT RUNNING"))
        let refused = try d.ctl(["submit", "kind=fault", "id=later"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("tocsinctl submit --spool"))

        let queued = try d.ctl(["submit", "--spool", "kind=fault", "severity=1", "id=later", "summary=夜间故障"])
        #expect(queued.status == 0)
        #expect(queued.stdout.hasPrefix("queued " + d.spool.appendingPathComponent("new").path + "/"))

        try d.start()
        defer { d.stop() }
        #expect(try eventually { try d.incidents().contains { $0["id"] as? String == "later" && $0["summary"] as? String == "夜间故障" } })
        #expect(try d.ctl(["status"]).status == 0)
    }

    @Test("submit --spool to a spool that does not exist: exit 1, and the error says which path and how to point elsewhere")
    func spoolMissing() throws {
        let missing = Binaries.temporaryDirectory().appendingPathComponent("no-spool").path
        let result = try Binaries.tocsinctl(["submit", "--spool", "kind=fault"], environment: ["TOCSIN_SPOOL": missing])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'\(missing)/tmp/"))
        #expect(result.stderr.contains("--spool-dir DIR or set TOCSIN_SPOOL"))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
