import Foundation
import Testing
import TocsinCore
@testable import TocsinClient
import TocsinDaemon
@testable import TocsinStore
@testable import TocsinSystem

@Suite("Paths and the rules directory")
struct ConfigurationTests {
    @Test("defaults of SPEC §2, each overridden by TOCSIN_<NAME>")
    func paths() {
        #expect(TocsinPaths.fromEnvironment([:]) == TocsinPaths.defaults)
        #expect(TocsinPaths.defaults.rules == "/etc/tocsin/rules")
        #expect(TocsinPaths.defaults.socket == "/run/tocsin/events.sock")
        let paths = TocsinPaths.fromEnvironment([
            "TOCSIN_RULES": "/r", "TOCSIN_SPOOL": "/sp", "TOCSIN_SOCKET": "/so", "TOCSIN_STATE": "/st",
            "TOCSIN_SENDMAIL": "/sm", "TOCSIN_MAIL_DROP": "/md",
        ])
        #expect(paths == TocsinPaths(rules: "/r", spool: "/sp", socket: "/so", state: "/st", sendmail: "/sm", mailDrop: "/md"))
    }

    @Test("every *.rules file is read in name order; other files are ignored")
    func directory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "rule r\n  match kind=fault\n  after 1m notify a\n".write(to: dir.appendingPathComponent("20-rules.rules"), atomically: true, encoding: .utf8)
        try "contact a mail a@example.org\n".write(to: dir.appendingPathComponent("10-contacts.rules"), atomically: true, encoding: .utf8)
        try "garbage".write(to: dir.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        let compilation = try RuleDirectory.load(dir.path)
        #expect(compilation.diagnostics.isEmpty)
        #expect(RuleDirectory.summary(compilation) == "2 files, 1 rule, 1 contact, 0 reports")
    }

    @Test("a missing directory and an empty one are clear errors")
    func missing() throws {
        #expect(throws: RuleDirectory.LoadError.self) { try RuleDirectory.load("/nonexistent/tocsin") }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        do {
            _ = try RuleDirectory.load(empty.path)
            Issue.record("an empty directory loaded")
        } catch {
            #expect(error.description == "no *.rules files in '\(empty.path)'")
        }
    }
}
