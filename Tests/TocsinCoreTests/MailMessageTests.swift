import Foundation
import Testing
@testable import TocsinCore

@Suite("Mail text (SPEC §8), parsed back by an independent parser")
struct MailMessageTests {
    let date = RFC3339.parse("2026-11-23T09:30:00+08:00")!

    func message(subject: String, body: String = "正文\n", from: String = "Tocsin 告警 <tocsin@branch-001.example>") -> MailMessage {
        MailMessage(
            from: from, to: ["zhang.wei@branch-001.example", "li.na@branch-001.example"], date: date,
            dateOffsetSeconds: 8 * 3600, subject: subject, messageID: "t.42.fault-major.s1.centre-manager@host",
            inReplyTo: "t.42.fault-major.s0.shift-lead@host", body: body,
            tocsinHeaders: [("Incident", "42"), ("Rule", "fault-major")])
    }

    @Test("headers: From, To, Date, Subject, Message-ID, threading, Auto-Submitted, charset")
    func headers() throws {
        let subject = "[故障 2级] 核心系统无法登录，所有柜面业务暂停，请立即处理 — 30m 未恢复"
        let text = message(subject: subject).rendered()
        let parsed = try PythonEmail.parse(text)
        #expect(parsed["subject"] as? String == subject)
        #expect(parsed["from"] as? String == "Tocsin 告警 <tocsin@branch-001.example>")
        #expect(parsed["to"] as? String == "zhang.wei@branch-001.example, li.na@branch-001.example")
        #expect(parsed["date"] as? String == "Mon, 23 Nov 2026 09:30:00 +0800")
        #expect(parsed["message-id"] as? String == "<t.42.fault-major.s1.centre-manager@host>")
        #expect(parsed["in-reply-to"] as? String == "<t.42.fault-major.s0.shift-lead@host>")
        #expect(parsed["references"] as? String == "<t.42.fault-major.s0.shift-lead@host>")
        #expect(parsed["auto-submitted"] as? String == "auto-generated")
        #expect(parsed["content-type"] as? String == "text/plain; charset=\"utf-8\"")
        #expect(parsed["_body"] as? String == "正文\n")
        #expect((parsed["_defects"] as? [String])?.isEmpty == true)
        #expect((parsed["_maxline"] as? Int ?? 999) <= 78)
    }

