import Foundation
import Glibc
import Testing

/// Acting by replying (SPEC §17) against the real tocsind and tocsinctl: replies built by
/// Python's email package as a phone builds them, piped into `tocsinctl mail-in`.
@Suite("tocsinctl mail-in and reply: acting from the mail client and by SMS", .serialized)
struct MailInEndToEndTests {
    static let rules = """
        set language zh-CN
        set storm-window 0s
        set mail-from "Tocsin <tocsin@branch.example>"
        set reply-to "Tocsin <tocsin-reply@branch.example>"
        contact lead mail Li.Lei@branch.example li.lei@home.example
        contact boss mail boss@branch.example
        contact duty-sms exec /bin/sh -c "cat > /dev/null"
        rule faults
          match kind=fault
          after 0m notify lead duty-sms
          after 1h notify boss
        """

    /// The step mail of incident `id` to `lead`.
    static func stepMail(_ d: DaemonProcess, id: String) -> String? {
        var found: String?
        _ = eventually(10) {
            found = d.mails().first { $0.contains("X-Tocsin-Step: 1") && $0.contains("编号 \(id)") }
            return found != nil
        }
        return found
    }

    static func mailIn(_ d: DaemonProcess, _ reply: String) throws -> Binaries.Result {
        try Binaries.tocsinctl(["mail-in", "--verbose"], environment: d.ctlEnvironment, stdin: reply)
    }

    static func state(_ d: DaemonProcess, _ id: String) throws -> String? {
        try d.incidents().first { $0["id"] as? String == id }?["state"] as? String
    }

    /// The journal's "input rejected" entries' TOCSIN_REASON values.
    static func refusals(_ d: DaemonProcess) -> [String] {
        d.journalEntries(["MESSAGE_ID=6b0a4f7c3e2d4b1a9c8e7f6a5b4c3d22"]).compactMap { $0["TOCSIN_REASON"] as? String }
    }

