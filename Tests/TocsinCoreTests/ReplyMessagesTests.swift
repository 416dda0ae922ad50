import Foundation
import Testing
import TocsinCore

/// The texts of acting by reply in zh-CN (SPEC §17, §18): how to answer at the end of a step
/// mail, the confirmation, and the SMS line, as exact text with no English word left.
@Suite("Reply texts in the rules' language")
struct ReplyMessagesTests {
    static let rules = MessageCatalogTests.rules.replacingOccurrences(
        of: "set language zh-CN", with: "set language zh-CN\nset reply-to \"Tocsin <tocsin-reply@x.example>\"")

    @Test("with reply-to, a zh-CN step mail ends with how to answer, exactly; without it, it does not")
    func instructions() throws {
        var h = EngineHarness(Self.rules)
        h.submit("kind=fault severity=2 id=core-1 summary=核心系统无法登录")
        h.advance(by: .minutes(30))
        let mail = try #require(h.sent.first)
        #expect(mail.body.hasSuffix("""
            恢复：   tocsinctl resolve core-1 --cause "..." --by 姓名

            回复本邮件即可处理（第一行写命令）：
              确认 或 收到 —— 已接手处理
              已恢复 原因 —— 已恢复，并写明原因
              备注 内容 —— 添加备注

            """), "\(mail.body)")
        #expect(MessageCatalogTests.englishWords(mail.body, allowing: MessageCatalogTests.names).isEmpty)
        var plain = EngineHarness(MessageCatalogTests.rules)
        plain.submit("kind=fault severity=2 id=core-1 summary=核心系统无法登录")
        plain.advance(by: .minutes(30))
        #expect(plain.sent.first?.body.contains("回复本邮件") == false)
        let settings = h.engine.rules.settings
        let rendered = try #require(mail.mail(from: settings.mailFrom, zone: settings.zone, replyTo: settings.replyTo)).rendered()
        #expect(rendered.contains("\nReply-To: Tocsin <tocsin-reply@x.example>\n"))
    }

    @Test("the confirmation of each command, exactly, threaded to the incident")
    func confirmation() throws {
        var h = EngineHarness(Self.rules)
        h.submit("kind=fault severity=2 id=core-1 summary=核心系统无法登录")
        h.advance(by: .minutes(30))
        let incident = try #require(h.engine.incident(id: "core-1"))
        let contact = try #require(h.engine.rules.contacts["centre-manager"])
        let composer = h.engine.composer
        let cases: [(ReplyAction, String, String)] = [
            (.ack, "[Tocsin #1] 回复已受理：已确认 — 核心系统无法登录", "您的回复已受理（2026-11-23 09:30）：#1 由 centre-manager 确认。\n"),
            (.resolve(cause: "更换网线"), "[Tocsin #1] 回复已受理：已恢复 — 核心系统无法登录", "您的回复已受理（2026-11-23 09:30）：#1 由 centre-manager 恢复，原因：更换网线。\n"),
            (.note("已到场"), "[Tocsin #1] 回复已受理：已添加备注 — 核心系统无法登录", "您的回复已受理（2026-11-23 09:30）：#1 centre-manager 添加备注：已到场。\n"),
        ]
        for (action, subject, lead) in cases {
            let message = composer.confirmationMessage(incident, action: action, contact: contact, key: "k@x", rules: h.engine.rules, now: h.now)
            #expect(message.subject == subject)
            #expect(message.body.hasPrefix(lead), "\(message.body)")
            #expect(message.purpose == .confirmation)
            #expect(message.inReplyTo == incident.threadRoot)
            #expect(MessageCatalogTests.englishWords(message.subject + message.body, allowing: MessageCatalogTests.names).isEmpty)
        }
    }

    @Test("the SMS line is one line of at most 70 characters, the subject cut with … when it must be")
    func smsLine() {
        let words = Language.chinese.catalog
        #expect(words.smsText(subject: "[Tocsin #1] 新故障 2级：网络中断", code: "1-RF4D2NJJ") == "[Tocsin #1] 新故障 2级：网络中断 回复「1-RF4D2NJJ 确认」")
        let long = words.smsText(subject: "[Tocsin #12345] 新故障 2级：" + String(repeating: "核心系统无法登录", count: 10), code: "12345-RF4D2NJJ")
        #expect(long.count == 70)
        #expect(long.hasSuffix("… 回复「12345-RF4D2NJJ 确认」"))
        #expect(Language.english.catalog.smsText(subject: "[Tocsin #1] new fault", code: "1-AB") == "[Tocsin #1] new fault Reply: 1-AB ack")
    }
}

@Suite("Reply texts in a storm digest")
struct DigestReplyTextTests {
    @Test("a digest does not tell its reader to reply (a reply to it acts on no incident): it says to use tocsinctl")
    func digestSaysNoReply() throws {
        var h = EngineHarness(ReplyMessagesTests.rules)
        for n in 1...3 { h.submit("kind=fault severity=2 id=t-\(n) summary=终端\(n)离线") }
        h.advance(by: .minutes(31))
        let first = try #require(h.sent.first { $0.purpose == .step })
        #expect(first.body.contains("回复本邮件即可处理"))
        let digest = try #require(h.sent.first { $0.purpose == .digest })
        #expect(!digest.body.contains("回复本邮件即可处理"), "\(digest.body)")
        #expect(digest.body.hasSuffix("\n回复本摘要邮件不会处理任何事件；请用 tocsinctl ack 或 tocsinctl resolve 逐一处理。\n"), "\(digest.body)")
    }
}

@Suite("Reply texts for an exec contact")
struct ExecReplyTextTests {
    @Test("the reply-code instructions at the end of an SMS gateway's stdin, exactly, in Chinese")
    func replyByCode() {
        let text = Language.chinese.catalog.replyByCode("42-K7Q2M9AB")
        #expect(text == "\n回复「42-K7Q2M9AB 确认」即确认；「42-K7Q2M9AB 已恢复 原因」即恢复；「42-K7Q2M9AB 备注 内容」添加备注。\n")
        #expect(MessageCatalogTests.englishWords(text, allowing: ["42-K7Q2M9AB"]).isEmpty)
    }
}
