import TocsinCore
import TocsinSystem
import TocsinStore

extension RoundPipeline {
    /// A `reply` line from `tocsinctl mail-in` or `tocsinctl reply` (SPEC §17). It acts only
    /// with a proof signed by this tocsind's key, from an address (or for an SMS, the
    /// contact) the message was sent to, once per reply; it acts `by` that contact, as the
    /// matching `tocsinctl ack/resolve/note` would, and the replier gets a confirmation. A
    /// refusal is answered `refused reason=…` and journaled as input rejected.
    func handleReply(_ text: String, source: EventSource, connection: UInt64, now: Timestamp, effects: inout RoundEffects) {
        let parsed = ReplyRequest.parse(text)
        func refuse(_ reason: String) {
            effects.replies.append((connection, "refused reason=" + Event.logfmtQuoted(reason)))
            let request = try? parsed.get()
            let via = request?.via.rawValue ?? source.name
            note(
                .inputRejected, .warning, "reply refused (\(via)" + (request.map { " from \($0.from)" } ?? "") + "): \(reason)",
                fields: [("TOCSIN_SOURCE", via), ("TOCSIN_REASON", reason)]
                    + (request.map { [("TOCSIN_FROM", $0.from), ("TOCSIN_REPLY_KEY", $0.key)] } ?? []),
                into: &effects)
        }
        let request: ReplyRequest
        switch parsed {
        case .failure(let error): return refuse(error.message)
        case .success(let value): request = value
        }
        if let automatic = request.automatic { return refuse("an automatic reply (\(automatic)) never acts") }
        guard !replyKeys.contains(request.key) else { return refuse("the same reply (\(request.key)) has acted already") }
        let answered: (incident: IncidentNumber, contact: Contact, text: String)
        switch request.via == .mail ? mailSender(request) : smsSender(request) {
        case .failure(let reason): return refuse(reason.message)
        case .success(let found): answered = found
        }
        guard let action = ReplyAction.parse(answered.text) else {
            let shown = answered.text.isEmpty ? "the reply has no text of its own" : "its first line '\(answered.text.prefix(60))' is no command"
            return refuse("\(shown): write ack / 确认 / 收到, resolve CAUSE / 已恢复 CAUSE, or note TEXT / 备注 TEXT")
        }
        guard let incident = engine.incident(number: answered.incident) else {
            return refuse("incident #\(answered.incident) is no longer open")
        }
        var fields = [EventField("action", action.verb), EventField("id", incident.id), EventField("by", answered.contact.name.rawValue)]
        switch action {
        case .ack: break
        case .resolve(let cause): if let cause { fields.append(EventField("cause", RoundPipeline.eventValue(cause))) }
        case .note(let remark): fields.append(EventField("text", RoundPipeline.eventValue(remark)))
        }
        let event = Event(fields: fields)
        let replySource = EventSource(name: request.via.rawValue + ":" + answered.contact.name.rawValue, uid: source.uid, pid: source.pid)
        switch engine.receive(event, now: now) {
        case .failure(let error): return refuse(error.message)
        case .success(let (receipt, actions)):
            // The incident as the reply left it (a resolved one is no longer in the engine).
            var current = engine.incident(number: receipt.incident) ?? incident
            for case .resolved(let resolved) in actions where resolved.number == receipt.incident { current = resolved }
            let logfmt = accepted(event, receipt, source: replySource, now: now, effects: &effects)
            apply(actions, now: now, source: replySource, event: (event, logfmt), effects: &effects)
            replyKeys.insert(request.key)
            batch.recordReply(AppliedReply(key: request.key, at: now, incident: receipt.incident, contact: answered.contact.name, action: action.verb))
            queue(
                engine.composer.confirmationMessage(current, action: action, contact: answered.contact, key: request.key, rules: rules, now: now),
                now: now, effects: &effects)
            effects.replies.append((connection, RoundPipeline.okReply(receipt) + " action=\(action.verb) by=" + Event.logfmtQuoted(answered.contact.name.rawValue)))
        }
    }

    /// The incident and contact a mail reply answers: a reference whose signature holds,
    /// sent to a contact that owns the From address.
    private func mailSender(_ request: ReplyRequest) -> Result<(incident: IncidentNumber, contact: Contact, text: String), ReplyRefusal> {
        let verified = request.references.compactMap { replyProof.verify($0) }
        guard !verified.isEmpty else {
            return .failure(ReplyRefusal(message: "no proof that it answers a message of this tocsind: no In-Reply-To or References id carries a valid signature (an incident number or subject alone is never enough)"))
        }
        var named: [ContactName] = []
        for (incident, original) in verified {
            guard let name = ReplyProof.contact(of: original, among: rules.contacts.keys), let contact = rules.contacts[name] else { continue }
            if contact.owns(address: request.from) { return .success((incident, contact, request.text)) }
            named.append(name)
        }
        let whose = named.isEmpty ? "the contact the message was sent to (no longer in the rules)" : "contact " + named.map(\.rawValue).joined(separator: ", ")
        return .failure(ReplyRefusal(message: "From <\(request.from)> is not an address of \(whose)"))
    }

    /// The incident an SMS reply's code names, when the code was sent to that contact.
    private func smsSender(_ request: ReplyRequest) -> Result<(incident: IncidentNumber, contact: Contact, text: String), ReplyRefusal> {
        guard let contact = rules.contacts[ContactName(request.from)] else {
            return .failure(ReplyRefusal(message: "no contact '\(request.from)' in the rules"))
        }
        guard let (code, rest) = ReplyProof.findCode(in: request.text) else {
            return .failure(ReplyRefusal(message: "the reply carries no reply code (such as 42-K7Q2M9AB)"))
        }
        guard let incident = replyProof.verify(code: code, contact: contact.name) else {
            return .failure(ReplyRefusal(message: "the reply code \(code) is not one sent to \(contact.name)"))
        }
        return .success((incident, contact, rest))
    }

    /// A reply's text as an event value: no control characters, at most 1,000 characters.
    static func eventValue(_ text: String) -> String {
        let clean = HeaderText.sanitized(text)
        return clean.count > 1000 ? String(clean.prefix(999)) + "…" : clean
    }
}

/// Why a reply does not act (answered `refused reason=…`, journaled as input rejected).
struct ReplyRefusal: Error {
    var message: String
}
