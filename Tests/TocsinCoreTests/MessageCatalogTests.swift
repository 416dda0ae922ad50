import Foundation
import Testing
import TocsinCore

/// `set language zh-CN` (SPEC §18): every fixed text of step, repeat, recovered, digest and
/// daily-report messages, as exact text; and no English label left in a Chinese message.
@Suite("Messages in the rules' language")
struct MessageCatalogTests {
    static let rules = """
        set language zh-CN
        set timezone Asia/Shanghai
        set storm-window 60s
        contact centre-manager mail c@x.example
        contact dept-head mail d@x.example
        rule fault-major
          match kind=fault severity<=2
          after 30m notify centre-manager
          after 60m notify dept-head
          repeat 60m max 2
        report daily 17:00 notify centre-manager
        """

    /// Strips what a Chinese message may carry in Latin letters: names from the rules and the
    /// event, the zone, the product's name and the commands shown. What is left must hold no
    /// English word.
    static func englishWords(_ text: String, allowing names: [String]) -> [String] {
        var rest = text
        for line in text.split(separator: "\n") where line.contains("tocsinctl ") {
            rest = rest.replacingOccurrences(of: String(line), with: "")
        }
        for name in names + ["Asia/Shanghai", "Tocsin"] { rest = rest.replacingOccurrences(of: name, with: "") }
        return rest.matches(of: /[A-Za-z]{2,}/).map { String($0.output) }
    }

    static let names = ["fault-major", "centre-manager", "dept-head", "core-1", "system", "core-banking"]

    @Test("a step mail in zh-CN: subject, facts block and commands, exactly")
    func stepMail() throws {
        var h = EngineHarness(Self.rules)
        h.submit("kind=fault severity=2 id=core-1 system=core-banking summary=核心系统无法登录")
        h.advance(by: .minutes(30))
        let mail = try #require(h.sent.first)
        #expect(mail.subject == "[Tocsin #1] 故障 2级 30分未恢复：核心系统无法登录")
        #expect(mail.body == """
            核心系统无法登录

            事件      #1，编号 core-1
            类别      故障，2级
            开始      2026-11-23 09:00（Asia/Shanghai），30分前，未恢复
            升级      规则 fault-major，第1步（共2步），时限 09:30
            本次通知  centre-manager
            下一步    10:00 通知 dept-head（若仍未恢复）

            详细信息：
              system: core-banking

            确认：   tocsinctl ack core-1 --by 姓名
            恢复：   tocsinctl resolve core-1 --cause "..." --by 姓名

            """)
        #expect(Self.englishWords(mail.subject + mail.body, allowing: Self.names).isEmpty)
    }

    @Test("repeat and recovered in zh-CN: the subject contains 已恢复, the durations are 1小时30分")
    func repeatAndRecovered() throws {
        var h = EngineHarness(Self.rules)
        h.submit("kind=fault severity=1 id=core-1 summary=核心系统无法登录")
        h.advance(by: .minutes(120))
        let repeated = try #require(h.sent.last)
        #expect(repeated.purpose == .repeated)
        #expect(repeated.body.contains("升级        规则 fault-major，第1次重复（每1小时）\n"), "\(repeated.body)")
        #expect(repeated.body.contains("此前已通知  centre-manager\n下一步      每1小时重复一次，直至恢复（最多2次）\n"), "\(repeated.body)")
        h.advance(by: .minutes(10))
        _ = h.drain()
        h.submit("action=resolve id=core-1 cause=更换网线 by=lead-zhang")
        h.advance(by: .minutes(2))
        let recovered = h.sent.filter { $0.purpose == .recovered }
        #expect(recovered.count == 2)
        let mail = try #require(recovered.first)
        #expect(mail.subject == "[Tocsin #1] 已恢复（历时2小时10分）：核心系统无法登录")
        #expect(mail.body.hasPrefix("已恢复：核心系统无法登录\n\n"), "\(mail.body)")
        #expect(mail.body.contains("恢复时间  2026-11-23 11:10（开始后2小时10分）\n"), "\(mail.body)")
        #expect(mail.body.contains("原因      更换网线\n"))
        #expect(mail.body.contains("处理人    lead-zhang\n"))
        #expect(mail.body.contains("已通知    centre-manager、dept-head\n"), "\(mail.body)")
        for message in [repeated, mail] {
            #expect(Self.englishWords(message.subject + message.body, allowing: Self.names + ["lead-zhang"]).isEmpty)
        }
    }

    @Test("a storm digest and the daily report in zh-CN; the report's subject contains 日报")
    func digestAndReport() throws {
        var h = EngineHarness(Self.rules)
        for n in 1...3 { h.submit("kind=fault severity=2 id=t-\(n) summary=终端\(n)离线") }
        h.advance(by: .minutes(31))
        let digest = try #require(h.sent.first { $0.purpose == .digest })
        #expect(digest.subject == "[Tocsin] fault-major：2条升级 — [Tocsin #2] 故障 2级 30分未恢复：终端2离线", "\(digest.subject)")
        #expect(digest.body.hasPrefix("风暴控制：发给 centre-manager 的 2 条通知已合并，于 2026-11-23 09:31 一并发送：\n\n"), "\(digest.body)")
        #expect(digest.body.contains("\n第一条的详细信息：\n\n"))
        h.submit("action=resolve id=t-1 cause=重启")
        h.advance(to: RFC3339.parse("2026-11-23T17:00:00+08:00")!)
        let report = try #require(h.sent.first { $0.purpose == .report })
        #expect(report.subject == "[Tocsin] 日报 2026-11-23：新增3，已恢复1，仍未恢复2")
        #expect(report.body.hasPrefix("""
            2026-11-23 日报，17:00（Asia/Shanghai）

            新增      3（故障 3）
            已恢复    1
            升级      已触发 9 步
            仍未恢复  2

            仍未恢复（按严重程度）：
              #2 故障 2级 终端2离线 — 自 2026-11-23 09:00 起（8小时）
            """), "\(report.body)")
        #expect(report.body.contains("已恢复：\n  #1 故障 2级 终端1离线 — 用时 "), "\(report.body)")
        for message in [digest, report] {
            #expect(Self.englishWords(message.subject + message.body, allowing: Self.names + ["t-1", "t-2", "t-3"]).isEmpty, "\(message.body)")
        }
    }

    @Test("durations: 1小时30分, 2天3小时, 45分, 4分30秒")
    func durations() {
        let words = Language.chinese.catalog
        #expect(words.duration(.minutes(90)) == "1小时30分")
        #expect(words.duration(.hours(51)) == "2天3小时")
        #expect(words.duration(.minutes(45)) == "45分")
        #expect(words.duration(.seconds(270)) == "4分30秒")
        #expect(Language.english.catalog.duration(.minutes(90)) == "1h30m")
    }

    @Test("set language: zh-CN and en are known, case aside; anything else is an error with the known ones")
    func setting() {
        #expect(Rules.compile("set language zh-cn\ncontact a mail a@x.example").settings.language == .chinese)
        let bad = RuleCompiler.compile("set language fr\n", name: "l.rules")
        #expect(bad.renderedDiagnostics().contains("l.rules:1:14: error: unknown language 'fr' (known: en, zh-CN)"), "\(bad.renderedDiagnostics())")
    }
}
