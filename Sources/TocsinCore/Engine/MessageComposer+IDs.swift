/// Stable Message-IDs: the same message made again (a retry, a repeat after a crash) has the
/// same id, ASCII whatever the names.
extension MessageComposer {
    /// `prefix.PART.PART…@domain`. Only ASCII letters, digits and "-_." of the parts survive:
    /// a Message-ID is ASCII whatever the names.
    func messageID(_ parts: String...) -> String {
        var prefix = idPrefix
        var domain = idDomain
        let capacity = prefix.utf8.count + parts.reduce(0) { $0 + $1.utf8.count + 1 } + 1 + domain.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var id = IDWriter(buffer: buffer)
            prefix.withUTF8 { id.keep($0) }
            for part in parts {
                id.put(0x2E)
                id.keep(part)
            }
            return id.finish(domain: &domain)
        }
    }

    /// `messageID(number, rule, tag, contact)` of a step (`s2`) or repeat (`r3`) message,
    /// without making the number and the tag into strings first (a storm makes 100,000).
    func stepMessageID(_ number: IncidentNumber, rule: RuleName, firing: StepFiring, contact: ContactName) -> String {
        var prefix = idPrefix
        var domain = idDomain
        let capacity = prefix.utf8.count + rule.rawValue.utf8.count + contact.rawValue.utf8.count + domain.utf8.count + 2 * 20 + 6
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var id = IDWriter(buffer: buffer)
            prefix.withUTF8 { id.keep($0) }
            id.put(0x2E)
            id.decimal(number.value)
            id.put(0x2E)
            id.keep(rule.rawValue)
            id.put(0x2E)
            if let repeatNumber = firing.repeatNumber {
                id.put(0x72)  // r
                id.decimal(Int64(repeatNumber))
            } else {
                id.put(0x73)  // s
                id.decimal(Int64((firing.index ?? 0) + 1))
            }
            id.put(0x2E)
            id.keep(contact.rawValue)
            return id.finish(domain: &domain)
        }
    }

    /// Writes a Message-ID into a buffer large enough for it.
    private struct IDWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func put(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        /// The bytes of `utf8` that may stand in a Message-ID.
        mutating func keep(_ utf8: UnsafeBufferPointer<UInt8>) {
            for byte in utf8 where MessageComposer.isKept(byte) { put(byte) }
        }

        /// `keep` for a string's UTF-8 (a buffer walk, not the UTF-8 view's iterator).
        mutating func keep(_ text: String) {
            var text = text
            text.withUTF8 { keep($0) }
        }

        /// `@`, the domain as it is, and the Message-ID written.
        mutating func finish(domain: inout String) -> String {
            put(0x40)
            domain.withUTF8 { for byte in $0 { put(byte) } }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }

        /// `value` in decimal, as `MessageComposer.appendDecimal` writes it.
        mutating func decimal(_ value: Int64) {
            if value < 0 { put(0x2D) }
            let first = count
            var magnitude = value.magnitude
            repeat {
                put(0x30 + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            var digits = UnsafeMutableBufferPointer(rebasing: buffer[first..<count])
            digits.reverse()
        }
    }

    /// Whether a byte survives into a Message-ID: ASCII letters, digits and `-_.`.
    static func isKept(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }
}
