/// The texts of acting by reply (SPEC §17): how to answer, the confirmation, and the short
/// one-line text an SMS gateway sends.
extension MessageCatalog {
    /// The end of a step or repeat mail when replies are read.
    var replyHow: String {
        zh
            ? "\n回复本邮件即可处理（第一行写命令）：\n  确认 或 收到 —— 已接手处理\n  已恢复 原因 —— 已恢复，并写明原因\n  备注 内容 —— 添加备注\n"
            : "\nTo act, reply to this mail with the command on the first line:\n  ack — you have taken it on\n  resolve CAUSE — it is recovered, and why\n  note TEXT — add a remark\n"
    }

    /// In place of `replyHow` in a digest: a reply to it is about no one incident.
    var digestNoReply: String {
        zh
            ? "\n回复本摘要邮件不会处理任何事件；请用 tocsinctl ack 或 tocsinctl resolve 逐一处理。\n"
            : "\nA reply to this digest acts on no incident: use tocsinctl ack or tocsinctl resolve for each.\n"
    }

    /// What a reply did, in a phrase: `已确认` / `acknowledged`.
    func replyDone(_ action: ReplyAction) -> String {
        switch action {
        case .ack: zh ? "已确认" : "acknowledged"
        case .resolve: zh ? "已恢复" : "resolved"
        case .note: zh ? "已添加备注" : "noted"
        }
    }

    /// `[Tocsin #42] 回复已受理：已确认 — 网络中断`.
    func confirmationSubject(number: IncidentNumber, action: ReplyAction, headline: String) -> String {
        zh
            ? "[Tocsin #\(number)] 回复已受理：\(replyDone(action)) — \(headline)"
            : "[Tocsin #\(number)] your reply was applied: \(replyDone(action)) — \(headline)"
    }

    /// The confirmation's lead line.
    func confirmationLead(number: IncidentNumber, action: ReplyAction, by contact: String, at time: String) -> String {
        let detail: String
        switch action {
        case .ack: detail = zh ? "由 \(contact) 确认" : "acknowledged by \(contact)"
        case .resolve(let cause): detail = zh ? "由 \(contact) 恢复，原因：\(cause ?? "-")" : "resolved by \(contact), cause: \(cause ?? "-")"
        case .note(let text): detail = zh ? "\(contact) 添加备注：\(text)" : "noted by \(contact): \(text)"
        }
        return zh ? "您的回复已受理（\(time)）：#\(number) \(detail)。\n" : "Your reply was applied (\(time)): #\(number) \(detail).\n"
    }

    /// The one-line text for an SMS, at most `smsLimit` characters: the subject cut to fit,
    /// and how to answer with the reply code.
    public func smsText(subject: String, code: String?) -> String {
        let tail = code.map { zh ? " 回复「\($0) 确认」" : " Reply: \($0) ack" } ?? ""
        let room = MessageCatalog.smsLimit - tail.count
        let head = subject.count > room ? String(subject.prefix(room - 1)) + "…" : subject
        return head + tail
    }

    /// How to answer with a reply code, at the end of an exec contact's message.
    public func replyByCode(_ code: String) -> String {
        zh
            ? "\n回复「\(code) 确认」即确认；「\(code) 已恢复 原因」即恢复；「\(code) 备注 内容」添加备注。\n"
            : "\nReply \"\(code) ack\" to acknowledge, \"\(code) resolve CAUSE\" to resolve, \"\(code) note TEXT\" to add a remark.\n"
    }

    /// The most characters of an SMS text (one 70-character UCS-2 message).
    public static let smsLimit = 70
}
