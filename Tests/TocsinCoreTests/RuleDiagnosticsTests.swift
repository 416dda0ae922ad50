import Foundation
import Testing
import TocsinCore

@Suite("Rule language diagnostics (exact text)")
struct RuleDiagnosticsTests {
    func check(_ text: String) -> String {
        RuleCompiler.compile(text, name: "rules/faults.rules").renderedDiagnostics()
    }

    @Test("every error in one pass, compiler-style, with the line and a caret")
    func everyErrorInOnePass() {
        let text = """
            set timezone Asia/Shanghia
            set mail-form "x <x@example.org>"
            contact dept-head mail li.na@example.org
            contact dept-head mail other@example.org
            contact sms exec send-sms
            rule fault-major
              match kind=fault severity<=two
              after 30x notify dept-head
              after 60m notify dept-haed
            rule fault-major
              match summary~"(unclosed"
              after 10m notify dept-head
            report daily 25:00 notify dept-head
            """
        let out = check(text)
        #expect(
            out.hasPrefix("""
                rules/faults.rules:1:14: error: unknown timezone 'Asia/Shanghia' (did you mean 'Asia/Shanghai'?)
                set timezone Asia/Shanghia
                             ^~~~~~~~~~~~~
                rules/faults.rules:2:5: error: unknown setting 'mail-form' (did you mean 'mail-from'?)
                set mail-form "x <x@example.org>"
                    ^~~~~~~~~
                rules/faults.rules:4:9: error: duplicate contact 'dept-head'
                contact dept-head mail other@example.org
                        ^~~~~~~~~
                rules/faults.rules:3:9: note: 'dept-head' first defined here
                contact dept-head mail li.na@example.org
                        ^~~~~~~~~
                rules/faults.rules:5:18: error: 'send-sms' must be an absolute path: tocsind runs it directly, without a shell or PATH
                contact sms exec send-sms
                                 ^~~~~~~~
                rules/faults.rules:7:20: error: '<=' compares numbers: 'two' is not a number
                  match kind=fault severity<=two
                                   ^~~~~~~~~~~~~
                rules/faults.rules:8:9: error: bad duration '30x': write a number and a unit (d, h, m, s), e.g. 0m, 90s, 15m, 1h30m, 2d
                  after 30x notify dept-head
                        ^~~
                rules/faults.rules:9:20: error: unknown contact 'dept-haed' (did you mean 'dept-head'?)
                  after 60m notify dept-haed
                                   ^~~~~~~~~
                rules/faults.rules:10:6: error: duplicate rule 'fault-major'
                rule fault-major
                     ^~~~~~~~~~~
                rules/faults.rules:6:6: note: 'fault-major' first defined here
                rule fault-major
                     ^~~~~~~~~~~

                """))
        #expect(out.contains("rules/faults.rules:11:9: error: bad regular expression '(unclosed'"))
        #expect(out.contains("rules/faults.rules:13:14: error: bad time of day '25:00'"))
        #expect(RuleCompiler.compile(text).diagnostics.errorCount == 10)
    }

    @Test("the regex and time-of-day errors of the same file are reported too")
    func regexAndTime() {
        let out = check("""
            contact a mail a@example.org
            rule r
              match summary~"(unclosed"
              after 10m notify a
            report daily 25:00 notify a
            """)
        #expect(out.contains("rules/faults.rules:3:9: error: bad regular expression '(unclosed': "))
        #expect(out.contains("""
            rules/faults.rules:5:14: error: bad time of day '25:00': write HH:MM on the 24-hour clock, e.g. 17:00
            report daily 25:00 notify a
                         ^~~~~
            """))
    }

    @Test("misspelled keywords get 'did you mean'")
    func keywords() {
        #expect(check("""
            contact a mail a@example.org
            rule r
              mach kind=fault
              after 1m notfy a
            """) == """
            rules/faults.rules:2:6: error: rule 'r' has no 'match' line, so it can never take an incident
            rule r
                 ^
            rules/faults.rules:2:6: error: rule 'r' has no step: add one, e.g. 'after 30m notify CONTACT'
            rule r
                 ^
            rules/faults.rules:3:3: error: unknown statement 'mach' (did you mean 'match'?)
              mach kind=fault
              ^~~~
            rules/faults.rules:4:12: error: expected 'notify' after the duration, got 'notfy'
              after 1m notfy a
                       ^~~~~

            """)
    }

    @Test("steps out of order and a shadowed rule are warnings; the rules still load")
    func warnings() {
        let compilation = RuleCompiler.compile("""
            contact a mail a@example.org
            rule all-faults
              match kind=fault
              after 30m notify a
              after 15m notify a
            rule severe-faults
              match kind=fault severity=1
              after 5m notify a
            """, name: "r.rules")
        #expect(compilation.ruleSet != nil)
        #expect(compilation.renderedDiagnostics() == """
            r.rules:5:9: warning: step 'after 15m' comes after a later step ('after 30m'): steps fire by time, not by order
              after 15m notify a
                    ^~~
            r.rules:6:6: warning: rule 'severe-faults' can never match: rule 'all-faults' comes first and takes every incident it would
            rule severe-faults
                 ^~~~~~~~~~~~~
            r.rules:2:1: note: 'all-faults' is defined here
            rule all-faults
            ^~~~

            """)
    }

    @Test("regression (fuzzer): a combining mark at the start of a line does not shift line numbers")
    func combiningMarkLineNumbers() {
        let out = check("# comment\n\u{0301}x\nbogus here\n")
        #expect(out.contains("rules/faults.rules:3:1: error: unknown statement 'bogus'"))
    }

    @Test("the caret lines up under Chinese text")
    func caretAfterChinese() {
        let out = check("""
            contact a mail a@example.org
            rule r
              match kind=fault
              after 1m notify a
              subject "故障 {summary" 
            set 时区 x
            """)
        #expect(out.contains("""
            rules/faults.rules:6:5: error: unknown setting '时区'
            set 时区 x
                ^~~~
            """))
        #expect(out.contains("rules/faults.rules:5:11: error: bad subject template: '{summary' has no closing '}'"))
    }

    @Test("an unterminated string and a matcher with spaces around '=' are named outright")
    func commonMistakes() {
        let out = check("""
            contact a mail a@example.org
            rule r
              match kind = fault
              after 1m notify a
              subject "oops
            """)
        #expect(out.contains("rules/faults.rules:3:9: error: 'kind' is not a matcher: write FIELD=VALUE (no spaces around the operator), e.g. kind=VALUE"))
        #expect(out.contains("rules/faults.rules:5:11: error: unterminated string: add a closing '\"'"))
    }

    @Test("statements outside a rule, bad settings values, unknown contact types")
    func misc() {
        let out = check("""
            after 5m notify a
            set storm-window soon
            contact a page a@example.org
            contact b mail not-an-address
            report weekly 17:00 notify b
            rule r
              match kind=fault
              after 1m notify a
              repeat 0s
            """)
        #expect(out.contains("rules/faults.rules:1:1: error: 'after' must be inside a rule block (after a 'rule NAME' line)"))
        #expect(out.contains("rules/faults.rules:2:18: error: bad duration 'soon'"))
        #expect(out.contains("rules/faults.rules:3:11: error: unknown contact type 'page': use 'mail' or 'exec'"))
        #expect(out.contains("rules/faults.rules:4:16: error: 'not-an-address' is not a mail address (local@domain)"))
        #expect(out.contains("rules/faults.rules:5:8: error: unknown report schedule 'weekly': only 'daily' is supported"))
        #expect(out.contains("rules/faults.rules:9:10: error: 'repeat' needs an interval of at least 1s"))
    }

    @Test("the shadowed-rule check over 4,000 rules finds exactly the shadowed ones")
    func manyRules() {
        var same = "contact a mail a@example.org\n"
        for i in 0..<4_000 {
            same += "rule r\(i)\n  match kind=fault id=t\(i / 2)\(i % 2 == 1 ? " branch=BJ-\(i)" : "")\n  after 1h notify a\n"
        }
        let twice = RuleCompiler.compile(same, name: "many.rules")
        let warned = twice.diagnostics.filter { $0.headline.contains("can never match") }
        #expect(warned.count == 2_000)
        #expect(twice.ruleSet != nil)
        #expect(warned.first?.headline == "many.rules:5:6: warning: rule 'r1' can never match: rule 'r0' comes first and takes every incident it would")
    }

    @Test("a newline decoded from a quoted string stays on the diagnostic's one line, as \\x0A")
    func decodedNewline() {
        let out = RuleCompiler.compile("contact a mail a@example.org\nrule r\n  match summary~\"(a\\nb\"\n  after 1h notify a\n", name: "t.rules")
            .renderedDiagnostics()
        let headline = out.split(separator: "\n").first ?? ""
        #expect(headline.hasPrefix("t.rules:3:9: error: bad regular expression '(a\\x0Ab': missing ')'"), "\(out)")
    }
}
