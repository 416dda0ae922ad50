/// The name of a contact in the rule files (`centre-manager`).
public struct ContactName: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as written.
    public let rawValue: String
    /// Wraps a name.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal name.
    public init(stringLiteral value: String) { rawValue = value }
    /// The name.
    public var description: String { rawValue }
    /// Orders by name.
    public static func < (a: ContactName, b: ContactName) -> Bool { a.rawValue < b.rawValue }
}

/// The name of a rule (`fault-major`).
public struct RuleName: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as written.
    public let rawValue: String
    /// Wraps a name.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal name.
    public init(stringLiteral value: String) { rawValue = value }
    /// The name.
    public var description: String { rawValue }
    /// Orders by name.
    public static func < (a: RuleName, b: RuleName) -> Bool { a.rawValue < b.rawValue }
}

/// The number tocsind gives an incident (`incident=42`), increasing, never reused.
public struct IncidentNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number.
    public let value: Int64
    /// Wraps a number.
    public init(_ value: Int64) { self.value = value }
    /// Orders by number.
    public static func < (a: IncidentNumber, b: IncidentNumber) -> Bool { a.value < b.value }
    /// The number as digits.
    public var description: String { String(value) }
}

/// Names in rule files (contacts, rules): letters, digits, `-`, `_`, `.`; starting with a letter.
enum NameSyntax {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".")
        }
    }
}
