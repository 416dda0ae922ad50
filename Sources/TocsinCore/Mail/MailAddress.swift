/// Checks of mail addresses as rule files give them: plain `local@domain` for contacts, and a
/// mailbox (`Display Name <local@domain>`) for `mail-from`.
public enum MailAddress {
    /// True for `local@domain` with the characters RFC 5322's dot-atom allows.
    public static func isValidAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !parts[1].isEmpty else { return false }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard parts[0].allSatisfy({ localAllowed.contains($0) }), !parts[0].hasPrefix("."), !parts[0].hasSuffix("."),
            !parts[0].contains("..")
        else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// True for `local@domain` or `Display Name <local@domain>`.
    public static func isValidMailbox(_ text: String) -> Bool {
        guard let (display, address) = split(text) else { return false }
        return isValidAddress(address)
            && !display.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
    }

    /// The display name (possibly empty) and the address of a mailbox.
    public static func split(_ text: String) -> (display: String, address: String)? {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            return trimmed.contains(" ") ? nil : ("", trimmed)
        }
        var display = String(trimmed[..<open]).trimmingSpaces
        if display.hasPrefix("\""), display.hasSuffix("\""), display.count >= 2 {
            display = String(display.dropFirst().dropLast())
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        return (display, address)
    }
}
