import Foundation
import Testing
import TocsinCore

/// The rule index keeps first-match order: against a plain walk of the rules in file order,
/// on random rule sets and events.
@Suite("Rule matching by index")
struct RuleIndexTests {
    @Test("rule(for:) equals the first rule in file order whose match holds, on 200 random policies")
    func differential() {
        var g = SplitMix(seed: 42)
        let fields = ["kind", "system", "severity", "branch", "urgency"]
        let values = ["a", "b", "c", "d", "1", "2", "3"]
        func pick<T>(_ items: [T]) -> T { items[Int(g.next() % UInt64(items.count))] }
        for trial in 0..<200 {
            var text = "contact x mail x@example.com\n"
            for r in 0..<Int(1 + g.next() % 12) {
                text += "rule r\(r)\n"
                for _ in 0..<Int(1 + g.next() % 2) {
                    var line: [String] = []
                    for _ in 0..<Int(1 + g.next() % 3) {
                        let field = pick(fields)
                        switch g.next() % 5 {
                        case 0: line.append("\(field)!=\(pick(values))")
                        case 1: line.append("\(field)~^[ab]")
                        case 2: line.append("\(field)=\(pick(values)),\(pick(values))")
                        default: line.append("\(field)=\(pick(values))")
                        }
                    }
                    text += "  match " + line.joined(separator: " ") + "\n"
                }
                text += "  after 1m notify x\n"
            }
            guard let rules = RuleCompiler.compile(text, name: "t.rules").ruleSet else { continue }
            for _ in 0..<50 {
                var event = Event(fields: [])
                for field in fields where g.next() % 3 != 0 { event.set(field, pick(values)) }
                let walked = rules.rules.first { $0.matches(event) }?.name
                #expect(rules.rule(for: event)?.name == walked, "trial \(trial): \(event.logfmt)\n\(text)")
            }
        }
    }
}
