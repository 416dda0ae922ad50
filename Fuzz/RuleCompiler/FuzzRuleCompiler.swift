/// libFuzzer target: any text as a rule file. Properties: it never crashes; every
/// diagnostic renders (with its caret) inside the file; rules exist only without errors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleCompiler(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let compilation = RuleCompiler.compile(text, name: "fuzz.rules")
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).count
    for diagnostic in compilation.diagnostics {
        if diagnostic.location.line < 1 || diagnostic.location.line > lines { fatalError("line out of range: \(diagnostic.headline)") }
        _ = diagnostic.rendered(sources: compilation.sources)
    }
    if (compilation.ruleSet != nil) == compilation.diagnostics.containsErrors { fatalError("rule set and errors disagree") }
    if let rules = compilation.ruleSet, let event = try? EventParser.parse("kind=fault severity=2 id=x summary=s", now: Timestamp(seconds: 0)) {
        var engine = EscalationEngine(rules: rules, now: Timestamp(seconds: 0))
        _ = engine.receive(event, now: Timestamp(seconds: 0))
        _ = engine.tick(now: Timestamp(seconds: 86_400 * 3))
    }
    return 0
}
