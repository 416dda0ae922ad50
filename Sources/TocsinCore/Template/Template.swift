/// A `subject` or `body` template: literal text with `{name}` placeholders.
///
/// `{field}` is any event field; `{incident}`, `{rule}`, `{step}`, `{state}`, `{age}`, `{at}`
/// and `{deadline}` are supplied by the engine. A name with no value renders as `-`.
/// `{{` and `}}` are literal braces.
public struct Template: Hashable, Sendable {
    /// A piece of a template.
    public enum Part: Hashable, Sendable {
        /// Text copied as is.
        case literal(String)
        /// A placeholder.
        case placeholder(String)
    }

    /// The parts in order.
    public let parts: [Part]
    /// The source text.
    public let source: String

    /// Why a template could not be read.
    public struct SyntaxError: Error, Hashable, Sendable {
        /// What is wrong.
        public var message: String
    }

    /// Parses a template.
    public init(parsing source: String) throws(SyntaxError) {
        var parts: [Part] = []
        var literal = ""
        var chars = source.makeIterator()
        while let c = chars.next() {
            switch c {
            case "{":
                var name = ""
                var closed = false
                while let n = chars.next() {
                    if n == "}" {
                        closed = true
                        break
                    }
                    if n == "{", name.isEmpty {
                        break
                    }
                    name.append(n)
                }
                if !closed && name.isEmpty {
                    literal.append("{")
                    continue
                }
                guard closed else { throw SyntaxError(message: "'{\(name)' has no closing '}' (write '{{' for a literal brace)") }
                guard !name.isEmpty else { throw SyntaxError(message: "empty placeholder '{}'") }
                guard Template.isPlaceholderName(name) else {
                    throw SyntaxError(message: "'{\(name)}' is not a field name (letters, digits, '_', '.', '-')")
                }
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = ""
                }
                parts.append(.placeholder(name))
            case "}":
                if let next = chars.next(), next != "}" {
                    throw SyntaxError(message: "unmatched '}' (write '}}' for a literal brace)")
                }
                literal.append("}")
            default:
                literal.append(c)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        self.source = source
    }

    /// Fills the placeholders; a name `value(for:)` does not know renders as `-`.
    public func render(_ value: (String) -> String?) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(let name): out += value(name) ?? "-"
            }
        }
        return out
    }

    /// The placeholder names used.
    public var placeholders: [String] {
        parts.compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
    }

    static func isPlaceholderName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }
    }
}
