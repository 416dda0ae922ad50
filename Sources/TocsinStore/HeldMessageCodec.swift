import TocsinCore

/// The compact byte form of messages storm control holds, as the store keeps them: many
/// messages of one gathering in one blob, so a storm that holds 100,000 messages writes a
/// row per round, not a row per message.
///
/// Layout: a format byte (1), the message count, then each message's fields in
/// `OutboundMessage` order (`PackedWriter` primitives).
package enum HeldMessageCodec {
    static let format: UInt8 = 1

    /// Packs messages.
    package static func encode(_ messages: [OutboundMessage]) -> [UInt8] {
        var out = PackedWriter(capacity: 16 + messages.count * 160)
        out.byte(format)
        out.varint(UInt64(messages.count))
        for m in messages {
            out.string(m.messageID)
            out.string(m.contact.rawValue)
            switch m.channel {
            case .mail(let addresses):
                out.byte(0)
                out.varint(UInt64(addresses.count))
                for address in addresses { out.string(address) }
            case .exec(let path, let arguments):
                out.byte(1)
                out.string(path)
                out.varint(UInt64(arguments.count))
                for argument in arguments { out.string(argument) }
            }
            out.string(m.purpose.rawValue)
            out.string(m.subject)
            out.string(m.body)
            out.string(m.inReplyTo)
            out.time(m.created)
            out.byte(m.incident == nil ? 0 : 1)
            if let incident = m.incident { out.signed(incident.value) }
            out.varint(UInt64(m.incidents.count))
            for number in m.incidents { out.signed(number.value) }
            out.string(m.incidentID)
            out.string(m.kind)
            out.byte(m.severity == nil ? 0 : 1)
            if let severity = m.severity { out.signed(Int64(severity)) }
            out.string(m.rule?.rawValue)
            out.string(m.step)
        }
        return out.bytes
    }

    /// Unpacks what `encode` packed; nil when the bytes are not that (truncated, trailing
    /// bytes, an unknown format or purpose).
    package static func decode(_ bytes: [UInt8]) -> [OutboundMessage]? {
        bytes.withUnsafeBufferPointer { buffer -> [OutboundMessage]? in
            var r = PackedReader(buffer)
            guard r.byte() == format else { return nil }
            let count = r.varint()
            // Every message takes more than 16 bytes: a count beyond that is not ours.
            guard count <= UInt64(buffer.count / 16) else { return nil }
            var messages: [OutboundMessage] = []
            messages.reserveCapacity(Int(count))
            for _ in 0..<count {
                let messageID = r.string()
                let contact = ContactName(r.string())
                let channel: Contact.Channel
                switch r.byte() {
                case 0: channel = .mail(r.strings())
                case 1:
                    let path = r.string()
                    channel = .exec(path: path, arguments: r.strings())
                default: return nil
                }
                guard let purpose = OutboundMessage.Purpose(rawValue: r.string()) else { return nil }
                let subject = r.string()
                let body = r.string()
                let inReplyTo = r.optionalString()
                let created = r.time()
                let incident = r.byte() == 0 ? nil : IncidentNumber(r.signed())
                let incidentCount = r.varint()
                guard incidentCount <= UInt64(buffer.count - r.position) else { return nil }
                var incidents: [IncidentNumber] = []
                for _ in 0..<incidentCount { incidents.append(IncidentNumber(r.signed())) }
                let incidentID = r.optionalString()
                let kind = r.optionalString()
                let severity = r.byte() == 0 ? nil : Int(truncatingIfNeeded: r.signed())
                let rule = r.optionalString().map { RuleName($0) }
                let step = r.string()
                guard !r.overrun else { return nil }
                messages.append(
                    OutboundMessage(
                        messageID: messageID, contact: contact, channel: channel, purpose: purpose, subject: subject,
                        body: body, inReplyTo: inReplyTo, created: created, incident: incident, incidents: incidents,
                        incidentID: incidentID, kind: kind, severity: severity, rule: rule, step: step))
            }
            return r.isComplete ? messages : nil
        }
    }
}

extension PackedReader {
    /// A count, then that many strings.
    fileprivate mutating func strings() -> [String] {
        let count = varint()
        guard count <= UInt64(bytes.count - position) else {
            markOverrun()
            return []
        }
        return (0..<count).map { _ in string() }
    }
}
