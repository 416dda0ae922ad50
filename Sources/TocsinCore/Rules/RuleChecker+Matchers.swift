/// A `match` line's matchers: `f=v`, `f!=a,b`, `f<n`, `f~regex`, with their diagnostics.
extension RuleChecker {
    mutating func checkMatcher(_ token: RuleToken) -> Matcher? {
        guard let first = token.pieces.first, !first.quoted else {
            error("expected a matcher like kind=fault, severity<=2 or summary~REGEX, got '\(token.text)'", token)
            return nil
        }
        let head = first.text
        var keyEnd = head.startIndex
        while keyEnd < head.endIndex, head[keyEnd].isLetter || head[keyEnd].isNumber || "_.-".contains(head[keyEnd]) {
            keyEnd = head.index(after: keyEnd)
        }
        let key = String(head[..<keyEnd])
        let rest = head[keyEnd...]
        guard let op = Matcher.Operator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { rest.hasPrefix($0.rawValue) })
        else {
            if rest.isEmpty && token.pieces.count == 1 {
                error("'\(key)' is not a matcher: write FIELD=VALUE (no spaces around the operator), e.g. \(key)=VALUE", token)
            } else {
                error("expected an operator (= != < <= > >= ~ !~) after '\(key)', got '\(rest.prefix(2))'", token)
            }
            return nil
        }
        guard !key.isEmpty else {
            error("a matcher needs a field name before '\(op.rawValue)'", token)
            return nil
        }
        if op == .equal, rest.hasPrefix("==") {
            error("'==' is not an operator: write \(key)=VALUE", token)
            return nil
        }
        var valuePieces = token.pieces
        valuePieces[0] = .init(text: String(rest.dropFirst(op.rawValue.count)), quoted: false)
        let valueText = valuePieces.map(\.text).joined()
        switch op {
        case .equal, .notEqual:
            var values: [String] = []
            var current = ""
            for piece in valuePieces {
                if piece.quoted {
                    current += piece.text
                    continue
                }
                for c in piece.text {
                    if c == "," {
                        values.append(current)
                        current = ""
                    } else {
                        current.append(c)
                    }
                }
            }
            values.append(current)
            if values.contains(where: \.isEmpty), !(values.count == 1 && valuePieces.contains(where: \.quoted)) {
                error(
                    values.count == 1
                        ? "'\(key)\(op.rawValue)' has no value: write \(key)\(op.rawValue)VALUE (or \"\" for an empty value)"
                        : "empty value in the list '\(valueText)'",
                    token)
                return nil
            }
            return Matcher(field: key, op: op, values: values)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let number = Double(valueText), number.isFinite else {
                error("'\(op.rawValue)' compares numbers: '\(valueText)' is not a number", token)
                return nil
            }
            return Matcher(field: key, op: op, values: [valueText], number: number)
        case .matches, .notMatches:
            guard !valueText.isEmpty else {
                error("'\(key)\(op.rawValue)' has no pattern", token)
                return nil
            }
            do {
                return Matcher(field: key, op: op, values: [valueText], pattern: try Pattern(valueText))
            } catch {
                self.error("bad regular expression '\(valueText)': \(error)", token)
                return nil
            }
        }
    }
}
