import Foundation
import Testing
import TocsinCore

/// Reading replies (SPEC §17): MIME built by Python's `email` package as mail clients send
/// it (multipart/alternative, quoted-printable, base64, GBK, GB18030, encoded-word
/// subjects), the reply's own first line, the commands, and auto-replies.
@Suite("Mail-in: parsing replies")
struct MailInParserTests {
    /// A reply built by Python's email package. `body` is the plain text; with `html` the
    /// message is multipart/alternative.
    static func pythonReply(
        body: String, charset: String = "utf-8", encoding: String = "quoted-printable", html: String? = nil,
        subject: String = "Re: [Tocsin #1] 新故障 2级：网络中断", extra: [String: String] = [:]
    ) throws -> [UInt8] {
        let spec: [String: Any] = ["body": body, "charset": charset, "cte": encoding, "html": html as Any, "subject": subject, "extra": extra]
        let script = """
            import sys, json
            from email.message import EmailMessage
            from email.header import Header
            s = json.loads(sys.stdin.read())
            m = EmailMessage()
            m['From'] = '李雷 <Li.Lei@Branch.example>'
            m['To'] = 'tocsin-reply@branch.example'
            m['Subject'] = Header(s['subject'], s['charset']).encode() if s['charset'] != 'utf-8' else s['subject']
            m['Message-ID'] = '<reply-1@phone.example>'
            m['In-Reply-To'] = '<tocsin.t.1.r.s1.lead.kabc@h>'
            m['References'] = '<tocsin.t.1.r.s1.boss.kdef@h> <tocsin.t.1.r.s1.lead.kabc@h>'
            for k, v in s['extra'].items(): m[k] = v
            m.set_content(s['body'], charset=s['charset'], cte=s['cte'])
            if s['html'] is not None: m.add_alternative(s['html'], subtype='html', charset=s['charset'], cte=s['cte'])
            sys.stdout.buffer.write(m.as_bytes())
            """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return Array(try PythonScript.run(script, input: Data(input.utf8)))
    }

    static let quoted = "\n\n在 2026年12月4日 18:45，Tocsin <tocsin@branch.example> 写道：\n> 网络中断\n> 事件 #1\n"

    @Test("multipart/alternative, quoted-printable: the plain part's first line; From, references, subject read")
    func alternative() throws {
        let raw = try Self.pythonReply(body: "确认" + Self.quoted, html: "<div>确认<br></div><blockquote>网络中断</blockquote>")
        let mail = InboundMail(raw)
        #expect(mail.fromAddress == "li.lei@branch.example")
        #expect(mail.referencedIDs == ["tocsin.t.1.r.s1.lead.kabc@h", "tocsin.t.1.r.s1.boss.kdef@h"])
        #expect(mail.decoded("Subject") == "Re: [Tocsin #1] 新故障 2级：网络中断")
        let request = ReplyRequest(mail: mail, raw: raw)
        #expect(request.text == "确认")
        #expect(request.key == "reply-1@phone.example")
        #expect(request.automatic == nil)
    }

    @Test("GBK and GB18030 bodies in base64, and a GBK encoded-word subject, decode to the same Chinese")
    func chineseCharsets() throws {
        for charset in ["gbk", "gb18030", "gb2312"] {
            let raw = try Self.pythonReply(body: "已恢复 更换网线" + Self.quoted, charset: charset, encoding: "base64", subject: "Re: 网络中断")
            let mail = InboundMail(raw)
            #expect(ReplyText.firstOwnLine(mail.text ?? "") == "已恢复 更换网线", "\(charset)")
            #expect(mail.decoded("Subject") == "Re: 网络中断", "\(charset): \(mail.raw("Subject") ?? "-")")
            #expect(ReplyAction.parse(ReplyRequest(mail: mail, raw: raw).text) == .resolve(cause: "更换网线"))
        }
    }

