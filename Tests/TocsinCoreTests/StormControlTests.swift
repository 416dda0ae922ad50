import Foundation
import Testing
import TocsinCore

private let stormRules = """
    set storm-window 60s
    contact manager mail m@example.org
    contact lead mail l@example.org
    rule fault
      match kind=fault
      after 0m notify manager
    rule urgent
      match kind=complaint
      after 0m notify manager lead
    """

@Suite("Storm control (SPEC §8)")
struct StormControlTests {
    @Test("5,000 faults at once: one mail at once, one digest at the window's end")
    func outage() {
        var h = EngineHarness(stormRules)
        for i in 0..<5000 { h.submit("kind=fault id=f\(i)") }
        #expect(h.drain() == ["+0m manager step"])
        #expect(h.held.count == 4999)
        // Past the digest's list, a held message is only counted: no subject is composed.
        #expect(h.held.prefix(MessageComposer.digestListLimit).allSatisfy { !$0.message.subject.isEmpty })
        let counted = h.held.dropFirst(MessageComposer.digestListLimit)
        #expect(counted.allSatisfy { $0.message.subject.isEmpty && $0.message.messageID.isEmpty && $0.message.incident != nil })
        // Never sent on its own, a counted message starts no thread: the incident's next
        // message, sent alone, will.
        #expect(counted.allSatisfy { h.engine.incident(number: $0.message.incident!)?.threadRoot == nil })
        #expect(h.held.prefix(MessageComposer.digestListLimit).allSatisfy { !$0.message.messageID.isEmpty })
        h.advance(by: .seconds(59))
        #expect(h.drain().isEmpty)
        h.advance(by: .seconds(1))
        let digest = h.sent.first
        #expect(h.drain() == ["+1m manager digest"])
        #expect(digest?.incidents.count == 4999)
        #expect(digest?.subject.hasPrefix("[Tocsin] 4999 escalations for fault") == true)
        // The digest lists the first 200 by subject and counts the rest.
        let listed = digest?.body.split(separator: "\n").filter { $0.hasPrefix("- ") } ?? []
        #expect(listed.count == 201)
        #expect(listed.first?.contains("f1") == true)
        #expect(listed.dropLast().last?.contains("f200") == true)
        #expect(listed.last == "- … and 4799 more: tocsinctl list --open")
        h.advance(by: .minutes(10))
        #expect(h.drain().isEmpty)
    }

    @Test("an urgent complaint is never held back by a storm of faults")
    func urgentNotHeld() {
        var h = EngineHarness(stormRules)
        for i in 0..<100 { h.submit("kind=fault id=f\(i)") }
        _ = h.drain()
        h.advance(by: .seconds(5))
        h.submit("kind=complaint id=c1")
        #expect(h.drain().sorted() == ["+5s lead step", "+5s manager step"])
    }

    @Test("a storm that goes on is gathered window after window")
    func continuingStorm() {
        var h = EngineHarness(stormRules)
        for second in 0..<180 {
            h.advance(to: EngineHarness.morning + .seconds(Int64(second)))
            h.submit("kind=fault id=f\(second)")
        }
        h.advance(by: .minutes(5))
        #expect(h.drain() == ["+0m manager step", "+1m manager digest", "+2m manager digest", "+3m manager digest"])
    }

    @Test("messages held for a contact a reload removed still go out, to the address they were held for")
    func heldForRemovedContact() {
        var h = EngineHarness(stormRules)
        for i in 0..<3 { h.submit("kind=fault id=f\(i)") }
        #expect(h.drain() == ["+0m manager step"])
        let without = Rules.compile(
            stormRules.replacingOccurrences(of: "contact manager mail m@example.org\n", with: "")
                .replacingOccurrences(of: "notify manager", with: "notify lead"))
        h.collect(h.engine.reload(without, now: h.now))
        _ = h.drain()
        h.advance(by: .seconds(60))
        let digest = h.sent.first { $0.contact == ContactName("manager") }
        #expect(digest?.purpose == .digest)
        #expect(digest?.channel == .mail(["m@example.org"]))
        #expect(digest?.incidents.count == 2)
        #expect(h.engine.heldCount == 0)
    }

    @Test("a single held message goes out as itself, not as a digest")
    func singleHeld() {
        var h = EngineHarness(stormRules)
        h.submit("kind=fault id=a")
        h.advance(by: .seconds(10))
        h.submit("kind=fault id=b")
        h.advance(by: .seconds(60))
        #expect(h.drain() == ["+0m manager step", "+1m manager step"])
    }

    @Test("two urgent complaints 2 s apart under 'storm off': the second reaches everyone at once too")
    func stormOffRule() {
        let rules = stormRules.replacingOccurrences(of: "after 0m notify manager lead", with: "after 0m notify manager lead\n  storm off")
        var h = EngineHarness(rules)
        h.submit("kind=complaint id=c1")
        h.advance(by: .seconds(2))
        h.submit("kind=complaint id=c2")
        #expect(h.drain().sorted() == ["+0m lead step", "+0m manager step", "+2s lead step", "+2s manager step"])
        #expect(h.held.isEmpty)
        // Without it, the second waits for the window's end.
        var gathered = EngineHarness(stormRules)
        gathered.submit("kind=complaint id=c1")
        gathered.advance(by: .seconds(2))
        gathered.submit("kind=complaint id=c2")
        #expect(gathered.drain().sorted() == ["+0m lead step", "+0m manager step"])
    }

    @Test("the shipped urgent complaint and media rules are 'storm off'")
    func shippedRules() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        let text = try String(contentsOf: directory.appendingPathComponent("20-complaints.rules"), encoding: .utf8)
        let compiled = RuleCompiler.compile(
            "contact shift-lead mail a@x.example\ncontact centre-manager mail b@x.example\ncontact dept-head mail c@x.example\ncontact duty-officer mail d@x.example\n" + text)
        let rules = try #require(compiled.ruleSet).rules
        #expect(rules.filter(\.stormOff).map(\.name.rawValue) == ["complaint-urgent", "media"])
    }

    @Test("'storm' takes only 'off'")
    func stormSyntax() {
        let out = RuleCompiler.compile("contact a mail a@x.example\nrule r\n  match kind=x\n  after 0m notify a\n  storm on\n", name: "t.rules")
            .renderedDiagnostics()
        #expect(out.hasPrefix("t.rules:5:3: error: expected 'storm off' (this rule's messages are never held by storm control)"))
    }
}
