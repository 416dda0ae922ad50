/// The texts of storm digests and the daily report.
extension MessageCatalog {
    // MARK: digests

    /// `[Tocsin] 3 escalations, 1 recovered for fault-major — FIRST`.
    func digestSubject(escalations: Int, recovered: Int, group: String, first: String) -> String {
        var counts: [String] = []
        if zh {
            if escalations > 0 { counts.append("\(escalations)条升级") }
            if recovered > 0 { counts.append("\(recovered)条已恢复") }
            return "[Tocsin] \(group)：\(counts.joined(separator: "、")) — " + first
        }
        if escalations > 0 { counts.append("\(escalations) escalation" + (escalations == 1 ? "" : "s")) }
        if recovered > 0 { counts.append("\(recovered) recovered") }
        return "[Tocsin] \(counts.joined(separator: ", ")) for \(group) — " + first
    }

    /// The digest's first paragraph.
    func digestLead(count: Int, contact: ContactName, at: String) -> String {
        zh ? "风暴控制：发给 \(contact) 的 \(count) 条通知已合并，于 \(at) 一并发送：\n\n"
            : "\(count) notifications for \(contact) were gathered (storm control) and are sent together, \(at):\n\n"
    }

    /// The line for those a digest only counts.
    func digestMore(_ count: Int) -> String {
        zh ? "- …… 另有 \(count) 条：tocsinctl list --open\n" : "- … and \(count) more: tocsinctl list --open\n"
    }

    /// Before the first message's body.
    var digestDetails: String { zh ? "\n第一条的详细信息：\n\n" : "\nDetails of the first:\n\n" }

    // MARK: the daily report

    /// The report's subject (contains 日报 in Chinese).
    func reportSubject(day: String, opened: Int, resolved: Int, open: Int) -> String {
        zh ? "[Tocsin] 日报 \(day)：新增\(opened)，已恢复\(resolved)，仍未恢复\(open)"
            : "[Tocsin] Daily summary \(day): \(opened) opened, \(resolved) resolved, \(open) still open"
    }

    /// The report's first line.
    func reportLead(day: String, time: String, zone: String) -> String {
        zh ? "\(day) 日报，\(time)（\(zone)）\n\n" : "Daily summary for \(day), \(time) (\(zone))\n\n"
    }

    /// The report's table of counts.
    func reportCounts(opened: Int, byKind: [(String, Int)], resolved: Int, steps: Int, open: Int) -> [(String, String)] {
        if zh {
            let kinds = byKind.map { "\(kind($0.0)) \($0.1)" }.joined(separator: "、")
            return [
                ("新增", "\(opened)" + (kinds.isEmpty ? "" : "（\(kinds)）")),
                ("已恢复", "\(resolved)"),
                ("升级", "已触发 \(steps) 步"),
                ("仍未恢复", "\(open)"),
            ]
        }
        let kinds = byKind.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return [
            ("Opened", "\(opened)" + (kinds.isEmpty ? "" : " (\(kinds))")),
            ("Resolved", "\(resolved)"),
            ("Escalations", "\(steps) steps fired"),
            ("Still open", "\(open)"),
        ]
    }

    var reportOpenHeading: String { zh ? "\n仍未恢复（按严重程度）：\n" : "\nStill open, most serious first:\n" }
    var reportAcked: String { zh ? "[已确认] " : "[acked] " }

    /// `since 2026-12-04 09:00 (8h)` / `自 … 起（8小时）`.
    func since(_ at: String, age: RuleDuration) -> String { zh ? "自 \(at) 起（\(duration(age))）" : "since \(at) (\(age.humanAge))" }

    /// `… and 7 more: COMMAND`.
    func andMore(_ count: Int, command: String) -> String {
        zh ? "  …… 另有 \(count) 条：\(command)\n" : "  … and \(count) more: \(command)\n"
    }

    var reportResolvedHeading: String { zh ? "\n已恢复：\n" : "\nResolved:\n" }

    /// `recovered in 40m, cause: …`.
    func recoveredIn(_ took: String, cause: String) -> String { zh ? "用时 \(took)，原因：\(cause)" : "recovered in \(took), cause: \(cause)" }

    var reportDutyHeading: String { zh ? "\n值班：\n" : "\nOn duty:\n" }

    /// `shift-lead: today lead-zhang, tomorrow lead-li`.
    func duty(roster: String, today: String, tomorrow: String) -> String {
        zh ? "  \(roster)：今天 \(today)，明天 \(tomorrow)\n" : "  \(roster): today \(today), tomorrow \(tomorrow)\n"
    }

    /// The warning of a year with no holiday data.
    func missingYear(_ year: Int) -> String {
        zh ? "\n规则中没有 \(year) 年的节假日安排：该年只按周一至周五计算工作日；国务院办公厅通知发布后请在规则中补充。\n"
            : "\nThe rules have no holiday lines for \(year): it counts as weekdays only; add them once the State Council's notice is out.\n"
    }

    /// Where the whole record is.
    func record(day: String) -> String {
        zh ? "\n故障记录：tocsinctl export --since \(day) --csv\n" : "\nThe fault record: tocsinctl export --since \(day) --csv\n"
    }
}
