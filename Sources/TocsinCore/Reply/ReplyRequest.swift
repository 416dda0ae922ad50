/// A reply to a Tocsin message, as `tocsinctl mail-in` or `tocsinctl reply` hands it to
/// tocsind over the socket. tocsind alone checks it (it holds the key), so the line only
/// carries what was received:
///
///     reply via=mail key="<CAxyz@mail.example>" from=zhang.wei@branch.example refs="<a> <b>" text=确认
///     reply via=sms key=sms:3f2a… from=duty-sms text="42-K7Q2M9AB 确认"
///     reply via=mail key=… from=… auto="Auto-Submitted: auto-replied"
///
/// tocsind answers `ok incident=N id=ID state=STATE action=ack by=CONTACT` when the reply
/// acted, `refused reason="…"` when it did not (and journals why).
public struct ReplyRequest: Hashable, Sendable {
    /// How the reply came.
    public enum Via: String, Sendable {
        case mail, sms
    }

    public var via: Via
    /// What makes the reply itself unique: its Message-ID, or a digest of it.
    public var key: String
    /// The From address of a mail (lower case); the contact's name for an SMS.
    public var from: String
    /// The message ids it references, most recent first (mail only).
    public var references: [String]
    /// The reply's first own line ("" when it has none).
    public var text: String
    /// Why it is an automatic message (then it never acts), e.g. "Auto-Submitted: auto-replied".
    public var automatic: String?

    /// Creates a request.
    public init(via: Via, key: String, from: String, references: [String] = [], text: String, automatic: String? = nil) {
        self.via = via
        self.key = key
        self.from = from
        self.references = references
        self.text = text
        self.automatic = automatic
    }

    /// What a received mail asks.
    public init(mail: InboundMail, raw: [UInt8]) {
        via = .mail
        key = mail.raw("Message-ID").flatMap { MIMEEntity.angleBracketed($0).first } ?? ("sha256:" + SHA256.hex(SHA256.hash(raw).prefix(16)))
        from = mail.fromAddress ?? ""
        references = mail.referencedIDs
        text = mail.text.flatMap(ReplyText.firstOwnLine) ?? ""
        automatic = ReplyRequest.automatic(mail)
    }

    /// Why a mail is automatic (RFC 3834's Auto-Submitted, Precedence, and the headers
    /// Microsoft's and other out-of-office replies carry), or nil for a person's mail.
    static func automatic(_ mail: InboundMail) -> String? {
        if let value = mail.raw("Auto-Submitted"), value.split(separator: ";").first?.trimming(" \t").lowercased() != "no" {
            return "Auto-Submitted: " + value
        }
        if let value = mail.raw("Precedence"), ["bulk", "auto_reply", "junk", "list"].contains(value.lowercased().trimming(" \t")) {
            return "Precedence: " + value
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Autoreply-From"] where mail.raw(name) != nil {
            return name + ": " + (mail.raw(name) ?? "")
        }
        if mail.raw("List-Id") != nil { return "List-Id: " + (mail.raw("List-Id") ?? "") }
        if mail.raw("Return-Path") == "<>" { return "Return-Path: <> (a bounce)" }
        return nil
    }

    /// The control line: one line whatever was received (control characters become
    /// spaces, as in a header: `HeaderText`), within the socket's line limit (at most 20
    /// references of 250 characters, 2,000 characters of text).
    public var line: String {
        func value(_ text: String, limit: Int) -> String {
            Event.logfmtQuoted(HeaderText.sanitized(text.count > limit ? String(text.prefix(limit)) : text))
        }
        var text = "reply via=\(via.rawValue) key=" + value(key, limit: 250) + " from=" + value(from, limit: 250)
        let ids = references.prefix(20).map { "<" + String($0.prefix(250)) + ">" }
        if !ids.isEmpty { text += " refs=" + value(ids.joined(separator: " "), limit: 20 * 253) }
        text += " text=" + value(self.text, limit: 2000)
        if let automatic { text += " auto=" + value(automatic, limit: 250) }
        return text
    }

    /// Whether a socket line is a reply (one comparison on the ingest path).
    public static func isCommand(_ bytes: [UInt8]) -> Bool {
        bytes.count > 6 && bytes[0] == UInt8(ascii: "r") && bytes[5] == 0x20 && bytes.starts(with: "reply ".utf8)
    }

    /// Reads a control line; the error says what is wrong with it.
    public static func parse(_ line: String) -> Result<ReplyRequest, MatcherError> {
        func fail(_ message: String) -> Result<ReplyRequest, MatcherError> { .failure(MatcherError(message: message)) }
        guard line.hasPrefix("reply "), let pairs = LogfmtFields.all(in: line) else { return fail("the reply's fields do not parse") }
        var values: [String: String] = [:]
        for (key, value) in pairs { values[key] = value }
        guard let via = values["via"].flatMap(Via.init(rawValue:)) else { return fail("reply needs via=mail or via=sms") }
        guard let key = values["key"], !key.isEmpty else { return fail("reply needs key=") }
        let references = MIMEEntity.angleBracketed(values["refs"] ?? "")
        return .success(
            ReplyRequest(via: via, key: key, from: values["from"] ?? "", references: references, text: values["text"] ?? "", automatic: values["auto"]))
    }
}
