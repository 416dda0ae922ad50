/// A set of Unicode scalar values, kept as sorted, non-overlapping, non-adjacent ranges.
///
/// One type serves a literal (`a`), a class (`[^0-9]`), `.` and the Perl classes (`\d`), so
/// the matcher has a single instruction that consumes a scalar.
struct ScalarSet: Hashable, Sendable {
    /// Sorted, merged ranges of scalar values.
    private(set) var ranges: [ClosedRange<UInt32>]

    /// The empty set.
    init() { ranges = [] }

    /// The set of the given ranges (in any order, overlapping or not).
    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = []
        for range in ranges { insert(range) }
    }

    /// Every scalar but a line feed: what `.` matches.
    static let anyButNewline = ScalarSet([0...9, 11...0x10FFFF])
    /// `\d`: the ASCII digits (RE2's meaning, not Unicode's Nd).
    static let digit = ScalarSet([0x30...0x39])
    /// `\w`: ASCII letters, digits and `_`.
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: tab, line feed, vertical tab, form feed, carriage return and space.
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20])

    /// Adds a range, merging it with the ranges it touches.
    mutating func insert(_ range: ClosedRange<UInt32>) {
        var low = range.lowerBound
        var high = range.upperBound
        var kept: [ClosedRange<UInt32>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound &+ 1 < low {
                kept.append(existing)
            } else if high &+ 1 < existing.lowerBound {
                if !placed {
                    kept.append(low...high)
                    placed = true
                }
                kept.append(existing)
            } else {
                low = min(low, existing.lowerBound)
                high = max(high, existing.upperBound)
            }
        }
        if !placed { kept.append(low...high) }
        ranges = kept
    }

    /// Adds every scalar of `other`.
    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
    }

    /// The scalars not in this set.
    var inverted: ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
            if range.upperBound == 0x10FFFF { return ScalarSet(result) }
        }
        result.append(next...0x10FFFF)
        return ScalarSet(result)
    }

    /// The set with the other case of every ASCII letter in it added, and of every other
    /// scalar whose simple lower or upper case is a single scalar (for `(?i)`).
    var caseFolded: ScalarSet {
        var result = self
        for range in ranges {
            let lowerFrom = max(range.lowerBound, 0x61)
            let lowerTo = min(range.upperBound, 0x7A)
            if lowerFrom <= lowerTo { result.insert((lowerFrom - 32)...(lowerTo - 32)) }
            let upperFrom = max(range.lowerBound, 0x41)
            let upperTo = min(range.upperBound, 0x5A)
            if upperFrom <= upperTo { result.insert((upperFrom + 32)...(upperTo + 32)) }
            // Beyond ASCII, fold only small ranges (a literal, or a class like [ä-ö]); a
            // large range such as [^a] already holds nearly every case pair.
            guard range.upperBound >= 0x80, range.count <= 512 else { continue }
            for value in max(range.lowerBound, 0x80)...range.upperBound {
                guard let scalar = Unicode.Scalar(value) else { continue }
                for other in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
                    let scalars = other.unicodeScalars
                    if scalars.count == 1, let only = scalars.first { result.insert(only.value...only.value) }
                }
            }
        }
        return result
    }

    /// Whether `value` is in the set (binary search over the ranges).
    func contains(_ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
