/// Writes the messages: subjects and bodies from the rule's templates or the defaults, and
/// stable Message-IDs. Pure text, so it is tested exactly.
///
/// The default subject and body are meant to be read on a phone at a glance: what, where,
/// how long, who else was told, and how to acknowledge or resolve.
public struct MessageComposer: Sendable {
    /// `prefix` and `domain` make Message-IDs `prefix.42.fault-major.s1.centre-manager@domain`.
    public var idPrefix: String
    /// The right-hand side of Message-IDs (normally the host name).
    public var idDomain: String

    /// Creates a composer.
    public init(idPrefix: String = "tocsin", idDomain: String = "localhost") {
        self.idPrefix = idPrefix
        self.idDomain = idDomain
    }

    /// The template values of an incident at `now`, for `{incident}`, `{age}`, …
    func values(_ incident: Incident, rule: RuleName?, step: String, deadline: Timestamp?, now: Timestamp, zone: Zone)
        -> (String) -> String?
    {
        { name in
            switch name {
            case "incident": incident.number.description
            case "rule": rule?.rawValue
            case "step": step
            case "state": incident.state.rawValue
            case "age": (now - incident.began).humanAge
            case "at": zone.shortString(incident.began)
            case "deadline": deadline.map(zone.shortString)
            default: incident.fields[name]
            }
        }
    }

    /// Held messages a digest lists by subject; the rest it counts.
    public static let digestListLimit = 200

    /// A step or repeat message for one contact.
    func stepMessage(
        _ incident: Incident, rule: Rule, firing: StepFiring, contact: Contact, rules: RuleSet, next: String?,
        now: Timestamp, detail: MessageDetail = .full
    ) -> OutboundMessage {
        if detail == .counted {
            // Only counted by the digest it joins, never sent on its own: no subject, no
            // Message-ID, nothing of the incident but its number.
            return OutboundMessage(
                messageID: "", contact: contact.name, channel: contact.channel,
                purpose: firing.repeatNumber == nil ? .step : .repeated, subject: "", body: "", inReplyTo: nil, created: now,
                incident: incident.number, rule: rule.name, step: firing.label)
        }
        let zone = rules.settings.zone
        let words = rules.settings.language.catalog
        // The template values only when the rule has a template (a closure holding a copy of
        // the incident is not made for nothing).
        let lookup = { self.values(incident, rule: rule.name, step: firing.label, deadline: firing.deadline, now: now, zone: zone) }
        let subject = rule.subject?.render(lookup()) ?? defaultSubject(incident, delay: firing.deadline - incident.began, now: now, words: words)
        guard detail == .full else {
            // Joins a storm digest that already has its details: only the subject is read.
            return OutboundMessage(
                messageID: stepMessageID(incident.number, rule: rule.name, firing: firing, contact: contact.name),
                contact: contact.name, channel: contact.channel,
                purpose: firing.repeatNumber == nil ? .step : .repeated, subject: subject, body: "",
                inReplyTo: incident.threadRoot, created: now, incident: incident.number, incidentID: incident.id,
                kind: incident.kind, severity: incident.severity, rule: rule.name, step: firing.label)
        }
        let lead = rule.body?.render(lookup()) ?? (incident.summary ?? words.noSummary)
        let stepsText =
            if let number = firing.repeatNumber {
                words.repeatPlace(rule: rule.name, number: number, every: rule.repetition?.interval)
            } else {
                words.stepPlace(rule: rule.name, step: firing.label, of: rule.steps.count, due: zone.clockString(firing.deadline))
            }
        var facts = factLines(incident, zone: zone, now: now, words: words)
        facts.append((words.labelEscalation, stepsText))
        facts.append((words.labelToldNow, words.names(firing.contacts.map(\.rawValue))))
        let before = incident.told.filter { !firing.contacts.contains($0) }
        if !before.isEmpty { facts.append((words.labelToldBefore, words.names(before.map(\.rawValue)))) }
        if let next { facts.append((words.labelNext, next)) }
        var body = compose(lead: lead, facts: facts, incident: incident, words: words)
        if rules.settings.replyTo != nil, contact.isMail { body += words.replyHow }
        return OutboundMessage(
            messageID: stepMessageID(incident.number, rule: rule.name, firing: firing, contact: contact.name),
            contact: contact.name, channel: contact.channel,
            purpose: firing.repeatNumber == nil ? .step : .repeated, subject: subject, body: body,
            inReplyTo: incident.threadRoot, created: now, incident: incident.number, incidentID: incident.id,
            kind: incident.kind, severity: incident.severity, rule: rule.name, step: firing.label)
    }

