/// A message the engine has decided to send to one contact: a step, a repeat, a recovery,
/// a storm digest or the daily report. The daemon turns it into mail or an exec call.
public struct OutboundMessage: Hashable, Sendable {
    /// What the message is about.
    public enum Purpose: String, Hashable, Sendable {
        case step, repeated = "repeat", recovered, digest, report
        /// An acknowledgement ran out with the incident still open (SPEC §16).
        case ackExpired = "ack-expired"
        /// The answer to a person's reply that acted (SPEC §17).
        case confirmation
    }

    /// Stable Message-ID (without angle brackets): a retry or a repeat after a crash
    /// carries the same one, so it is recognisable. Empty for a step message that storm
    /// control holds past the digest's list (`MessageDetail.counted`): the digest counts it,
    /// and it is never sent on its own.
    public var messageID: String
    /// Who it is for.
    public var contact: ContactName
    /// How to reach them (copied from the rules when the message was made).
    public var channel: Contact.Channel
    /// What kind of message.
    public var purpose: Purpose
    /// The subject line (UTF-8; encoded for mail later).
    public var subject: String
    /// The body text (UTF-8).
    public var body: String
    /// The incident's first message, for threading.
    public var inReplyTo: String?
    /// When it was made.
    public var created: Timestamp
    /// The incident it is about (nil for digests and reports).
    public var incident: IncidentNumber?
    /// The incidents a digest covers.
    public var incidents: [IncidentNumber]
    /// The incident's `id`, kind, severity and rule, for logs and exec environment.
    public var incidentID: String?
    public var kind: String?
    public var severity: Int?
    public var rule: RuleName?
    /// `1`, `2`, `repeat 3`, `recovered`, `digest`, `report`.
    public var step: String

    /// Creates a message.
    public init(
        messageID: String, contact: ContactName, channel: Contact.Channel, purpose: Purpose, subject: String,
        body: String, inReplyTo: String?, created: Timestamp, incident: IncidentNumber?,
        incidents: [IncidentNumber] = [], incidentID: String? = nil, kind: String? = nil, severity: Int? = nil,
        rule: RuleName? = nil, step: String
    ) {
        self.messageID = messageID
        self.contact = contact
        self.channel = channel
        self.purpose = purpose
        self.subject = subject
        self.body = body
        self.inReplyTo = inReplyTo
        self.created = created
        self.incident = incident
        self.incidents = incidents
        self.incidentID = incidentID
        self.kind = kind
        self.severity = severity
        self.rule = rule
        self.step = step
    }

    /// The RFC 5322 message for a `mail` contact. With `proof`, its Message-ID and thread
    /// references are signed (`ReplyProof`); `replyTo` goes on step and repeat mails.
    public func mail(from: String, zone: Zone, site: String? = nil, replyTo: String? = nil, proof: ReplyProof? = nil) -> MailMessage? {
        guard case .mail(let addresses) = channel else { return nil }
        var headers: [(String, String)] = [("Contact", contact.rawValue), ("Step", step)]
        if let incident { headers.insert(("Incident", incident.description), at: 0) }
        if let rule { headers.append(("Rule", rule.rawValue)) }
        if let site { headers.append(("Site", site)) }
        let sign = { (id: String) in proof?.signed(id) ?? id }
        var mail = MailMessage(
            from: from, to: addresses, date: created, dateOffsetSeconds: zone.offset(at: created), subject: subject,
            messageID: sign(messageID), inReplyTo: inReplyTo.map(sign), body: body, tocsinHeaders: headers)
        if purpose == .step || purpose == .repeated || purpose == .confirmation { mail.replyTo = replyTo }
        if purpose == .confirmation { mail.autoSubmitted = "auto-replied" }
        return mail
    }

    /// The text an `exec` contact gets on stdin: the subject, a blank line, the body.
    public var plainText: String { HeaderText.sanitized(subject) + "\n\n" + body.replacingLineEndings() }

    /// The `TOCSIN_*` environment of an `exec` contact.
    public var environment: [String: String] {
        var env: [String: String] = [
            "TOCSIN_MESSAGE_ID": messageID, "TOCSIN_CONTACT": contact.rawValue, "TOCSIN_PURPOSE": purpose.rawValue,
            "TOCSIN_SUBJECT": HeaderText.sanitized(subject), "TOCSIN_STEP": step,
        ]
        if let incident { env["TOCSIN_INCIDENT"] = incident.description }
        if let incidentID { env["TOCSIN_ID"] = incidentID }
        if let kind { env["TOCSIN_KIND"] = kind }
        if let severity { env["TOCSIN_SEVERITY"] = String(severity) }
        if let rule { env["TOCSIN_RULE"] = rule.rawValue }
        return env
    }
}
