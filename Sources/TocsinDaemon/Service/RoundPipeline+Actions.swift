import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

extension RoundPipeline {
    /// Carries out the engine's actions inside the round's transaction: store writes now,
    /// journal entries and notifications once committed. `event` is the event they answer,
    /// with its logfmt line: an incident it opens with exactly its fields stores that line
    /// rather than writing it out again.
    func apply(
        _ actions: consuming [EngineAction], now: Timestamp, source: EventSource?, event: (Event, String)? = nil,
        effects: inout RoundEffects
    ) {
        if actions.count > 64 { batch.reserve(2 * actions.count) }  // an action is one or two operations (a release three)
        for index in actions.indices {
            // Each action is moved out of the array, not copied: what it carries (a storm's
            // held message, say) moves on into the batch without a copy of its own.
            var action = RoundPipeline.movedOut
            swap(&action, &actions[index])
            switch consume action {
            case .opened(let incident):
                // Its timeline starts with the event that opened it (`accepted`); a later change
                // of rule is a "moved" entry.
                batch.save(incident, fieldsText: event.flatMap { $0.0 == incident.fields ? $0.1 : nil })
                let rule = incident.rule.map { "rule \($0)" } ?? "no rule matches"
                note(
                        .incidentOpened, incident.rule == nil ? .warning : .notice,
                        "incident #\(incident.number) \(incident.id) opened: \(incident.summary ?? "-") (\(rule))",
                        fields: incidentFields(incident), into: &effects)
            case .deduplicated(let incident), .noted(let incident):
                batch.save(incident)
            case .moved(let incident, let from):
                batch.save(incident)
                let detail = "from rule \(from?.rawValue ?? "none") to \(incident.rule?.rawValue ?? "none")"
                batch.appendTimeline(incident: incident.number, at: now, what: "moved", detail: detail)
                note(.incidentMoved, .notice, "incident #\(incident.number) \(incident.id) moved \(detail)", fields: incidentFields(incident), into: &effects)
            case .acknowledged(let incident):
                ackedCount += 1
                batch.save(incident)
                note(.incidentAcknowledged, .notice, "incident #\(incident.number) \(incident.id) acknowledged by \(incident.ackedBy ?? "-")", fields: incidentFields(incident), into: &effects)
            case .resolved(let incident):
                if incident.ackedAt != nil { ackedCount = max(0, ackedCount - 1) }
                batch.save(incident)
                batch.deleteHolds(incident.number)
                let detail = "cause: \(incident.cause ?? "-"), by: \(incident.resolvedBy ?? "-")"
                batch.appendTimeline(incident: incident.number, at: now, what: "resolved", detail: detail)
                note(.incidentResolved, .notice, "incident #\(incident.number) \(incident.id) resolved (\(detail))", fields: incidentFields(incident), into: &effects)
            case .stepFired(let incident, let firing):
                metrics.stepsFired += 1
                batch.saveProgress(incident)
                batch.appendStepFired(incident: incident.number, at: now, label: firing.label, contacts: firing.contacts)
                let contacts = { firing.contacts.map(\.rawValue).joined(separator: " ") }  // only for a journal entry made
                note(
                    .stepFired, .notice, "incident #\(incident.number) \(incident.id): step \(firing.label) of \(incident.rule?.rawValue ?? "-") fired: \(contacts())",
                    fields: incidentFields(incident) + [("TOCSIN_STEP", firing.label), ("TOCSIN_CONTACT", contacts())], into: &effects)
            case .send(let message):
                queue(message, now: now, effects: &effects)
            case .hold(let held):
                batch.saveHeld(held)
            case .release(let release, let message):
                batch.deleteHeld(release)
                queue(message, now: now, effects: &effects)
            case .reportSent(let time, let at):
                batch.recordReport(time: time, at: at)
            case .heartbeat(let name, let at):
                batch.setMeta(Store.heartbeatKeyPrefix + name, String(at.milliseconds))
            case .holdRecorded(let number, let hold):
                batch.saveHold(number, hold)
            case .ackExpired(let incident):
                ackedCount = max(0, ackedCount - 1)
                batch.save(incident)
                batch.appendTimeline(incident: incident.number, at: now, what: "ack expired", detail: "acked by \(incident.ackedBy ?? "-")")
                note(.incidentAcknowledged, .notice, "incident #\(incident.number) \(incident.id): the ack by \(incident.ackedBy ?? "-") expired; it is open again", fields: incidentFields(incident), into: &effects)
            case .silenceAdded(let silence):
                batch.saveSilence(silence)
                let zone = rules.settings.zone
                note(
                    .silenceCreated, .notice,
                    "silence #\(silence.number) created by \(silence.by): \(silence.matchText) from \(zone.shortString(silence.from)) until \(zone.shortString(silence.until)) (\(silence.reason))",
                    fields: silenceFields(silence), into: &effects)
            case .silenceExpired(let silence, let early, let by):
                if early { batch.saveSilence(silence) }
                let how = early ? "expired early by \(by ?? "-")" : "expired"
                note(.silenceExpired, .notice, "silence #\(silence.number) \(how): \(silence.matchText)", fields: silenceFields(silence), into: &effects)
            }
        }
    }

    /// What `apply` leaves in an action's place.
    private static let movedOut = EngineAction.reportSent(time: TimeOfDay(hour: 0, minute: 0)!, at: Timestamp(milliseconds: 0))

    func queue(_ message: OutboundMessage, now: Timestamp, effects: inout RoundEffects) {
        var item = OutboxItem.rendering(message, settings: rules.settings, proof: replyProof)
        item.nextAttempt = now
        batch.saveOutbox(item)
        batch.appendTimeline(incident: message.incident, at: now, what: "queued", detail: "\(message.contact) \(message.step) <\(message.messageID)>")
        effects.outbox.append(item)
    }

    func silenceFields(_ silence: Silence) -> [(String, String)] {
        [
            ("TOCSIN_SILENCE", String(silence.number)), ("TOCSIN_MATCH", silence.matchText), ("TOCSIN_REASON", silence.reason),
            ("TOCSIN_BY", silence.by), ("TOCSIN_UNTIL", RFC3339.format(silence.end, offsetSeconds: 0)),
        ]
    }

    func incidentFields(_ incident: Incident) -> [(String, String)] {
        var fields: [(String, String)] = [("TOCSIN_INCIDENT", incident.number.description), ("TOCSIN_ID", incident.id)]
        if let kind = incident.kind { fields.append(("TOCSIN_KIND", kind)) }
        if let severity = incident.severity { fields.append(("TOCSIN_SEVERITY", String(severity))) }
        if let rule = incident.rule { fields.append(("TOCSIN_RULE", rule.rawValue)) }
        return fields
    }
}