    /// The "recovered" message to someone already told.
    func recoveredMessage(
        _ incident: Incident, contact: Contact, rules: RuleSet, now: Timestamp, stillOpen children: [Incident] = []
    ) -> OutboundMessage {
        let zone = rules.settings.zone
        let words = rules.settings.language.catalog
        let end = incident.resolvedAt ?? now
        let subject = words.recoveredSubject(number: incident.number, after: end - incident.began, headline: headline(incident))
        var facts = factLines(incident, zone: zone, now: now, words: words)
        facts.append((words.labelRecovered, words.recoveredAt(zone.shortString(end), after: end - incident.began)))
        facts.append((words.labelCause, incident.cause ?? "-"))
        facts.append((words.labelBy, incident.resolvedBy ?? "-"))
        facts.append((words.labelTold, words.names(incident.told.map(\.rawValue))))
        var body = words.recoveredLead(incident.summary ?? words.noSummary) + "\n\n"
        body += table(facts)
        if !children.isEmpty {
            // The incidents that waited on this one and are still open: their steps run again now.
            body += words.childrenHeading(children.count)
            for child in children.prefix(MessageComposer.digestListLimit) {
                body += "  #\(child.number) \(child.id) — \(child.summary ?? words.noSummary)\n"
            }
            if children.count > MessageComposer.digestListLimit {
                body += words.andMore(children.count - MessageComposer.digestListLimit, command: "tocsinctl list --open")
            }
        }
        return OutboundMessage(
            messageID: messageID(incident.number.description, "recovered", contact.name.rawValue),
            contact: contact.name, channel: contact.channel, purpose: .recovered, subject: subject, body: body,
            inReplyTo: incident.threadRoot, created: now, incident: incident.number, incidentID: incident.id,
            kind: incident.kind, severity: incident.severity, rule: incident.rule, step: "recovered")
    }

    /// "Ack expired": the acknowledgement ran out with the incident still open (SPEC §16).
    func ackExpiredMessage(_ incident: Incident, contact: Contact, rules: RuleSet, now: Timestamp) -> OutboundMessage {
        let zone = rules.settings.zone
        let words = rules.settings.language.catalog
        let subject = words.ackExpiredSubject(number: incident.number, by: incident.ackedBy ?? "-", headline: headline(incident))
        var facts = factLines(incident, zone: zone, now: now, words: words)
        facts.append((words.labelAckedBy, (incident.ackedBy ?? "-") + (incident.ackedAt.map { " " + zone.shortString($0) } ?? "")))
        let lead = words.ackExpiredLead(incident.summary ?? words.noSummary)
        let body = compose(lead: lead, facts: facts, incident: incident, words: words)
        let at = incident.ackedAt.map { String($0.milliseconds) } ?? "0"
        return OutboundMessage(
            messageID: messageID(incident.number.description, "ack-expired", at, contact.name.rawValue),
            contact: contact.name, channel: contact.channel, purpose: .ackExpired, subject: subject, body: body,
            inReplyTo: incident.threadRoot, created: now, incident: incident.number, incidentID: incident.id,
            kind: incident.kind, severity: incident.severity, rule: incident.rule, step: "ack-expired")
    }

