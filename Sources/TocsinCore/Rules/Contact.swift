/// Someone (or something) to tell: a set of mail addresses or a command.
public struct Contact: Hashable, Sendable {
    /// How a contact is reached.
    public enum Channel: Hashable, Sendable {
        /// One mail to all these addresses.
        case mail([String])
        /// Run this program (absolute path) with these arguments, the message on stdin.
        case exec(path: String, arguments: [String])
    }

    /// The contact's name in the rules.
    public var name: ContactName
    /// How to reach it.
    public var channel: Channel
    /// Where it is defined.
    public var location: SourceLocation

    /// Creates a contact.
    public init(name: ContactName, channel: Channel, location: SourceLocation) {
        self.name = name
        self.channel = channel
        self.location = location
    }

    /// Whether the contact is reached by mail.
    public var isMail: Bool {
        if case .mail = channel { return true }
        return false
    }

    /// Whether `address` (a bare address, any case) is one of the contact's mail addresses:
    /// the check that a reply comes from the one it was sent to.
    public func owns(address: String) -> Bool {
        guard case .mail(let addresses) = channel else { return false }
        let wanted = address.lowercased()
        return addresses.contains { (MailAddress.split($0)?.1 ?? $0).lowercased() == wanted }
    }

    /// `mail zhang.wei@branch-001.example` or `exec /usr/local/bin/send-sms +86…`.
    public var channelDescription: String {
        switch channel {
        case .mail(let addresses): "mail " + addresses.joined(separator: ", ")
        case .exec(let path, let arguments): "exec " + ([path] + arguments).joined(separator: " ")
        }
    }
}
