/// Every fixed text of the messages people read (SPEC §18), in one place per language: the
/// facts block's labels and values, subjects, "recovered", digests, the daily report and
/// how to answer. `MessageComposer` lays messages out; the words come from here.
///
/// What holds: in `zh-CN` no English label is left in a message (event values, contact and
/// rule names and the `tocsinctl` commands shown excepted); the recovered subject contains
/// `已恢复` and the daily report's `日报`, which mail filters rely on.
public struct MessageCatalog: Hashable, Sendable {
    /// The language of the texts.
    public let language: Language

    var zh: Bool { language == .chinese }

    // MARK: durations and values

    /// A duration as people read it: `1h30m` / `1小时30分`, `2d3h` / `2天3小时`.
    public func duration(_ d: RuleDuration) -> String {
        guard zh else { return d.humanAge }
        let total = max(d.milliseconds / 1000, 0)
        let days = total / 86_400
        let hours = (total % 86_400) / 3_600
        let minutes = (total % 3_600) / 60
        let seconds = total % 60
        if days > 0 { return "\(days)天" + (hours > 0 ? "\(hours)小时" : "") }
        if hours > 0 { return "\(hours)小时" + (minutes > 0 ? "\(minutes)分" : "") }
        if minutes > 0 { return "\(minutes)分" + (seconds > 0 && minutes < 5 ? "\(seconds)秒" : "") }
        return "\(seconds)秒"
    }

    /// An event's kind in words (`fault` is 故障 in Chinese); an unknown kind as it is.
    public func kind(_ kind: String?) -> String {
        guard let kind else { return zh ? "事件" : "incident" }
        guard zh else { return kind }
        switch kind {
        case "fault": return "故障"
        case "complaint": return "投诉"
        case "media": return "媒体来电"
        case "patrol": return "巡查"
        case "missed": return "漏报"
        default: return kind
        }
    }

    /// `level 2` / `2级`.
    public func level(_ severity: Int) -> String { zh ? "\(severity)级" : "level \(severity)" }

    /// A short level for lists: `L2` / `2级`.
    func shortLevel(_ severity: Int?) -> String {
        guard let severity else { return zh ? "-" : "L-" }
        return zh ? "\(severity)级" : "L\(severity)"
    }

    /// The list separator: `, ` / `、`.
    var comma: String { zh ? "，" : ", " }
    /// Names in a list: `a, b` / `a、b`.
    func names(_ names: [String]) -> String { names.joined(separator: zh ? "、" : ", ") }

    /// When the event has no summary.
    var noSummary: String { zh ? "（无摘要）" : "(no summary)" }

    // MARK: the facts block

    var labelIncident: String { zh ? "事件" : "Incident" }
    var labelWhat: String { zh ? "类别" : "What" }
    var labelBegan: String { zh ? "开始" : "Began" }
    var labelSeen: String { zh ? "次数" : "Seen" }
    var labelEscalation: String { zh ? "升级" : "Escalation" }
    var labelToldNow: String { zh ? "本次通知" : "Told now" }
    var labelToldBefore: String { zh ? "此前已通知" : "Told before" }
    var labelNext: String { zh ? "下一步" : "Next" }
    var labelRecovered: String { zh ? "恢复时间" : "Recovered" }
    var labelCause: String { zh ? "原因" : "Cause" }
    var labelBy: String { zh ? "处理人" : "By" }
    var labelTold: String { zh ? "已通知" : "Told" }
    var labelDetails: String { zh ? "详细信息：" : "Details:" }

    /// `#42, id core-1` / `#42，编号 core-1`.
    func incidentValue(_ number: IncidentNumber, id: String) -> String {
        zh ? "#\(number)，编号 \(id)" : "#\(number), id \(id)"
    }

    /// `fault, level 2` / `故障，2级`.
    func what(kind: String?, severity: Int?) -> String {
        var text = zh ? self.kind(kind) : (kind ?? "-")
        if let severity { text += comma + level(severity) }
        return text
    }

    /// Where the incident stands.
    func state(_ state: Incident.State, ackedBy: String?) -> String {
        switch state {
        case .open: return zh ? "未恢复" : "not recovered"
        case .acked: return zh ? "已由 \(ackedBy ?? "-") 确认，未恢复" : "acknowledged by \(ackedBy ?? "-"), not recovered"
        case .resolved: return zh ? "已恢复" : "recovered"
        }
    }

    /// `2026-12-04 16:30 (Asia/Shanghai), 30m ago, not recovered`.
    func began(_ at: String, zone: String, ago: RuleDuration, state: String) -> String {
        zh ? "\(at)（\(zone)），\(duration(ago))前，\(state)" : "\(at) (\(zone)), \(ago.humanAge) ago, \(state)"
    }

    /// `3 times, last at …` / `3次，最近一次 …`.
    func seen(_ count: Int, last: String) -> String { zh ? "\(count)次，最近一次 \(last)" : "\(count) times, last at \(last)" }