    /// The answer to `contact`'s reply that acted on the incident (SPEC §17), threaded to it.
    /// `key` is the reply's own key, so a confirmation is made once per reply.
    public func confirmationMessage(
        _ incident: Incident, action: ReplyAction, contact: Contact, key: String, rules: RuleSet, now: Timestamp
    ) -> OutboundMessage {
        let zone = rules.settings.zone
        let words = rules.settings.language.catalog
        let subject = words.confirmationSubject(number: incident.number, action: action, headline: headline(incident))
        var body = words.confirmationLead(number: incident.number, action: action, by: contact.name.rawValue, at: zone.shortString(now))
        body += "\n" + table(factLines(incident, zone: zone, now: now, words: words))
        let tag = SHA256.hex(SHA256.hash(Array(key.utf8)).prefix(6))
        return OutboundMessage(
            messageID: messageID(incident.number.description, "reply", tag, contact.name.rawValue),
            contact: contact.name, channel: contact.channel, purpose: .confirmation, subject: subject, body: body,
            inReplyTo: incident.threadRoot, created: now, incident: incident.number, incidentID: incident.id,
            kind: incident.kind, severity: incident.severity, rule: incident.rule, step: "reply")
    }

    /// Several held messages to one contact as one digest.
    func digest(
        _ messages: [OutboundMessage], contact: Contact, group: String, now: Timestamp, zone: Zone,
        language: Language = .english
    ) -> OutboundMessage {
        let words = language.catalog
        let recovered = messages.filter { $0.purpose == .recovered }.count
        let subject = words.digestSubject(
            escalations: messages.count - recovered, recovered: recovered, group: group, first: messages[0].subject)
        var body = words.digestLead(count: messages.count, contact: contact.name, at: zone.shortString(now))
        let shown = messages.prefix(MessageComposer.digestListLimit)
        for message in shown { body += "- " + HeaderText.sanitized(message.subject) + "\n" }
        if messages.count > shown.count { body += words.digestMore(messages.count - shown.count) }
        // The first held message has its body; later ones joined a gathering storm without.
        var details = (messages.first { !$0.body.isEmpty } ?? messages[0]).body
        if details.hasSuffix(words.replyHow) {
            // How to answer an incident's mail does not hold for the digest (SPEC §17).
            details.removeLast(words.replyHow.count)
            details += words.digestNoReply
        }
        body += words.digestDetails + details
        return OutboundMessage(
            messageID: messageID("digest", group, contact.name.rawValue, String(now.milliseconds)),
            contact: contact.name, channel: contact.channel, purpose: .digest, subject: subject, body: body,
            inReplyTo: nil, created: now, incident: nil, incidents: messages.compactMap(\.incident), step: "digest")
    }

    /// The daily summary.
    func report(
        _ ledger: DayLedger, open: [Incident], openCount: Int, contact: Contact, time: TimeOfDay, now: Timestamp,
        zone: Zone, duty: [(roster: String, today: String, tomorrow: String)] = [], missingHolidayYears: [Int] = [],
        language: Language = .english
    ) -> OutboundMessage {
        let words = language.catalog
        let day = zone.local(now).dateString
        let subject = words.reportSubject(
            day: day, opened: ledger.openedCount, resolved: ledger.resolvedCount, open: openCount)
        var body = words.reportLead(day: day, time: zone.clockString(now), zone: zone.identifier)
        body += table(
            words.reportCounts(
                opened: ledger.openedCount, byKind: ledger.openedByKind.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                resolved: ledger.resolvedCount, steps: ledger.stepsFired, open: openCount))
        if !open.isEmpty {
            body += words.reportOpenHeading
            for incident in open {
                body += "  #\(incident.number) \(words.kind(incident.kind)) \(words.shortLevel(incident.severity)) "
                body += "\(incident.state == .acked ? words.reportAcked : "")\(incident.summary ?? incident.id) — "
                body += words.since(zone.shortString(incident.began), age: now - incident.began) + "\n"
            }
            if openCount > open.count { body += words.andMore(openCount - open.count, command: "tocsinctl list --open") }
        }
        if !ledger.resolved.isEmpty {
            body += words.reportResolvedHeading
            for entry in ledger.resolved {
                let took = entry.resolvedAt.map { words.duration($0 - entry.began) } ?? "-"
                body += "  #\(entry.incident) \(words.kind(entry.kind)) \(words.shortLevel(entry.severity)) \(entry.summary) — "
                body += words.recoveredIn(took, cause: entry.cause ?? "-") + "\n"
            }
            if ledger.resolvedCount > ledger.resolved.count {
                body += words.andMore(ledger.resolvedCount - ledger.resolved.count, command: "tocsinctl export --since \(day)")
            }
        }
        if !duty.isEmpty {
            body += words.reportDutyHeading
            for line in duty { body += words.duty(roster: line.roster, today: line.today, tomorrow: line.tomorrow) }
        }
        for year in missingHolidayYears { body += words.missingYear(year) }
        body += words.record(day: day)
        return OutboundMessage(
            messageID: messageID("report", day, time.description.replacingOccurrences(":", with: ""), contact.name.rawValue),
            contact: contact.name, channel: contact.channel, purpose: .report, subject: subject, body: body,
            inReplyTo: nil, created: now, incident: nil, step: "report")
    }

