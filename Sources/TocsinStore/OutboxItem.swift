import TocsinCore
import TocsinSystem

/// A notification in the outbox: the engine's message, its exact bytes to send, and its
/// delivery state. Kept in the store until sent, so none is lost across restarts.
public struct OutboxItem: Sendable {
    /// Where a notification stands.
    public enum Status: String, Sendable {
        /// Waiting to be sent (or retried).
        case queued
        /// Delivered to sendmail, the Maildir or the program.
        case sent
        /// Gave up after the retry period; shown by `tocsinctl status`.
        case failed
        /// Merged into a digest that was sent instead (stores before schema 2 only: held
        /// messages now wait in their own table and leave it when released).
        case merged
    }

    /// The engine's message.
    public var message: OutboundMessage
    /// Where it stands.
    public var status: Status
    /// The exact bytes to hand over: the RFC 5322 mail, or the exec program's stdin.
    public var content: [UInt8]
    /// Delivery attempts so far.
    public var attempts: Int
    /// When to try next.
    public var nextAttempt: Timestamp?
    /// The last failure.
    public var lastError: String?

    /// Creates an item.
    public init(message: OutboundMessage, status: Status, content: [UInt8], attempts: Int = 0, nextAttempt: Timestamp? = nil, lastError: String? = nil) {
        self.message = message
        self.status = status
        self.content = content
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
    }

    /// Renders a message for its channel with the rules' `mail-from`, time zone, site and
    /// reply address. With `proof`, a mail's Message-ID and references are signed, and an
    /// exec contact's step or repeat ends with how to answer with its reply code.
    public static func rendering(_ message: OutboundMessage, settings: RuleSettings, proof: ReplyProof? = nil) -> OutboxItem {
        let content: [UInt8]
        if let mail = message.mail(from: settings.mailFrom, zone: settings.zone, site: settings.site, replyTo: settings.replyTo, proof: proof) {
            content = Array(mail.rendered().utf8)
        } else if let proof, let code = OutboxItem.replyCode(message, proof: proof) {
            content = Array((message.plainText + settings.language.catalog.replyByCode(code)).utf8)
        } else {
            content = Array(message.plainText.utf8)
        }
        return OutboxItem(message: message, status: .queued, content: content, nextAttempt: message.created)
    }

    /// The reply code of a step or repeat message (`42-K7Q2M9AB`), bound to its contact.
    public static func replyCode(_ message: OutboundMessage, proof: ReplyProof) -> String? {
        guard let incident = message.incident, message.purpose == .step || message.purpose == .repeated else { return nil }
        return proof.code(incident: incident, contact: message.contact)
    }
}

/// Contact channels as stored: a kind and its target words joined by U+001F.
package enum ChannelCoding {
    package static let separator: Character = "\u{1F}"

    package static func encode(_ channel: Contact.Channel) -> (String, String) {
        switch channel {
        case .mail(let addresses): ("mail", addresses.joined(separator: String(separator)))
        case .exec(let path, let arguments): ("exec", ([path] + arguments).joined(separator: String(separator)))
        }
    }

    package static func decode(_ kind: String, _ target: String) -> Contact.Channel {
        let words = target.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        if kind == "exec" { return .exec(path: words.first ?? "", arguments: Array(words.dropFirst())) }
        return .mail(words)
    }
}
