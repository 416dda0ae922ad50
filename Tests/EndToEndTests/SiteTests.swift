import Foundation
import Testing

/// `set site` (SPEC §20): a head office tells branches apart by TOCSIN_SITE in the journal
/// and X-Tocsin-Site in mail.
@Suite("set site", .serialized)
struct SiteTests {
    @Test("every journal entry carries TOCSIN_SITE, every mail X-Tocsin-Site")
    func siteEverywhere() throws {
        let d = try DaemonProcess(rules: """
            set site BJ-001
            set storm-window 0s
            contact ops mail ops@example.org
            rule r
              match kind=fault
              after 0m notify ops
            """)
        try d.start()
        #expect(try d.send("kind=fault id=site-1") == "ok incident=1 id=site-1 state=open")
        #expect(eventually(10) { !d.mails().isEmpty })
        let mail = try #require(d.mails().first)
        #expect(header("X-Tocsin-Site", in: mail) == "BJ-001")
        d.stop()
        let all = d.journalEntries()
        let tagged = d.journalEntries(["TOCSIN_SITE=BJ-001"])
        #expect(!all.isEmpty, "no journal entries (is journald running?)")
        #expect(tagged.count == all.count, "\(all.count - tagged.count) entries without TOCSIN_SITE")
    }

    @Test("a site that is not a word is an error naming it")
    func badSite() throws {
        let dir = Binaries.temporaryDirectory("site")
        try "set site \"北京 001\"\ncontact a mail a@x.example\n".write(to: dir.appendingPathComponent("s.rules"), atomically: true, encoding: .utf8)
        let r = try Binaries.tocsinctl(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("error: site is a word of letters, digits, '-', '_' and '.' (at most 64), e.g. BJ-001, got '北京 001'"), "\(r.stdout)")
    }
}