    // MARK: pieces

    func headline(_ incident: Incident) -> String {
        incident.summary ?? incident.id
    }

    func defaultSubject(_ incident: Incident, delay: RuleDuration, now: Timestamp, words: MessageCatalog) -> String {
        guard words.language == .english else {
            return words.stepSubject(
                number: incident.number, kind: incident.kind, severity: incident.severity,
                late: delay.milliseconds > 0 ? now - incident.began : nil, headline: headline(incident))
        }
        // Bytes gathered once and made a string once (a storm makes 100,000 of them; appending
        // to a String piece by piece cost several times as much).
        let headline = headline(incident)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + headline.utf8.count)
        bytes.append(contentsOf: "[Tocsin #".utf8)
        MessageComposer.appendDecimal(incident.number.value, to: &bytes)
        bytes.append(contentsOf: (delay.milliseconds <= 0 ? "] new " : "] ").utf8)
        bytes.append(contentsOf: (incident.kind ?? "incident").utf8)
        if let severity = incident.severity {
            bytes.append(contentsOf: " level ".utf8)
            MessageComposer.appendDecimal(Int64(severity), to: &bytes)
        }
        if delay.milliseconds > 0 {
            bytes.append(contentsOf: " not recovered after ".utf8)
            bytes.append(contentsOf: (now - incident.began).humanAge.utf8)
        }
        bytes.append(contentsOf: ": ".utf8)
        bytes.append(contentsOf: headline.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` in decimal ASCII.
    static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(0x2D) }
        let first = bytes.count
        var magnitude = value.magnitude
        repeat {
            bytes.append(0x30 + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[first...].reverse()
    }

    func factLines(_ incident: Incident, zone: Zone, now: Timestamp, words: MessageCatalog) -> [(String, String)] {
        var facts: [(String, String)] = [
            (words.labelIncident, words.incidentValue(incident.number, id: incident.id)),
            (words.labelWhat, words.what(kind: incident.kind, severity: incident.severity)),
        ]
        let state = words.state(incident.state, ackedBy: incident.ackedBy)
        facts.append((words.labelBegan, words.began(zone.shortString(incident.began), zone: zone.identifier, ago: now - incident.began, state: state)))
        if incident.count > 1 { facts.append((words.labelSeen, words.seen(incident.count, last: zone.shortString(incident.lastSeen)))) }
        return facts
    }

    func compose(lead: String, facts: [(String, String)], incident: Incident, words: MessageCatalog) -> String {
        var body = lead + "\n\n" + table(facts)
        let others = incident.fields.fields.filter { !["action", "id", "kind", "severity", "summary", "at"].contains($0.key) }
        if !others.isEmpty {
            body += "\n" + words.labelDetails + "\n"
            for field in others { body += "  \(field.key): \(field.value)\n" }
        }
        // An id that reads as an option goes after '--'.
        body += words.commands(ShellWord.quoted(incident.id), optionLike: incident.id.hasPrefix("-"))
        return body
    }

    /// Label and value columns, the labels padded to one display width (a Chinese
    /// character takes two columns).
    func table(_ rows: [(String, String)]) -> String {
        let width = rows.map { DisplayWidth.of($0.0) }.max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - DisplayWidth.of($0.0) + 2) + $0.1 + "\n" }.joined()
    }
}

/// Quoting for a word shown as part of a shell command a reader may copy.
public enum ShellWord {
    /// The word as is when it is safe, else in single quotes.
    public static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || "-_.:/@+=,".utf8.contains(byte)
        }
        return safe ? word : "'" + word.replacingOccurrences("'", with: "'\\''") + "'"
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (without Foundation).
    public func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