    @Test("'确认' from the contact's address acks, by that contact; the replier gets a confirmation threaded to the incident")
    func ackByReply() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault severity=2 id=net-1 summary=网络中断")
        let step = try #require(Self.stepMail(d, id: "net-1"))
        let parsed = try PythonEmailE2E.parse(step)
        #expect(parsed["reply-to"] as? String == "Tocsin <tocsin-reply@branch.example>")
        #expect((parsed["_body"] as? String ?? "").contains("回复本邮件即可处理（第一行写命令）：\n  确认 或 收到 —— 已接手处理"))
        let reply = try PhoneReply.make(to: step, text: "确认", from: "李雷 <LI.LEI@branch.example>")
        let r = try Self.mailIn(d, reply)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("ok incident=1 id=net-1 state=acked action=ack by=lead"), "\(r.stdout) \(r.stderr)")
        #expect(try Self.state(d, "net-1") == "acked")
        #expect(try d.ctl(["show", "net-1"]).stdout.contains("by=lead  (mail:lead"))
        var confirmation: [String: Any]?
        #expect(eventually(10) {
            confirmation = d.mails().compactMap { try? PythonEmailE2E.parse($0) }.first { ($0["subject"] as? String)?.contains("回复已受理") == true }
            return confirmation != nil
        })
        #expect(confirmation?["subject"] as? String == "[Tocsin #1] 回复已受理：已确认 — 网络中断")
        #expect(confirmation?["auto-submitted"] as? String == "auto-replied")
        #expect(confirmation?["in-reply-to"] as? String == parsed["message-id"] as? String)
        #expect(confirmation?["to"] as? String == "Li.Lei@branch.example, li.lei@home.example")
    }

    @Test("refused and journaled with the reason, changing nothing: another From, an altered proof, another incident's proof, an auto-reply, a reply without a command")
    func refusals() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send(["kind=fault severity=2 id=a summary=甲", "kind=fault severity=2 id=b summary=乙"])
        let stepA = try #require(Self.stepMail(d, id: "a"))
        let stepB = try #require(Self.stepMail(d, id: "b"))
        let idA = try #require(PythonEmailE2E.parse(stepA)["message-id"] as? String)
        let idB = try #require(PythonEmailE2E.parse(stepB)["message-id"] as? String)

        // Another address, even with the right proof (osTicket #748: a spoofed From).
        var r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "确认", from: "mallory@evil.example"))
        #expect(r.status == 0 && r.stdout.hasPrefix("refused"), "\(r.stdout)")
        // The proof's last hex digit changed.
        let last = idA.index(idA.firstIndex(of: "@")!, offsetBy: -1)
        let altered = idA.replacingCharacters(in: last...last, with: idA[last] == "0" ? "1" : "0")
        r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "确认", from: "li.lei@branch.example", inReplyTo: altered, references: altered))
        #expect(r.stdout.hasPrefix("refused"))
        // B's token on A's id: a guessed incident number is never enough (Zammad #5064).
        let tokenB = idB[idB.range(of: ".k", options: .backwards)!.lowerBound..<idB.firstIndex(of: "@")!]
        let forged = String(idA[..<idA.range(of: ".k", options: .backwards)!.lowerBound]) + tokenB + String(idA[idA.firstIndex(of: "@")!...])
        r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "确认", from: "li.lei@branch.example", inReplyTo: forged, references: forged))
        #expect(r.stdout.hasPrefix("refused"))
        // No references at all, only the number in the subject.
        r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "确认", from: "li.lei@branch.example", inReplyTo: "<x@y>", references: "<x@y>"))
        #expect(r.stdout.hasPrefix("refused"))
        // An out-of-office auto-reply.
        r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "我休假至12月10日，急事请联系值班", from: "li.lei@branch.example", extra: ["Auto-Submitted": "auto-replied"]))
        #expect(r.stdout.hasPrefix("refused"))
        // No command on the first line.
        r = try Self.mailIn(d, PhoneReply.make(to: stepA, text: "好的谢谢", from: "li.lei@branch.example"))
        #expect(r.stdout.hasPrefix("refused"))

        #expect(try Self.state(d, "a") == "open")
        #expect(try Self.state(d, "b") == "open")
        var reasons: [String] = []
        #expect(eventually(10) {
            reasons = Self.refusals(d)
            return reasons.count >= 6
        })
        #expect(reasons.contains { $0.contains("From <mallory@evil.example> is not an address of contact lead") })
        #expect(reasons.filter { $0.hasPrefix("no proof that it answers a message of this tocsind") }.count == 3, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("an automatic reply (Auto-Submitted: auto-replied)") })
        #expect(reasons.contains { $0.contains("its first line '好的谢谢' is no command") })
        #expect(!d.mails().contains { $0.contains("Auto-Submitted: auto-replied") }, "no confirmation for a refusal")
    }

    @Test("the same reply delivered twice acts once; a GBK '已恢复 更换网线' resolves with that cause")
    func twiceAndGBK() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault severity=2 id=c summary=打印机故障")
        let step = try #require(Self.stepMail(d, id: "c"))
        let note = try PhoneReply.make(to: step, text: "备注 已到场", from: "li.lei@home.example", messageID: "<note-1@phone.example>")
        #expect(try Self.mailIn(d, note).stdout.hasPrefix("ok incident=1 id=c state=open action=note"))
        let again = try Self.mailIn(d, note)
        #expect(again.status == 0 && again.stdout.hasPrefix("refused"))
        #expect(try d.ctl(["show", "c"]).stdout.components(separatedBy: "已到场").count - 1 == 1)

        let gbk = try PhoneReply.make(to: step, text: "已恢复 更换网线", from: "li.lei@branch.example", charset: "gbk")
        #expect(gbk.contains("charset=\"gbk\""))
        #expect(try Self.mailIn(d, gbk).stdout.hasPrefix("ok incident=1 id=c state=resolved action=resolve by=lead"))
        let record = try #require(try d.incidents().first { $0["id"] as? String == "c" })
        #expect(record["state"] as? String == "resolved")
        let shown = try d.ctl(["show", "c"]).stdout
        #expect(shown.contains("cause: 更换网线, by: lead"), "\(shown)")
        #expect(eventually(5) { Self.refusals(d).contains { $0.contains("has acted already") } })
    }

    @Test("with tocsind stopped, mail-in exits 75 (EX_TEMPFAIL) so the MTA retries")
    func daemonDown() throws {
        let d = try DaemonProcess(rules: Self.rules)
        try d.start()
        _ = try d.send("kind=fault severity=2 id=e summary=停电")
        let step = try #require(Self.stepMail(d, id: "e"))
        d.stop()
        let r = try Self.mailIn(d, PhoneReply.make(to: step, text: "确认", from: "li.lei@branch.example"))
        #expect(r.status == 75, "\(r.stderr)")
        try d.start()
        defer { d.stop() }
        #expect(try Self.mailIn(d, PhoneReply.make(to: step, text: "确认", from: "li.lei@branch.example")).status == 0)
        #expect(try Self.state(d, "e") == "acked")
    }

    @Test("an exec contact gets its reply code and a one-line text of at most 70 characters; tocsinctl reply --from acts with it, bound to that contact")
    func smsReply() throws {
        let dir = Binaries.temporaryDirectory("sms")
        let rules = Self.rules.replacingOccurrences(
            of: #"contact duty-sms exec /bin/sh -c "cat > /dev/null""#,
            with: #"contact duty-sms exec /bin/sh -c "env | grep ^TOCSIN_ > \#(dir.path)/env.$TOCSIN_INCIDENT""#)
            + "\ncontact other-sms exec /bin/true\n"
        let d = try DaemonProcess(rules: rules)
        try d.start()
        defer { d.stop() }
        _ = try d.send("kind=fault severity=2 id=s1 summary=核心系统无法登录，柜面全部停止营业，请立即处理并报告分行科技部门负责人")
        let envFile = dir.appendingPathComponent("env.1")
        var env: [String: String] = [:]
        #expect(eventually(10) {
            let text = (try? String(contentsOf: envFile, encoding: .utf8)) ?? ""
            env = Dictionary(text.split(separator: "\n").compactMap { line in
                line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
            }, uniquingKeysWith: { a, _ in a })
            return env["TOCSIN_SHORT_TEXT"] != nil
        })
        let code = try #require(env["TOCSIN_REPLY_CODE"])
        #expect(code.hasPrefix("1-") && code.count == 10)
        let short = try #require(env["TOCSIN_SHORT_TEXT"])
        #expect(short.count <= 70)
        #expect(short.hasSuffix(" 回复「\(code) 确认」"))
        #expect(!short.contains("\n"))

        let wrong = try d.ctl(["reply", "--from", "other-sms", "\(code) 确认"])
        #expect(wrong.status == 1 && wrong.stdout.contains("is not one sent to other-sms"))
        let ok = try d.ctl(["reply", "--from", "duty-sms", "确认 \(code.lowercased())"])
        #expect(ok.status == 0 && ok.stdout.hasPrefix("ok incident=1 id=s1 state=acked action=ack by=duty-sms"), "\(ok.stdout)")
        #expect(try d.ctl(["reply", "--from", "duty-sms", "确认 \(code.lowercased())"]).status == 1)
    }
}