    /// A step's place in its rule.
    func stepPlace(rule: RuleName, step: String, of count: Int, due: String) -> String {
        zh ? "规则 \(rule)，第\(step)步（共\(count)步），时限 \(due)" : "rule \(rule), step \(step) of \(count), due \(due)"
    }

    /// A repeat's place in its rule.
    func repeatPlace(rule: RuleName, number: Int, every interval: RuleDuration?) -> String {
        let every = interval.map(duration) ?? "-"
        return zh ? "规则 \(rule)，第\(number)次重复（每\(every)）" : "rule \(rule), repeat \(number) (every \(interval?.description ?? "-"))"
    }

    /// What comes next: the next step's contacts and time.
    func nextStep(_ contacts: [String], at time: String, untilAck: Bool) -> String {
        if zh { return "\(time) 通知 \(names(contacts))（若仍未\(untilAck ? "确认" : "恢复")）" }
        return contacts.joined(separator: ", ") + " at \(time) if not \(untilAck ? "acknowledged" : "recovered")"
    }

    /// What comes next: repeats.
    func nextRepeats(every interval: RuleDuration, max: Int?) -> String {
        if zh { return "每\(duration(interval))重复一次，直至恢复" + (max.map { "（最多\($0)次）" } ?? "") }
        return "again every \(interval) until recovered" + (max.map { " (at most \($0) times)" } ?? "")
    }

    /// How to act with tocsinctl, for an id as the shell needs it.
    func commands(_ id: String, optionLike: Bool) -> String {
        let name = zh ? "姓名" : "NAME"
        let (ack, resolve) = zh ? ("确认：", "恢复：") : ("Acknowledge:", "Resolve:")
        let pad = { (label: String) in label + String(repeating: " ", count: max(1, (self.zh ? 6 : 14) - label.count)) }
        if optionLike {
            return "\n" + pad(ack) + "tocsinctl ack --by \(name) -- \(id)\n"
                + pad(resolve) + "tocsinctl resolve --cause \"...\" --by \(name) -- \(id)\n"
        }
        return "\n" + pad(ack) + "tocsinctl ack \(id) --by \(name)\n"
            + pad(resolve) + "tocsinctl resolve \(id) --cause \"...\" --by \(name)\n"
    }

    // MARK: subjects and leads

    /// The default subject of a step or repeat.
    func stepSubject(number: IncidentNumber, kind: String?, severity: Int?, late: RuleDuration?, headline: String) -> String {
        if zh {
            var text = "[Tocsin #\(number)] " + (late == nil ? "新" : "") + self.kind(kind)
            if let severity { text += " " + level(severity) }
            if let late { text += " \(duration(late))未恢复" }
            return text + "：" + headline
        }
        var text = "[Tocsin #\(number)] " + (late == nil ? "new " : "") + (kind ?? "incident")
        if let severity { text += " level \(severity)" }
        if let late { text += " not recovered after \(late.humanAge)" }
        return text + ": " + headline
    }

    /// The recovered message's subject (contains 已恢复 in Chinese).
    func recoveredSubject(number: IncidentNumber, after: RuleDuration, headline: String) -> String {
        zh ? "[Tocsin #\(number)] 已恢复（历时\(duration(after))）：\(headline)"
            : "[Tocsin #\(number)] RECOVERED after \(after.humanAge): \(headline)"
    }

    /// Before the list of children still open in a parent's "recovered" message.
    func childrenHeading(_ count: Int) -> String {
        zh ? "\n仍未恢复的关联事件（\(count)个，现恢复升级计时）：\n" : "\nStill open among the incidents that waited on it (\(count); their escalation runs again now):\n"
    }

    /// The cause of a missed heartbeat's recovery.
    var heartbeatReceived: String { zh ? "已收到心跳事件" : "heartbeat received" }

    /// The summary of a missed heartbeat's incident.
    func missedHeartbeat(_ name: String, after: RuleDuration) -> String {
        zh ? "心跳缺失：\(name) 已超过\(duration(after))未收到" : "missed heartbeat: no \(name) event for \(after.humanAge)"
    }

    var labelAckedBy: String { zh ? "确认人" : "Acked by" }

    /// The "ack expired" subject.
    func ackExpiredSubject(number: IncidentNumber, by: String, headline: String) -> String {
        zh ? "[Tocsin #\(number)] 确认已超时，仍未恢复（\(by) 确认）：\(headline)"
            : "[Tocsin #\(number)] ACK EXPIRED, still not recovered (acked by \(by)): \(headline)"
    }

    /// The "ack expired" first line.
    func ackExpiredLead(_ summary: String) -> String {
        zh ? "确认已超时，事件仍未恢复，升级继续：\(summary)" : "The acknowledgement ran out and the incident is still not recovered; escalation goes on: \(summary)"
    }

    /// The recovered message's first line.
    func recoveredLead(_ summary: String) -> String { zh ? "已恢复：\(summary)" : "Recovered: \(summary)" }

    /// `2026-12-04 17:10 (40m after it began)`.
    func recoveredAt(_ at: String, after: RuleDuration) -> String {
        zh ? "\(at)（开始后\(duration(after))）" : "\(at) (\(after.humanAge) after it began)"
    }
}
