/// A pattern compiled to a Thompson NFA and searched by simulating every thread at once.
///
/// A search takes time proportional to (length of the text) × (size of the program) and
/// memory proportional to the program, whatever the pattern and the text: no input can make
/// it backtrack. The program is bounded at compile time (`maximumInstructions`), so one
/// event's match costs at most a few milliseconds even at the 64 KiB line limit.
struct RegexProgram: Sendable {
    /// The most instructions a program may have: `(a{1000}){1000}` is refused, not compiled.
    static let maximumInstructions = 20_000

    enum Instruction: Sendable {
        /// Consume one scalar in `sets[index]`.
        case consume(Int)
        /// Continue at both targets.
        case split(Int, Int)
        /// Continue at the target.
        case jump(Int)
        /// Continue at the next instruction if the condition holds.
        case assert(RegexAssertion)
        /// The pattern has matched.
        case match
    }

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [ScalarSet] = []
    /// True when every match must start at the beginning of the text (`^…` or `\A…`).
    private(set) var anchoredAtStart = false
    /// The scalars a match can start with, when every match consumes one (nil when the
    /// pattern can match without consuming): while no thread runs, a search skips the text
    /// up to the next of them instead of starting threads that die at once.
    private(set) var firstScalars: FirstScalars?

    /// Parses and compiles `source`.
    init(_ source: String) throws(RegexSyntaxError) {
        let node = try RegexParser.parse(source)
        try emit(node)
        try append(.match)
        anchoredAtStart = Self.startsAnchored(node)
        firstScalars = startingScalars().map(FirstScalars.init)
    }

    /// The union of the sets consumed first from the start (assertions taken as holding, so
    /// it is a superset), or nil when `match` is reachable without consuming.
    private func startingScalars() -> ScalarSet? {
        var union = ScalarSet()
        var seen = Set<Int>()
        var pending = [0]
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch instructions[pc] {
            case .consume(let set): union.formUnion(sets[set])
            case .match: return nil
            case .jump(let target): pending.append(target)
            case .split(let first, let second): pending += [first, second]
            case .assert: pending.append(pc + 1)
            }
        }
        return union
    }

    private static func startsAnchored(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(.textStart): return true
        case .concatenation(let parts): return parts.first.map(startsAnchored) ?? false
        case .alternation(let choices): return choices.allSatisfy(startsAnchored)
        default: return false
        }
    }

    private mutating func append(_ instruction: Instruction) throws(RegexSyntaxError) {
        guard instructions.count < Self.maximumInstructions else {
            throw RegexSyntaxError(
                message: "the pattern is too large once its repetitions are expanded (more than \(Self.maximumInstructions) steps)",
                offset: 0)
        }
        instructions.append(instruction)
    }

    private mutating func patch(_ at: Int, _ instruction: Instruction) { instructions[at] = instruction }

    private mutating func emit(_ node: RegexNode) throws(RegexSyntaxError) {
        switch node {
        case .empty: break
        case .scalar(let set):
            if let index = sets.firstIndex(of: set) {
                try append(.consume(index))
            } else {
                sets.append(set)
                try append(.consume(sets.count - 1))
            }
        case .assertion(let assertion): try append(.assert(assertion))
        case .concatenation(let parts):
            for part in parts { try emit(part) }
        case .alternation(let choices):
            var jumps: [Int] = []
            for (index, choice) in choices.enumerated() {
                if index == choices.count - 1 {
                    try emit(choice)
                } else {
                    let split = instructions.count
                    try append(.jump(0))
                    try emit(choice)
                    jumps.append(instructions.count)
                    try append(.jump(0))
                    patch(split, .split(split + 1, instructions.count))
                }
            }
            for jump in jumps { patch(jump, .jump(instructions.count)) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try emit(inner) }
            if let maximum {
                // (inner (inner (…)?)?)?: each optional copy may end the repetition.
                var exits: [Int] = []
                for _ in minimum..<maximum {
                    exits.append(instructions.count)
                    try append(.jump(0))
                    try emit(inner)
                }
                for exit in exits { patch(exit, .split(exit + 1, instructions.count)) }
            } else {
                let loop = instructions.count
                try append(.jump(0))
                try emit(inner)
                try append(.jump(loop))
                patch(loop, .split(loop + 1, instructions.count))
            }
        }
    }

    /// True when the pattern matches somewhere in `text`.
    func search(_ text: String) -> Bool { search(scalars: text.unicodeScalars.makeIterator()) }

    /// True when the pattern matches somewhere in the UTF-8 `bytes` (an ill-formed sequence
    /// reads as U+FFFD, as `String(decoding:as:)` reads it), without making a string.
    func search(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool { search(scalars: UTF8Scalars(bytes)) }

    /// True when the pattern matches somewhere in the text `scalars` gives. The two thread
    /// lists and the closure stack live in one temporary allocation of 32-bit indexes (on the
    /// stack for programs up to about 40 instructions), made only once a match can start.
    private func search(scalars: some IteratorProtocol<Unicode.Scalar>) -> Bool {
        var scalars = scalars
        var previous: Unicode.Scalar?
        var scalar = scalars.next()
        // Nothing to set up before the first scalar a match can start with.
        if !skipToStart(&scalars, previous: &previous, scalar: &scalar) { return false }
        let n = instructions.count
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 6 * n + 4) { memory in
            memory.initialize(repeating: -1)
            let base = memory.baseAddress!
            var current = ThreadList(dense: base, sparse: base + n)
            var next = ThreadList(dense: base + 2 * n, sparse: base + 3 * n)
            let stack = base + 4 * n
            while true {
                // No thread runs: a match can only start at a scalar it may start with.
                if current.isEmpty, !skipToStart(&scalars, previous: &previous, scalar: &scalar) { return false }
                if previous == nil || !anchoredAtStart {
                    if addThread(0, to: &current, previous: previous, next: scalar, stack: stack) { return true }
                }
                guard let consumed = scalar else { return false }
                if current.isEmpty && anchoredAtStart { return false }
                let following = scalars.next()
                next.removeAll()
                for index in 0..<current.count {
                    let pc = Int(current.dense[index])
                    guard case .consume(let set) = instructions[pc], sets[set].contains(consumed.value) else { continue }
                    if addThread(pc + 1, to: &next, previous: consumed, next: following, stack: stack) { return true }
                }
                swap(&current, &next)
                previous = consumed
                scalar = following
            }
        }
    }

    /// Moves past the scalars no match starts with (when every match starts with one of
    /// `firstScalars`); false when the text ends first, so nothing can match.
    @inline(__always)
    private func skipToStart(
        _ scalars: inout some IteratorProtocol<Unicode.Scalar>, previous: inout Unicode.Scalar?, scalar: inout Unicode.Scalar?
    ) -> Bool {
        guard !anchoredAtStart, let firstScalars else { return true }
        while let candidate = scalar, !firstScalars.contains(candidate.value) {
            previous = candidate
            scalar = scalars.next()
        }
        return scalar != nil
    }

    /// Adds `start` and everything reachable from it without consuming to `list`; true as
    /// soon as `match` is reachable. `stack` has room for twice the instructions (each is
    /// pushed at most once per edge into it, and an instruction has at most two).
    private func addThread(
        _ start: Int, to list: inout ThreadList, previous: Unicode.Scalar?, next: Unicode.Scalar?, stack: UnsafeMutablePointer<Int32>
    ) -> Bool {
        var depth = 0
        stack[depth] = Int32(start)
        depth += 1
        while depth > 0 {
            depth -= 1
            let pc = Int(stack[depth])
            guard list.insert(pc) else { continue }
            switch instructions[pc] {
            case .consume: break
            case .match: return true
            case .jump(let target):
                stack[depth] = Int32(target)
                depth += 1
            case .split(let first, let second):
                stack[depth] = Int32(second)
                stack[depth + 1] = Int32(first)
                depth += 2
            case .assert(let condition):
                if Self.holds(condition, previous: previous, next: next) {
                    stack[depth] = Int32(pc + 1)
                    depth += 1
                }
            }
        }
        return false
    }

    private static func holds(_ condition: RegexAssertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch condition {
        case .textStart: return previous == nil
        case .textEnd: return next == nil
        case .lineStart: return previous == nil || previous == "\n"
        case .lineEnd: return next == nil || next == "\n"
        case .wordBoundary: return isWord(previous) != isWord(next)
        case .notWordBoundary: return isWord(previous) == isWord(next)
        }
    }

    private static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ScalarSet.word.contains(scalar.value)
    }
}

