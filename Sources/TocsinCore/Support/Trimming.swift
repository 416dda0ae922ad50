extension StringProtocol {
    /// The string without the given characters at either end.
    func trimming(_ set: String) -> String {
        let drop = Set(set)
        var scalars = Substring(self)
        while let first = scalars.first, drop.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, drop.contains(last) { scalars.removeLast() }
        return String(scalars)
    }

    /// Without spaces and tabs at either end.
    var trimmingSpaces: String { trimming(" \t") }
}
