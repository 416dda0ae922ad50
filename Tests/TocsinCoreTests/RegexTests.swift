import Foundation
import Testing
import TocsinCore

@Suite("Rule patterns: linear-time matching, RE2 syntax")
struct RegexTests {
    /// Whether the pattern matches, or the refusal's text.
    func search(_ pattern: String, _ text: String) -> Bool { (try? Pattern(pattern))?.matches(text) ?? false }
    func searchBytes(_ pattern: String, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { (try? Pattern(pattern))?.matches(utf8: $0) ?? false }
    }

    @Test("the patterns that hang a backtracking engine answer, and correctly")
    func catastrophicPatterns() {
        let poison = String(repeating: "a", count: 22) + "b"
        #expect(!search("(a+)+$", poison))
        #expect(search("(a+)+b", poison))
        #expect(!search("(a|aa)*c", String(repeating: "a", count: 5_000)))
        #expect(!search("(x+x+)+y", String(repeating: "x", count: 5_000)))
        let big = String(repeating: "core ", count: 13_000) + "up"
        #expect(!search("core.*down", big))
        #expect(search("core.*up$", big))
        #expect(!search("^(a?){30}a{30}$", String(repeating: "a", count: 29)))
        #expect(search("^(a?){30}a{30}$", String(repeating: "a", count: 30)))
    }

    @Test("anchors, classes, counts, flags and Chinese text")
    func syntax() {
        #expect(search("^teller-[0-9]+$", "teller-17"))
        #expect(!search("^teller-[0-9]+$", "teller-17a"))
        #expect(search("\\bdown\\b", "core down now"))
        #expect(!search("\\bdown\\b", "slowdown"))
        #expect(search("(?i)CORE", "core banking"))
        #expect(!search("CORE", "core banking"))
        #expect(search("(?i:c)ORE", "cORE"))
        #expect(!search("(?i:c)ORE", "core"))
        #expect(search("核心.*(无法|不能)登录", "核心系统无法登录"))
        #expect(search("^[\u{4E00}-\u{9FFF}]{2}$", "投诉"))
        #expect(!search("^[^投]", "投诉"))
        #expect(search("a{2,3}", "caab"))
        #expect(!search("^a{2,3}$", "aaaa"))
        #expect(search("x{", "x{"))
        #expect(search("\\x{6838}心", "核心"))
        #expect(search("(?P<n>ab)+c", "ababc"))
        #expect(search("", "anything"))
        #expect(search("^$", ""))
        #expect(search("a|", "b"))
        #expect(search("[]a]", "]"))
        #expect(search("[a-]", "-"))
    }

    @Test("a search that skips to where a match can start gives the same answers")
    func skipsToFirstScalars() {
        let cases: [(String, String, Bool)] = [
            ("(core|核心).*(down|无法登录)$", "bench event 12345", false),
            ("(core|核心).*(down|无法登录)$", "支行核心系统无法登录", true),
            ("(core|核心).*(down|无法登录)$", "core-1 down", true),
            ("\\bcore", "hardcore", false),  // the word boundary is judged on the skipped text
            ("\\bcore", "the core", true),
            ("(?i)CORE", "the Core is down", true),
            ("(a|b)?c", "xxc", true),
            ("x*y", "aaay", true),
            ("a|", "zzz", true),  // matches the empty text: nothing is skipped
            ("(^|,)ab", "x,ab", true),
            ("(^|,)ab", "xab", false),
            ("[^a]b", "aab", false),
            ("[^a]b", "aaxb", true),
            ("b$", "ab", true),
            ("终端", "", false),
        ]
        for (pattern, text, expected) in cases {
            #expect(search(pattern, text) == expected, "/\(pattern)/ on \"\(text)\"")
            #expect(searchBytes(pattern, Array(text.utf8)) == expected, "/\(pattern)/ on the bytes of \"\(text)\"")
        }
        // Ill-formed bytes read as U+FFFD, as a string made of them reads them.
        #expect(searchBytes("a\u{FFFD}b", [0x61, 0xFF, 0x62]))
        #expect(searchBytes("^.{3}$", [0x61, 0xE6, 0x62]))
    }