    @Test("no event value can add or break a header", arguments: [
        "evil\r\nBcc: attacker@example.org",
        "evil\nX-Injected: 1",
        "nul\u{0}byte",
        "=?UTF-8?B?QmNjOiBhdHRhY2tlcg==?= looks encoded",
        String(repeating: "很长的标题", count: 200),
        String(repeating: "a", count: 2000),
    ])
    func injection(subject: String) throws {
        let text = message(subject: subject, body: "line\r\nBcc: x@example.org\n").rendered()
        let parsed = try PythonEmail.parse(text)
        let headers = parsed["_headers"] as? [String] ?? []
        #expect(!headers.contains { $0.lowercased() == "bcc" || $0.lowercased() == "x-injected" })
        #expect(headers.filter { $0 == "Subject" }.count == 1)
        let decoded = parsed["subject"] as? String ?? ""
        #expect(!decoded.contains("\n") && !decoded.contains("\r"))
        if subject.hasPrefix("=?") { #expect(decoded == subject) }
    }

    @Test("bidi overrides in a subject are flattened to '?', as on the terminal")
    func bidiOverrides() throws {
        let text = message(subject: "发票 \u{202E}fdp.exe\u{202C} 与 \u{2066}x\u{2069}").rendered()
        let parsed = try PythonEmail.parse(text)
        #expect(parsed["subject"] as? String == "发票 ?fdp.exe? 与 ?x?")
    }

    @Test("an id starting with '-' is shown after '--' in the ack and resolve commands")
    func dashID() {
        var h = EngineHarness("contact lead mail lead@example.org\nrule f\n  match kind=fault\n  after 0m notify lead\n")
        h.submit("kind=fault id=-x")
        let body = h.sent.first?.body ?? ""
        #expect(body.contains("Acknowledge:  tocsinctl ack --by NAME -- -x\n"), "\(body)")
        #expect(body.contains("Resolve:      tocsinctl resolve --cause \"...\" --by NAME -- -x\n"))
    }

    @Test("a very long body line goes quoted-printable and still decodes to the same text")
    func longBody() throws {
        let body = String(repeating: "核心系统", count: 400) + "\n"
        let parsed = try PythonEmail.parse(message(subject: "s", body: body).rendered())
        #expect(parsed["content-transfer-encoding"] as? String == "quoted-printable")
        #expect(parsed["_body"] as? String == body)
        #expect((parsed["_maxline"] as? Int ?? 999) <= 998)
    }

    @Test("regression (fuzzer): a body that starts with a combining mark keeps its blank line after the headers")
    func combiningMarkAfterNewline() throws {
        let body = "\u{0612}h^ 核心\n\u{0301}second line\n"
        let text = message(subject: "s", body: body).rendered()
        #expect(text.utf8.count > 0)
        let parsed = try PythonEmail.parse(text)
        #expect(parsed["_body"] as? String == body)
        #expect((parsed["_defects"] as? [String])?.isEmpty == true)
    }

    @Test("encoded-words never split a UTF-8 character and stay within 75 characters")
    func encodedWords() {
        let words = EncodedWord.encodedWords(String(repeating: "故障😀", count: 30))
        for word in words {
            #expect(word.count <= 75)
            let inner = word.dropFirst(10).dropLast(2)
            let data = Data(base64Encoded: String(inner))!
            #expect(String(data: data, encoding: .utf8) != nil)
        }
    }
}

@Suite("Messages the engine writes")
struct ComposedMessageTests {
    @Test("numbers in subjects are written in decimal, negative and the extremes included")
    func decimals() {
        for value: Int64 in [0, 7, -7, 10, 1_000_000, Int64.max, Int64.min] {
            var bytes: [UInt8] = []
            MessageComposer.appendDecimal(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }

    @Test("the default subject and body say what, where, how long, who else was told, how to ack")
    func defaultText() {
        var h = EngineHarness("""
            set timezone Asia/Shanghai
            contact lead mail lead@example.org
            contact boss mail boss@example.org
            rule f
              match kind=fault
              after 0m notify lead
              after 30m notify boss
            """)
        h.submit(#"kind=fault severity=2 id="core banking" summary=核心系统无法登录 branch=BJ-001"#)
        h.advance(by: .minutes(30))
        let message = h.sent[1]
        #expect(h.sent[0].subject == "[Tocsin #1] new fault level 2: 核心系统无法登录")
        #expect(message.subject == "[Tocsin #1] fault level 2 not recovered after 30m: 核心系统无法登录")
        #expect(message.messageID == "t.1.f.s2.boss@test")
        #expect(message.body == """
            核心系统无法登录

            Incident     #1, id core banking
            What         fault, level 2
            Began        2026-11-23 09:00 (Asia/Shanghai), 30m ago, not recovered
            Escalation   rule f, step 2 of 2, due 09:30
            Told now     boss
            Told before  lead

            Details:
              branch: BJ-001

            Acknowledge:  tocsinctl ack 'core banking' --by NAME
            Resolve:      tocsinctl resolve 'core banking' --cause "..." --by NAME

            """)
    }

    @Test("templates fill fields and the engine's names; a missing field renders as '-'")
    func templates() throws {
        var h = EngineHarness("""
            contact a mail a@example.org
            rule f
              match kind=fault
              after 30m notify a
              subject "[故障 {severity}级] {summary} — {age} 未恢复 #{incident} {rule} {step} {state} {missing} {{x}}"
              body "开始：{at} 期限：{deadline}"
            """)
        h.submit("kind=fault severity=2 summary=核心系统无法登录")
        h.advance(by: .minutes(30))
        #expect(h.sent[0].subject == "[故障 2级] 核心系统无法登录 — 30m 未恢复 #1 f 1 open - {x}")
        #expect(h.sent[0].body.hasPrefix("开始：2026-11-23 01:00 期限：2026-11-23 01:30\n"))
    }

    @Test("step Message-IDs: prefix.number.rule.s1|r3.contact@domain, only ASCII letters, digits and -_. kept")
    func stepMessageIDs() {
        let composer = MessageComposer(idPrefix: "tocsin.9f3a", idDomain: "branch-001.example")
        func firing(index: Int?, repeatNumber: Int?) -> StepFiring {
            StepFiring(index: index, repeatNumber: repeatNumber, label: "", contacts: [], deadline: Timestamp(milliseconds: 0))
        }
        let step = composer.stepMessageID(
            IncidentNumber(1_204_567), rule: RuleName("fault-major"), firing: firing(index: 1, repeatNumber: nil),
            contact: ContactName("centre-manager"))
        #expect(step == "tocsin.9f3a.1204567.fault-major.s2.centre-manager@branch-001.example")
        let repeated = composer.stepMessageID(
            IncidentNumber(7), rule: RuleName("投诉-urgent"), firing: firing(index: nil, repeatNumber: 12), contact: ContactName("值班 经理 ops"))
        #expect(repeated == composer.messageID("7", "投诉-urgent", "r12", "值班 经理 ops"))
        #expect(repeated == "tocsin.9f3a.7.-urgent.r12.ops@branch-001.example")
        for number in [1, 9, 10, 99, 100, 123_456_789_012] as [Int64] {
            #expect(
                composer.stepMessageID(IncidentNumber(number), rule: RuleName("r"), firing: firing(index: 0, repeatNumber: nil), contact: ContactName("c"))
                    == composer.messageID(String(number), "r", "s1", "c"))
        }
    }
}
