/// The proof that a reply answers a message tocsind sent (SPEC §17), keyed by a secret
/// that never leaves the state directory.
///
/// Every message about an incident leaves with a signed Message-ID: the composer's stable id
/// `PREFIX.42.rule.s1.contact@host` becomes `PREFIX.42.rule.s1.contact.k<24 hex>@host`,
/// where the hex is HMAC-SHA256(secret, "mid" ␟ original id), cut to 96 bits. The
/// `In-Reply-To`/`References` of a message are signed the same way, so threads stay whole.
/// A reply's references prove which message it answers; an incident number, a subject or
/// a Message-ID copied from another incident prove nothing, since a forger cannot make
/// the token without the secret.
///
/// An SMS has no headers, so an `exec` contact gets a short reply code instead,
/// `42-K7Q2M9AB`: the incident number and 40 bits of HMAC(secret, "sms" ␟ 42 ␟ contact),
/// bound to the contact it was sent to.
public struct ReplyProof: Sendable {
    private let key: [UInt8]
    /// The composer's Message-ID prefix (`tocsin.TAG`): ids of this store only.
    public let idPrefix: String

    /// A proof keyed by `key` (at least 16 bytes, from the state directory).
    public init(key: [UInt8], idPrefix: String) {
        self.key = key
        self.idPrefix = idPrefix
    }

    /// The characters of a reply code: no 0/O or 1/I to misread on a phone.
    static let codeAlphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    /// `id` with its token, when it is an incident's message of this store; else as it is.
    public func signed(_ id: String) -> String {
        guard incident(ofOriginal: id) != nil, let at = id.lastIndex(of: "@") else { return id }
        return id[..<at] + ".k" + token(id) + id[at...]
    }

    /// The incident number and the original id of a signed Message-ID whose token is right.
    public func verify(_ signedID: String) -> (incident: IncidentNumber, original: String)? {
        guard let at = signedID.lastIndex(of: "@"), let dot = signedID[..<at].lastIndex(of: ".") else { return nil }
        let mark = signedID[signedID.index(after: dot)..<at]
        guard mark.hasPrefix("k"), mark.count == 25 else { return nil }
        let original = String(signedID[..<dot] + signedID[at...])
        guard let number = incident(ofOriginal: original), Self.same(String(mark.dropFirst()).lowercased(), token(original)) else {
            return nil
        }
        return (number, original)
    }

    /// The contact a verified original id was sent to: the longest of `names` that ends its
    /// local part after a dot (contact names may hold dots).
    public static func contact(of original: String, among names: some Sequence<ContactName>) -> ContactName? {
        guard let at = original.lastIndex(of: "@") else { return nil }
        let local = original[..<at]
        return names.filter { local.hasSuffix("." + $0.rawValue) }.max { $0.rawValue.count < $1.rawValue.count }
    }

    /// The reply code for `contact` about `incident`: `42-K7Q2M9AB`.
    public func code(incident: IncidentNumber, contact: ContactName) -> String {
        let mac = SHA256.hmac(key: key, message: Array("sms\u{1F}\(incident.value)\u{1F}\(contact.rawValue)".utf8))
        var bits: UInt64 = 0
        for byte in mac.prefix(5) { bits = bits << 8 | UInt64(byte) }
        var text = ""
        for shift in stride(from: 35, through: 0, by: -5) { text.append(Self.codeAlphabet[Int(bits >> UInt64(shift) & 31)]) }
        return "\(incident.value)-" + text
    }

    /// The incident of a reply code written by `contact` (any case), when it is right.
    public func verify(code: String, contact: ContactName) -> IncidentNumber? {
        let parts = code.uppercased().split(separator: "-")
        guard parts.count == 2, let value = Int64(parts[0]), value > 0, parts[1].count == 8 else { return nil }
        let number = IncidentNumber(value)
        return Self.same(self.code(incident: number, contact: contact), "\(value)-" + parts[1]) ? number : nil
    }

    /// The first word of `text` shaped like a reply code (`42-K7Q2M9AB`), and the text without it.
    public static func findCode(in text: String) -> (code: String, rest: String)? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" || $0 == "\t" })
        guard let index = words.firstIndex(where: { word in
            let parts = word.split(separator: "-")
            return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy(\.isASCII) && Int64(parts[0]) != nil
                && parts[1].count == 8 && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }) else { return nil }
        var rest = words
        rest.remove(at: index)
        return (String(words[index]), rest.joined(separator: " "))
    }

    /// The number of an original id `PREFIX.N.…@host` of this store.
    private func incident(ofOriginal id: String) -> IncidentNumber? {
        guard id.hasPrefix(idPrefix + ".") else { return nil }
        let digits = id.dropFirst(idPrefix.count + 1).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, id.dropFirst(idPrefix.count + 1 + digits.count).first == ".", let value = Int64(digits) else {
            return nil
        }
        return IncidentNumber(value)
    }

    private func token(_ original: String) -> String {
        SHA256.hex(SHA256.hmac(key: key, message: Array(("mid\u{1F}" + original).utf8)).prefix(12))
    }

    /// Compares without stopping at the first difference.
    private static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
