import Foundation

/// A reply to a Tocsin mail as a phone's mail client builds one, made by Python's `email`
/// package: From, To (the Reply-To), "Re:" subject, In-Reply-To and References from the
/// original, the answer above the quoted original, in the charset asked for (GBK and
/// GB18030 in base64, as Chinese clients send them).
enum PhoneReply {
    static let script = """
        import sys, json, email, email.policy, email.utils
        from email.message import EmailMessage
        s = json.loads(sys.stdin.buffer.readline())
        orig = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        m = EmailMessage()
        m['From'] = s['from']
        m['To'] = str(orig['Reply-To'] or orig['From'])
        m['Subject'] = 'Re: ' + str(orig['Subject'])
        m['Date'] = email.utils.formatdate(localtime=True)
        m['Message-ID'] = s.get('id') or email.utils.make_msgid(domain='phone.example')
        m['In-Reply-To'] = s.get('in_reply_to') or str(orig['Message-ID'])
        m['References'] = s.get('references') or (str(orig.get('References') or '') + ' ' + str(orig['Message-ID'])).strip()
        for k, v in s.get('extra', {}).items(): m[k] = v
        quoted = '\\n'.join('> ' + l for l in orig.get_content().split('\\n'))
        body = s['text'] + '\\n\\n在 2026年12月4日 18:45，Tocsin 写道：\\n' + quoted + '\\n'
        cs = s.get('charset', 'utf-8')
        m.set_content(body, charset=cs, cte='base64' if cs != 'utf-8' else 'quoted-printable')
        sys.stdout.buffer.write(m.as_bytes())
        """

    /// The reply to `original` (a rendered Tocsin mail) with first line `text`.
    static func make(
        to original: String, text: String, from: String, charset: String = "utf-8", messageID: String? = nil,
        inReplyTo: String? = nil, references: String? = nil, extra: [String: String] = [:]
    ) throws -> String {
        var spec: [String: Any] = ["text": text, "from": from, "charset": charset, "extra": extra]
        if let messageID { spec["id"] = messageID }
        if let inReplyTo { spec["in_reply_to"] = inReplyTo }
        if let references { spec["references"] = references }
        let line = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], stdin: line + "\n" + original)
        return r.stdout
    }
}
