/// A received RFC 5322 message, as `tocsinctl mail-in` reads it from the MTA: its header
/// fields unfolded, and its text found through the MIME structure (multipart/alternative,
/// mixed or related; base64 or quoted-printable; any charset `TextCharset` knows).
///
/// Parsing never fails: a message without a blank line is all header, a part without its
/// boundary is read as far as it goes. What the message means is `ReplyRequest`'s job.
public struct InboundMail: Sendable {
    /// One header field: the name as written, the value unfolded (not yet RFC 2047-decoded).
    public struct Field: Sendable {
        public var name: String
        public var value: String
    }

    /// The top-level header fields in order.
    public var fields: [Field]
    /// The readable text: the first text/plain part, else the first text/html part with its
    /// markup removed; nil when the message has no text at all.
    public var text: String?

    /// The most nested multiparts followed (a message nested deeper is not read further).
    static let depthLimit = 8

    /// Parses `bytes`.
    public init(_ bytes: [UInt8]) {
        let entity = MIMEEntity(bytes[...])
        fields = entity.fields
        text = entity.text(depth: 0)
    }

    /// The first field called `name` (any case), unfolded, encoded words left as written.
    public func raw(_ name: String) -> String? { MIMEEntity.value(name, in: fields) }

    /// The first field called `name` with its encoded words decoded.
    public func decoded(_ name: String) -> String? { raw(name).map(EncodedWordDecoder.decode) }

    /// Every `<…>` message id in the `In-Reply-To` and `References` fields, most recent
    /// first (In-Reply-To, then References from its end).
    public var referencedIDs: [String] {
        var ids = MIMEEntity.angleBracketed(raw("In-Reply-To") ?? "")
        for id in MIMEEntity.angleBracketed(raw("References") ?? "").reversed() where !ids.contains(id) { ids.append(id) }
        return ids
    }

    /// The address of `From:` (lower-cased), without display name or comments.
    public var fromAddress: String? {
        guard let from = raw("From") else { return nil }
        if let open = from.lastIndex(of: "<"), let close = from[open...].firstIndex(of: ">") {
            return String(from[from.index(after: open)..<close]).trimming(" \t").lowercased()
        }
        let bare = from.split(separator: "(").first.map(String.init) ?? from
        let address = bare.trimming(" \t\"")
        return address.contains("@") ? address.lowercased() : nil
    }
}

/// One MIME entity: header fields and the body bytes after the blank line.
struct MIMEEntity {
    var fields: [InboundMail.Field]
    var body: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        var lines: [String] = []
        var index = bytes.startIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            index = end < bytes.endIndex ? end + 1 : end
            if line.isEmpty {
                bodyStart = index
                break
            }
            let text = String(decoding: line, as: UTF8.self)
            if let first = line.first, first == 0x20 || first == 0x09, !lines.isEmpty {
                lines[lines.count - 1] += text  // folded: the line break goes, the whitespace stays
            } else {
                lines.append(text)
            }
        }
        fields = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return InboundMail.Field(
                name: String(line[..<colon]).trimming(" \t"),
                value: String(line[line.index(after: colon)...]).trimming(" \t"))
        }
        body = bytes[bodyStart...]
    }

    func value(_ name: String) -> String? { MIMEEntity.value(name, in: fields) }

    /// The first of `fields` called `name`, in any case.
    static func value(_ name: String, in fields: [InboundMail.Field]) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// `text/plain` and the parameters of Content-Type (default text/plain, us-ascii).
    var contentType: (type: String, parameters: [String: String]) {
        guard let value = value("Content-Type") else { return ("text/plain", [:]) }
        let pieces = MIMEEntity.splitParameters(value)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = String(piece[..<equals]).trimming(" \t").lowercased()
            parameters[key] = String(piece[piece.index(after: equals)...]).trimming(" \t\"")
        }
        return ((pieces.first ?? "text/plain").trimming(" \t").lowercased(), parameters)
    }

    /// `a; b="x;y"; c` split at the semicolons outside quotes.
    static func splitParameters(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    /// The decoded body as text in its charset.
    var decodedText: String {
        let bytes = TransferDecoding.decode(body, encoding: value("Content-Transfer-Encoding"))
        return TextCharset.decode(bytes, charset: contentType.parameters["charset"])
    }

    /// The text of this entity: itself when text/plain; the best part of a multipart.
    func text(depth: Int) -> String? {
        let (type, parameters) = contentType
        if type == "text/plain" { return decodedText }
        if type == "text/html" { return HTMLText.plain(decodedText) }
        guard type.hasPrefix("multipart/"), depth < InboundMail.depthLimit, let boundary = parameters["boundary"],
            !boundary.isEmpty
        else { return nil }
        let parts = MIMEEntity.parts(of: body, boundary: boundary).map { MIMEEntity($0) }
        // Prefer plain text wherever it is; then HTML; then whatever a nested part holds.
        if let plain = parts.first(where: { $0.contentType.type == "text/plain" && !$0.isAttachment }) { return plain.decodedText }
        for part in parts where part.contentType.type.hasPrefix("multipart/") {
            if let text = part.text(depth: depth + 1) { return text }
        }
        if let html = parts.first(where: { $0.contentType.type == "text/html" && !$0.isAttachment }) {
            return HTMLText.plain(html.decodedText)
        }
        return nil
    }

    var isAttachment: Bool { value("Content-Disposition")?.lowercased().hasPrefix("attachment") ?? false }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    static func parts(of body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: ArraySlice<UInt8>.Index?
        var index = body.startIndex
        while index < body.endIndex {
            let end = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            var line = body[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.starts(with: delimiter) {
                if let start = partStart {
                    var partEnd = index
                    // The line break before the delimiter belongs to it.
                    if partEnd > start, body[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > start, body[partEnd - 1] == 0x0D { partEnd -= 1 }
                    parts.append(body[start..<partEnd])
                }
                if line.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D]) { return parts }
                partStart = end < body.endIndex ? end + 1 : end
            }
            index = end < body.endIndex ? end + 1 : end
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    /// Every `<…>` in a field value, without the brackets.
    static func angleBracketed(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimming(" \t")
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }
}

/// HTML reduced to its text, enough to find the first line of a reply written in an HTML
/// mail client: tags removed, `<br>`, `<p>`, `<div>` as line breaks, a few entities.
enum HTMLText {
    static func plain(_ html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[rest.endIndex...]
                break
            }
            let tag = rest[rest.index(after: open)..<close].lowercased()
            let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            if ["br", "p", "div", "tr", "li", "blockquote"].contains(String(name)) { out += "\n" }
            if name == "blockquote", !tag.hasPrefix("/") { out += "> " }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        for (entity, character) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingOccurrences(entity, with: character)
        }
        return out
    }
}