    @Test("HTML-only reply: the text of its first line")
    func htmlOnly() throws {
        let raw = Array("""
            From: a@b.example\r
            Message-ID: <h@b>\r
            Content-Type: text/html; charset="utf-8"\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            <html><body><div>=E6=94=B6=E5=88=B0</div><div><br></div><blockquote>old</blockquote></body></html>\r

            """.utf8)
        #expect(ReplyRequest(mail: InboundMail(raw), raw: raw).text == "收到")
    }

    @Test("quoted text, quote headers and signatures are not the reply's own line")
    func ownLine() {
        #expect(ReplyText.firstOwnLine("\n\n  ack  \n> quoted") == "ack")
        #expect(ReplyText.firstOwnLine("> 确认\n") == nil)
        #expect(ReplyText.firstOwnLine("On Fri, Dec 4, 2026 Tocsin wrote:\n> ack") == nil)
        #expect(ReplyText.firstOwnLine("在 2026年12月4日，Tocsin 写道：\n> 确认") == nil)
        #expect(ReplyText.firstOwnLine("-- \n张伟\n") == nil)
        #expect(ReplyText.firstOwnLine("-----Original Message-----\nFrom: x") == nil)
        #expect(ReplyText.firstOwnLine("\u{3000}备注 已到场\n\n-- \n张伟") == "备注 已到场")
    }

    @Test("the commands in English and Chinese, with the separators people type")
    func commands() {
        let cases: [(String, ReplyAction?)] = [
            ("ack", .ack), ("ACK.", .ack), ("Ack!", .ack), ("acknowledged", nil), ("确认", .ack), ("确认。", .ack),
            ("收到，马上处理", .ack), ("已恢复 更换网线", .resolve(cause: "更换网线")), ("已恢复：更换网线", .resolve(cause: "更换网线")),
            ("已恢复", .resolve(cause: nil)), ("resolve replaced the cable", .resolve(cause: "replaced the cable")),
            ("Resolved: cable", .resolve(cause: "cable")), ("note on my way", .note("on my way")), ("备注 已到场", .note("已到场")),
            ("备注", nil), ("note", nil), ("hello", nil), ("", nil), ("resolver", nil),
        ]
        for (line, expected) in cases { #expect(ReplyAction.parse(line) == expected, "\(line)") }
    }

    @Test("auto-replies and out-of-office messages are marked automatic; Auto-Submitted: no is a person")
    func automatic() throws {
        let auto = try Self.pythonReply(body: "我休假至12月10日", extra: ["Auto-Submitted": "auto-replied"])
        #expect(ReplyRequest(mail: InboundMail(auto), raw: auto).automatic == "Auto-Submitted: auto-replied")
        let bulk = try Self.pythonReply(body: "Out of office", extra: ["Precedence": "bulk"])
        #expect(ReplyRequest(mail: InboundMail(bulk), raw: bulk).automatic == "Precedence: bulk")
        let person = try Self.pythonReply(body: "确认", extra: ["Auto-Submitted": "no"])
        #expect(ReplyRequest(mail: InboundMail(person), raw: person).automatic == nil)
    }

    @Test("the reply line survives the socket: parse(line) gives back the request")
    func line() throws {
        let request = ReplyRequest(
            via: .mail, key: "k \"1\"@x", from: "a@b", references: ["x@y", "z@w"], text: "已恢复 换了 \"网线\"", automatic: nil)
        #expect(ReplyRequest.isCommand(Array(request.line.utf8)))
        #expect(try ReplyRequest.parse(request.line).get() == request)
        #expect(!ReplyRequest.isCommand(Array("kind=fault id=replyx".utf8)))
    }

    @Test("encoded words: Q and B, adjacent words joined, malformed ones left as written")
    func encodedWords() {
        #expect(EncodedWordDecoder.decode("=?UTF-8?B?56Gu6K6k?=") == "确认")
        #expect(EncodedWordDecoder.decode("Re: =?utf-8?q?caf=C3=A9_ok?=") == "Re: café ok")
        #expect(EncodedWordDecoder.decode("=?UTF-8?B?56Gu?= =?UTF-8?B?6K6k?=") == "确认")
        #expect(EncodedWordDecoder.decode("=?bogus") == "=?bogus")
    }
}
