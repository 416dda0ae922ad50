import Foundation
import Glibc
import Testing

@Suite("Security: what reaches an operator's terminal, a spreadsheet, the socket", .serialized)
struct SecurityTests {
    static let rules = "contact a mail a@example.org\nrule r\n  match kind=fault\n  after 1h notify a\n"

    @Test("escape sequences and bidi overrides in event fields never reach the terminal through list, show or export")
    func terminalEscapes() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        // Control characters are refused at the door …
        #expect(try d.send(#"{"kind":"fault","id":"x","summary":"\u001b]0;pwned\u0007"}"#).hasPrefix("error"))
        // … and what is allowed (bidi overrides, tabs) is neutralised on output.
        #expect(try d.send("{\"kind\":\"fault\",\"id\":\"evil\\u202e\",\"summary\":\"a\\tb \\u202egnp.exe\",\"note\":\"=HYPERLINK(\\\"http://x\\\")\"}").hasPrefix("ok"))
        for args in [["list"], ["show", "#1"], ["list", "--json"], ["export"]] {
            let out = try d.ctl(args).stdout
            #expect(!out.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\r") || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value) }, "\(args)")
        }
    }

    @Test("CSV export defuses spreadsheet formulas and quotes per RFC 4180")
    func csvInjection() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send(#"kind=fault id=f1 summary="=cmd|' /C calc'!A0""#)
        _ = try d.send(#"kind=fault id=f2 summary="@SUM(1,2)""#)
        _ = try d.send(#"action=resolve id=f2 cause="+1, \"quoted\"" by=-ops"#)
        let csv = try d.ctl(["export"]).stdout
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "incident,id,kind,began,summary,level,recovered,cause,responsible")
        #expect(lines[1].contains(",'=cmd|' /C calc'!A0,"))
        #expect(lines[2].contains(#","'@SUM(1,2)","#))
        #expect(lines[2].hasSuffix(#","'+1, ""quoted""",'-ops"#))
        let parsed = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin))))"], stdin: csv)
        let rows = try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]]
        #expect(rows?.count == 3)
        #expect(rows?[2][7] == #"'+1, "quoted""#)
    }

    @Test("the socket is mode 0660: a client of another uid, not in the group, is refused; the submitter's uid and pid are recorded")
    func socketPermissions() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        var st = stat()
        #expect(stat(d.socketPath, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o660)
        chmod(d.root.path, 0o755)
        let script = "import socket; s=socket.socket(socket.AF_UNIX); s.connect('\(d.socketPath)'); print('connected')"
        let other = try Binaries.run(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "nobody", "--", "python3", "-c", script])
        #expect(other.status != 0)
        #expect(other.stderr.contains("PermissionError"))
        _ = try d.send("kind=fault id=who")
        let show = try d.ctl(["show", "who"]).stdout
        #expect(show.contains("(socket, uid 0, pid "))
    }
}
