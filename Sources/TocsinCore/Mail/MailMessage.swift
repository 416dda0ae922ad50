/// A complete RFC 5322 message as handed to `sendmail -t -oi` or written into a Maildir.
///
/// Every header value is sanitised (no CR, LF or other control character from an event can
/// end a header or add one) and encoded per RFC 2047 when not ASCII. The body is UTF-8,
/// sent as 8bit, or quoted-printable when a line would exceed SMTP's 998 octets.
public struct MailMessage: Sendable {
    public var from: String
    public var to: [String]
    public var date: Timestamp
    /// The sender's UTC offset for the `Date:` header, in seconds.
    public var dateOffsetSeconds: Int
    public var subject: String
    /// The Message-ID without angle brackets (`tocsin.42.s1.c3@host`).
    public var messageID: String
    /// The incident's first message, for threading (without angle brackets).
    public var inReplyTo: String?
    public var body: String
    /// `X-Tocsin-*` headers: name suffix and value (ASCII, sanitised).
    public var tocsinHeaders: [(String, String)]
    /// `Reply-To:` (SPEC §17), when replies are read.
    public var replyTo: String?
    /// `Auto-Submitted:` (RFC 3834): `auto-generated`, or `auto-replied` for the answer to
    /// a person's reply.
    public var autoSubmitted = "auto-generated"

    /// Creates a message.
    public init(
        from: String, to: [String], date: Timestamp, dateOffsetSeconds: Int, subject: String, messageID: String,
        inReplyTo: String?, body: String, tocsinHeaders: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.date = date
        self.dateOffsetSeconds = dateOffsetSeconds
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.body = body
        self.tocsinHeaders = tocsinHeaders
    }

    /// The message text with LF line endings (sendmail and Maildir convention).
    public func rendered() -> String {
        var headers: [String] = []
        headers.append("From: " + MailMessage.mailbox(from))
        headers.append("To: " + to.map(HeaderText.sanitized).joined(separator: ",\n "))
        headers.append("Date: " + MailMessage.rfc5322Date(date, offsetSeconds: dateOffsetSeconds))
        headers.append("Subject: " + EncodedWord.headerValue(MailMessage.clipped(subject), nameLength: 7))
        if let replyTo { headers.append("Reply-To: " + MailMessage.mailbox(replyTo)) }
        headers.append("Message-ID: <" + MailMessage.safeID(messageID) + ">")
        if let inReplyTo, inReplyTo != messageID {
            headers.append("In-Reply-To: <" + MailMessage.safeID(inReplyTo) + ">")
            headers.append("References: <" + MailMessage.safeID(inReplyTo) + ">")
        }
        headers.append("Auto-Submitted: " + autoSubmitted)
        headers.append("X-Auto-Response-Suppress: All")
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: text/plain; charset=utf-8")
        let (encoding, encodedBody) = MailMessage.encodeBody(body)
        headers.append("Content-Transfer-Encoding: " + encoding)
        for (name, value) in tocsinHeaders {
            let cleanName = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            headers.append("X-Tocsin-\(cleanName): " + EncodedWord.headerValue(value, nameLength: 9 + cleanName.count))
        }
        return headers.joined(separator: "\n") + "\n\n" + encodedBody
    }

    /// `Mon, 23 Nov 2026 09:30:00 +0800`.
    public static func rfc5322Date(_ t: Timestamp, offsetSeconds: Int) -> String {
        let l = LocalDateTime(t, offsetSeconds: offsetSeconds)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[l.weekday]), \(l.day) \(months[l.month - 1]) \(l.year) \(l.timeString(seconds: true)) "
            + RFC3339.offsetString(offsetSeconds, colon: false)
    }

    static func mailbox(_ text: String) -> String {
        guard let (display, address) = MailAddress.split(HeaderText.sanitized(text)), !display.isEmpty else {
            return HeaderText.sanitized(text)
        }
        let isPlainAtom = display.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }
        let shownName = isPlainAtom ? display : EncodedWord.encodedWords(display).joined(separator: " ")
        return shownName + " <" + address + ">"
    }

    static func safeID(_ id: String) -> String {
        String(id.unicodeScalars.filter { $0.isASCII && $0.value > 0x20 && $0 != "<" && $0 != ">" && $0.value < 0x7F }.map(Character.init))
    }

    static func clipped(_ subject: String) -> String {
        subject.count > 200 ? String(subject.prefix(199)) + "…" : subject
    }

    static func encodeBody(_ body: String) -> (String, String) {
        var text = body.replacingLineEndings()
        if !text.hasSuffix("\n") { text += "\n" }
        let tooLong = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).contains { $0.count > 998 }
        return tooLong ? ("quoted-printable", QuotedPrintable.encode(text)) : ("8bit", text)
    }
}

extension String {
    /// CRLF and lone CR become LF; other C0 controls but tab become spaces.
    func replacingLineEndings() -> String {
        var out = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out += "\n"
                previousCR = true
                continue
            }
            if scalar == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            if scalar.value < 0x20, scalar != "\n", scalar != "\t" {
                out += " "
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Quoted-printable (RFC 2045) for bodies with very long lines.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        var out = ""
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var length = 0
            for byte in line {
                let piece: String
                if (byte >= 33 && byte <= 126 && byte != 61) || byte == 32 {
                    piece = String(UnicodeScalar(byte))
                } else {
                    let hex = String(byte, radix: 16, uppercase: true)
                    piece = "=" + (hex.count == 1 ? "0" : "") + hex
                }
                if length + piece.count > 75 {
                    out += "=\n"
                    length = 0
                }
                out += piece
                length += piece.count
            }
            out += "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}