/// A set of instruction indexes with O(1) insert, membership and clear (a sparse set), in
/// insertion order, which is the order threads were added. Its two arrays are borrowed
/// from the search's temporary allocation; clearing is O(1), since a sparse entry counts
/// only when the dense one points back at it.
private struct ThreadList {
    let dense: UnsafeMutablePointer<Int32>
    let sparse: UnsafeMutablePointer<Int32>
    private(set) var count = 0

    init(dense: UnsafeMutablePointer<Int32>, sparse: UnsafeMutablePointer<Int32>) {
        self.dense = dense
        self.sparse = sparse
    }

    var isEmpty: Bool { count == 0 }

    /// Adds `pc`; false when it was already there.
    mutating func insert(_ pc: Int) -> Bool {
        let index = Int(sparse[pc])
        if index >= 0 && index < count && dense[index] == Int32(pc) { return false }
        sparse[pc] = Int32(count)
        dense[count] = Int32(pc)
        count += 1
        return true
    }

    mutating func removeAll() { count = 0 }
}

/// A set of scalars with the ASCII ones in a bitmap: the search's skip loop tests every
/// scalar of the text against it.
struct FirstScalars: Sendable {
    private let low: UInt64
    private let high: UInt64
    private let set: ScalarSet

    init(_ set: ScalarSet) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for value in UInt32(0)..<128 where set.contains(value) {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }
        self.low = low
        self.high = high
        self.set = set
    }

    /// Whether the scalar value is in the set.
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return low & (1 << UInt64(value)) != 0 }
        if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
        return set.contains(value)
    }
}

/// The scalars of UTF-8 bytes, an ill-formed sequence read as U+FFFD (as the standard
/// library's decoding reads it). ASCII, most of an event, is read a byte at a time.
private struct UTF8Scalars: IteratorProtocol {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func next() -> Unicode.Scalar? {
        guard index < bytes.count else { return nil }
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            return Unicode.Scalar(lead)
        }
        var rest = UnsafeBufferPointer(rebasing: bytes[index...]).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        switch parser.parseScalar(from: &rest) {
        case .valid(let encoded):
            index += encoded.count
            return Unicode.UTF8.decode(encoded)
        case .error(let length):
            index += length
            return "\u{FFFD}"
        case .emptyInput:
            return nil
        }
    }
}