    @Test("a pattern that needs backtracking is refused with the reason")
    func refusals() {
        func refusal(_ pattern: String) -> String {
            do {
                _ = try Pattern(pattern)
                return "compiled"
            } catch {
                return error.description
            }
        }
        #expect(refusal("(a)\\1") == "backreferences like \\1 are not supported: patterns run in time linear in the text (at character 4 of the pattern)")
        #expect(refusal("a(?=b)") == "lookahead (?=…) is not supported: patterns run in time linear in the text (at character 2 of the pattern)")
        #expect(refusal("(?<!a)b") == "lookbehind is not supported: patterns run in time linear in the text (at character 1 of the pattern)")
        #expect(refusal("a{1001}") == "a repetition count is at most 1000 (at character 2 of the pattern)")
        #expect(refusal("(a{1000}){1000}").hasPrefix("the pattern is too large once its repetitions are expanded"))
        #expect(refusal("(unclosed") == "missing ')' for the '(' here (at character 1 of the pattern)")
        #expect(refusal("a)") == "unmatched ')' (at character 2 of the pattern)")
        #expect(refusal("a**") == "a repetition operator cannot follow another (write (…)* to repeat a repetition) (at character 3 of the pattern)")
        #expect(refusal("*a") == "nothing to repeat before '*' (write \\* for the character) (at character 1 of the pattern)")
        #expect(refusal("[z-a]") == "bad range in a class: the end comes before the start (at character 3 of the pattern)")
        #expect(refusal("\\p{Han}").hasPrefix("Unicode classes (\\p{…}) are not supported"))
    }

    @Test("rule check reports a refused pattern at its place in the file")
    func checkDiagnostic() {
        let text = """
            contact a mail a@example.org
            rule r
              match summary~(a)\\1
              after 10m notify a
            """
        let out = RuleCompiler.compile(text, name: "rules/faults.rules").renderedDiagnostics()
        #expect(out.hasPrefix("""
            rules/faults.rules:3:9: error: bad regular expression '(a)\\1': backreferences like \\1 are not supported: \
            patterns run in time linear in the text (at character 4 of the pattern)
            """))
    }

    /// Random patterns and texts over a small alphabet, matched here and by Python's `re`
    /// (an independent engine; ASCII mode so `\w`, `\d`, `\b` mean what they mean in RE2).
    @Test("agrees with Python's re on 3,000 random patterns and texts")
    func differential() throws {
        var generator = SplitMix(seed: 20261204)
        var cases: [(String, String)] = []
        for _ in 0..<3_000 {
            let pattern = randomPattern(&generator, depth: 0)
            let text = String((0..<Int(generator.next() % 12)).map { _ in "abc- 1"[Int(generator.next() % 6)] })
            cases.append((pattern, text))
        }
        let payload = try JSONSerialization.data(withJSONObject: cases.map { [$0.0, $0.1] })
        let script = """
            import sys, json, re
            out = []
            for p, t in json.load(sys.stdin):
                out.append(re.search(p, t, re.ASCII) is not None)
            print(json.dumps(out))
            """
        let data = try PythonScript.run(script, input: payload)
        let python = try #require(try JSONSerialization.jsonObject(with: data) as? [Bool])
        #expect(python.count == cases.count)
        var disagreements: [String] = []
        for (index, (pattern, text)) in cases.enumerated() where index < python.count {
            let ours = try Pattern(pattern).matches(text)
            if ours != python[index] { disagreements.append("/\(pattern)/ on \"\(text)\": ours \(ours), Python \(python[index])") }
            let onBytes = searchBytes(pattern, Array(text.utf8))
            if onBytes != python[index] { disagreements.append("/\(pattern)/ on the bytes of \"\(text)\": ours \(onBytes), Python \(python[index])") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    private func randomPattern(_ g: inout SplitMix, depth: Int) -> String {
        let atoms = ["a", "b", "c", ".", "[ab]", "[^a]", "\\d", "\\w", "\\s", "-", "[a-c]", "^", "$", "\\b"]
        var out = ""
        for _ in 0..<(1 + Int(g.next() % 4)) {
            var atom: String
            if depth < 2 && g.next() % 5 == 0 {
                atom = "(" + randomPattern(&g, depth: depth + 1) + (g.next() % 2 == 0 ? "|" + randomPattern(&g, depth: depth + 1) : "") + ")"
            } else {
                atom = atoms[Int(g.next() % UInt64(atoms.count))]
            }
            let quantifiable = !["^", "$", "\\b"].contains(atom)
            if quantifiable {
                atom += ["", "", "*", "+", "?", "{2}", "{1,2}", "{0,}"][Int(g.next() % 8)]
            }
            out += atom
        }
        return out
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    fileprivate subscript(_ index: Int) -> Character { self[self.index(startIndex, offsetBy: index)] }
}
