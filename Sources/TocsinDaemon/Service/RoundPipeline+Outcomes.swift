import TocsinCore
import TocsinSystem
import TocsinStore

/// A round's delivery results: sent, to retry, given up on.
extension RoundPipeline {
    /// The delivery results since the last round, recorded in its batch.
    func record(_ outcomes: [Outbox.Outcome], now: Timestamp, effects: inout RoundEffects) {
        for outcome in outcomes {
            switch outcome {
            case .sent(let item):
                metrics.sent[item.message.channel] += 1
                batch.markSent(item.message.messageID, at: now, attempts: item.attempts)
                batch.appendTimeline(incident: item.message.incident, at: now, what: "sent", detail: "\(item.message.contact) \(item.message.step) <\(item.message.messageID)>")
                note(.notificationSent, .info, "notified \(item.message.contact): \(item.message.subject)", fields: messageFields(item, sent: true), into: &effects)
            case .retry(let item):
                batch.markAttempt(item.message.messageID, attempts: item.attempts, error: item.lastError ?? "-", nextAttempt: item.nextAttempt)
                note(.notificationFailed, .warning, "notifying \(item.message.contact) failed (attempt \(item.attempts), will retry): \(item.lastError ?? "-")", fields: messageFields(item), into: &effects)
            case .failed(let item):
                failedCount += 1
                metrics.failed[item.message.channel] += 1
                batch.markAttempt(item.message.messageID, attempts: item.attempts, error: item.lastError ?? "-", nextAttempt: nil)
                batch.appendTimeline(incident: item.message.incident, at: now, what: "failed", detail: "\(item.message.contact): \(item.lastError ?? "-")")
                note(.notificationFailed, .error, "gave up notifying \(item.message.contact) after \(item.attempts) attempts: \(item.lastError ?? "-")", fields: messageFields(item), into: &effects)
            }
        }
    }

    /// The journal fields of a notification; a sent one carries its attempt count, not the
    /// error of an earlier attempt.
    func messageFields(_ item: OutboxItem, sent: Bool = false) -> [(String, String)] {
        let m = item.message
        var fields: [(String, String)] = [("TOCSIN_CONTACT", m.contact.rawValue), ("TOCSIN_MESSAGE_ID", m.messageID), ("TOCSIN_STEP", m.step)]
        if let incident = m.incident { fields.append(("TOCSIN_INCIDENT", incident.description)) }
        if let id = m.incidentID { fields.append(("TOCSIN_ID", id)) }
        if let kind = m.kind { fields.append(("TOCSIN_KIND", kind)) }
        if let severity = m.severity { fields.append(("TOCSIN_SEVERITY", String(severity))) }
        if let rule = m.rule { fields.append(("TOCSIN_RULE", rule.rawValue)) }
        fields.append(("TOCSIN_ATTEMPTS", String(item.attempts)))
        if !sent, let error = item.lastError { fields.append(("TOCSIN_ERROR", error)) }
        return fields
    }
}
