import Foundation
import TocsinCore

/// Drives an `EscalationEngine` on a manual clock and keeps every message it sends.
struct EngineHarness {
    var engine: EscalationEngine
    var now: Timestamp
    var sent: [OutboundMessage] = []
    var held: [HeldMessage] = []
    var actions: [EngineAction] = []

    /// 2026-11-23T09:00:00+08:00.
    static let morning = RFC3339.parse("2026-11-23T09:00:00+08:00")!

    init(rules: RuleSet, start: Timestamp = EngineHarness.morning) {
        engine = EscalationEngine(rules: rules, composer: MessageComposer(idPrefix: "t", idDomain: "test"), now: start)
        now = start
    }

    init(_ text: String, start: Timestamp = EngineHarness.morning) {
        self.init(rules: Rules.compile(text), start: start)
    }

    /// Submits an event written in logfmt at the current time.
    @discardableResult
    mutating func submit(_ line: String) -> Result<Receipt, EngineError> {
        let event = try! EventParser.parse(line, now: now)
        switch engine.receive(event, now: now) {
        case .success(let (receipt, actions)):
            collect(actions)
            return .success(receipt)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Moves the clock to `target`, ticking at every wake-up on the way.
    mutating func advance(to target: Timestamp) {
        while let wake = engine.nextWake, wake <= target {
            now = max(now, wake)
            collect(engine.tick(now: now))
        }
        now = max(now, target)
        collect(engine.tick(now: now))
    }

    mutating func advance(by duration: RuleDuration) { advance(to: now + duration) }

    mutating func collect(_ new: [EngineAction]) {
        actions += new
        for action in new {
            switch action {
            case .send(let message): sent.append(message)
            case .release(_, let message): sent.append(message)
            case .hold(let h): held.append(h)
            default: break
            }
        }
    }

    /// Takes the messages sent so far as "+offset contact purpose" lines, and forgets them.
    mutating func drain(since start: Timestamp = EngineHarness.morning) -> [String] {
        defer { sent = [] }
        return sent.map { "+\(($0.created - start).description) \($0.contact) \($0.purpose.rawValue)" }
    }

    var stepsFired: [StepFiring] {
        actions.compactMap { if case .stepFired(_, let f) = $0 { f } else { nil } }
    }
}

enum Rules {
    static func compile(_ text: String) -> RuleSet {
        let compilation = RuleCompiler.compile(text, name: "test.rules")
        guard let set = compilation.ruleSet else {
            fatalError("test rules do not compile:\n" + compilation.renderedDiagnostics())
        }
        return set
    }

    /// The rules shipped in the repository's rules/ folder.
    static var shipped: RuleSet {
        let compilation = RuleCompiler.compile(shippedFiles)
        guard let set = compilation.ruleSet else { fatalError(compilation.renderedDiagnostics()) }
        return set
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var shippedFiles: [SourceFile] {
        let dir = repository.appendingPathComponent("rules")
        let names = try! FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".rules") }.sorted()
        return names.map { SourceFile(name: "rules/" + $0, text: try! String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
    }
}
