import Foundation
import Testing
import TocsinCore

@testable import TocsinDaemon
@testable import TocsinStore

/// An in-memory spool: files by name, and the names recorded as applied.
final class MemorySpool: SpoolFiles {
    var files: [String: [UInt8]] = [:]
    var appliedBefore: Set<String> = []
    private(set) var released: [String] = []

    func read(_ name: String) -> SpoolWatcher.Read {
        guard let bytes = files[name] else { return .gone }
        return .file(SpoolWatcher.File(name: name, bytes: bytes, digest: Int64(bytes.count)))
    }
    func release(_ name: String) { released.append(name) }
    func waitForRest(_ name: String, now: Int64) -> Int64 { 0 }
    func takeDeleted() -> [String] { [] }
    func applied(name: String, digest: Int64) throws(StoreError) -> Bool { appliedBefore.contains(name) }
}

/// The round pipeline on a manual clock, with an in-memory spool and the in-memory twin of
/// the store writer: what a round decides, and that nothing of it is said before its commit.
@Suite("The round pipeline, on a manual clock against in-memory twins")
struct RoundPipelineTests {
    static let start = RFC3339.parse("2026-12-04T09:00:00+08:00")!

    static func pipeline(_ text: String) throws -> RoundPipeline {
        let rules = try #require(RuleCompiler.compile(text, name: "test.rules").ruleSet)
        let composer = MessageComposer(idPrefix: "tocsin.t", idDomain: "test")
        return RoundPipeline(
            engine: EscalationEngine(rules: rules, composer: composer, now: start), rules: rules,
            replyProof: ReplyProof(key: Array("a reply key of thirty-two bytes!".utf8), idPrefix: composer.idPrefix),
            replyKeys: [], spoolGrace: .seconds(60))
    }

    static let rules = """
        set storm-window 0s
        contact lead mail lead@branch.example
        contact boss mail boss@branch.example
        rule fault
          match kind=fault
          after 0m notify lead
          after 30m notify boss
        """

    static func line(_ text: String, connection: UInt64 = 1) -> EventSocketServer.Line {
        EventSocketServer.Line(connection: connection, bytes: Array(text.utf8), uid: 0, pid: 1, framingError: nil)
    }

    @Test("socket lines and a spool file become one batch and the effects of one round; status is answered in its place")
    func linesAndSpool() throws {
        let p = try Self.pipeline(Self.rules)
        let spool = MemorySpool()
        spool.files["a.events"] = Array("kind=fault id=s1 summary=spooled\n".utf8)
        let effects = try p.run(
            lines: [Self.line("kind=fault id=f1"), Self.line("status", connection: 2), Self.line("kind=fault severity=x", connection: 3)],
            spoolNames: ["a.events"], outcomes: [], spool: spool, now: Self.start, status: { "ok status open=?" })
        #expect(effects.replies.map(\.0) == [1, 2, 3])
        #expect(effects.replies[0].1 == "ok incident=1 id=f1 state=open")
        #expect(effects.replies[1].1 == "ok status open=?")
        #expect(effects.replies[2].1.hasPrefix("error reason="))
        #expect(effects.spoolApplied == ["a.events"])
        #expect(effects.outbox.map(\.message.contact) == ["lead", "lead"], "the 0m step of both incidents")
        #expect(!p.batch.isEmpty)
        #expect(p.engine.openCount == 2)
    }

    @Test("a spool file applied before a crash is only deleted; a bad one goes to failed/ whole")
    func spoolOnceAndWhole() throws {
        let p = try Self.pipeline(Self.rules)
        let spool = MemorySpool()
        spool.files["done.events"] = Array("kind=fault id=d1\n".utf8)
        spool.appliedBefore = ["done.events"]
        spool.files["bad.events"] = Array("kind=fault id=b1\naction=resolve id=nobody\n".utf8)
        let effects = try p.run(lines: [], spoolNames: ["done.events", "bad.events"], outcomes: [], spool: spool, now: Self.start, status: { "ok status" })
        #expect(effects.spoolApplied == ["done.events"])
        #expect(effects.spoolFailed.map(\.0) == ["bad.events"])
        #expect(effects.spoolFailed.first?.1.contains("event 2: cannot resolve \"nobody\"") == true)
        #expect(p.engine.openCount == 0, "nothing of the bad file was applied")
    }

    @Test("timers on the manual clock: the 30m step fires in the round at 30 minutes, not before")
    func timers() throws {
        let p = try Self.pipeline(Self.rules)
        let spool = MemorySpool()
        _ = try p.run(lines: [Self.line("kind=fault id=f1")], spoolNames: [], outcomes: [], spool: spool, now: Self.start, status: { "ok status" })
        let early = try p.run(lines: [], spoolNames: [], outcomes: [], spool: spool, now: Self.start + .minutes(29), status: { "ok status" })
        #expect(early.outbox.isEmpty)
        let due = try p.run(lines: [], spoolNames: [], outcomes: [], spool: spool, now: Self.start + .minutes(30), status: { "ok status" })
        #expect(due.outbox.map(\.message.contact) == ["boss"])
        #expect(due.journal.contains { $0.message.contains("step 2 of fault fired: boss") })
    }

    @Test("with the writer twin: a round's replies go out only after its commit; a failed commit acknowledges nothing")
    func replyAfterCommit() throws {
        let p = try Self.pipeline(Self.rules)
        let spool = MemorySpool()
        let writer = MemoryCommitter()
        var commits = RoundCommits(maxInFlight: 2)
        func submit(_ effects: RoundEffects, connections: [UInt64]) -> [RoundCommits.Settled] {
            let round = InFlightRound(sequence: 0, effects: effects, connections: connections, spoolNames: [], outcomes: [])
            let batch = p.batch
            p.batch = StoreBatch()
            return commits.submit(round, batch: batch, to: writer).settled
        }
        let first = try p.run(lines: [Self.line("kind=fault id=f1", connection: 7)], spoolNames: [], outcomes: [], spool: spool, now: Self.start, status: { "ok status" })
        #expect(submit(first, connections: [7]).isEmpty, "not committed: nothing said yet")
        writer.commit(1)
        #expect(RoundCommitsTests.replies(commits.complete(writer).settled) == ["ok incident=1 id=f1 state=open"])

        let second = try p.run(lines: [Self.line("kind=fault id=f2", connection: 8)], spoolNames: [], outcomes: [], spool: spool, now: Self.start + .seconds(1), status: { "ok status" })
        #expect(submit(second, connections: [8]).isEmpty)
        writer.failNext()
        writer.commit(1)
        let outcome = commits.complete(writer)
        #expect(outcome.failed)
        #expect(RoundCommitsTests.replies(outcome.settled) == ["error 8"], "the failed round's client gets an error, never its ok")
    }
}
