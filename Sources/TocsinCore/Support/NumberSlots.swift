/// A map from incident numbers to slots, for numbers handed out in order (each new incident
/// gets the next). Numbers are grouped in pages of 4,096; a page exists while a number of it
/// is present and goes when its last one does, and the pages sit in one array indexed by
/// page number less the first page's. A lookup is two array reads: no hashing, and no
/// table a million entries wide for the CPU caches to miss in (a `Dictionary` from number
/// to slot cost ~500 instructions a change). Memory follows the span of numbers present:
/// 16 KiB a page, plus 8 bytes for each page in the span.
struct NumberSlots: Sendable {
    private static let pageBits: Int64 = 12
    private static let pageSize = 1 << Int(pageBits)
    private static let absent: Int32 = -1

    /// One page's slots (`absent` where no number is), and how many are present.
    private struct Page: Sendable {
        var slots = [Int32](repeating: NumberSlots.absent, count: NumberSlots.pageSize)
        var used = 0
    }

    /// `pages[k]` holds the numbers of page `firstPage + k`.
    private var pages: [Page?] = []
    private var firstPage: Int64 = 0
    /// How many numbers are present.
    private(set) var count = 0

    /// An empty map.
    init() {}

    private static func split(_ number: Int64) -> (page: Int64, offset: Int) {
        (number >> pageBits, Int(number & Int64(pageSize - 1)))
    }

    /// The slot of `number`; setting nil removes it.
    subscript(number: Int64) -> Int32? {
        get {
            let (page, offset) = Self.split(number)
            let index = page &- firstPage
            guard index >= 0, index < Int64(pages.count), let slot = pages[Int(index)]?.slots[offset], slot != Self.absent else { return nil }
            return slot
        }
        set {
            if let newValue { insert(newValue, for: number) } else { removeValue(forKey: number) }
        }
    }

    private mutating func insert(_ slot: Int32, for number: Int64) {
        precondition(slot != Self.absent, "a slot is never negative")
        let (page, offset) = Self.split(number)
        let index = pageIndex(makingRoomFor: page)
        if pages[index] == nil { pages[index] = Page() }
        if pages[index]!.slots[offset] == Self.absent {
            pages[index]!.used += 1
            count += 1
        }
        pages[index]!.slots[offset] = slot
    }

    /// Removes `number`, and returns its slot.
    @discardableResult
    mutating func removeValue(forKey number: Int64) -> Int32? {
        let (page, offset) = Self.split(number)
        let signed = page &- firstPage
        guard signed >= 0, signed < Int64(pages.count) else { return nil }
        let index = Int(signed)
        guard let slot = pages[index]?.slots[offset], slot != Self.absent else { return nil }
        pages[index]!.slots[offset] = Self.absent
        pages[index]!.used -= 1
        count -= 1
        if pages[index]!.used == 0 {
            pages[index] = nil
            trimEmptyEnds()
        }
        return slot
    }

    /// The index in `pages` of `page`, extending the array at either end to reach it.
    private mutating func pageIndex(makingRoomFor page: Int64) -> Int {
        if pages.isEmpty {
            firstPage = page
            pages.append(nil)
            return 0
        }
        if page < firstPage {
            pages.insert(contentsOf: [Page?](repeating: nil, count: Int(firstPage - page)), at: 0)
            firstPage = page
        } else if page - firstPage >= Int64(pages.count) {
            pages.append(contentsOf: [Page?](repeating: nil, count: Int(page - firstPage) - pages.count + 1))
        }
        return Int(page - firstPage)
    }

    /// Drops the pages at either end that hold nothing.
    private mutating func trimEmptyEnds() {
        while let last = pages.last, last == nil { pages.removeLast() }
        let leading = pages.prefix { $0 == nil }.count
        if leading > 0 {
            pages.removeFirst(leading)
            firstPage += Int64(leading)
        }
        if pages.isEmpty { firstPage = 0 }
    }

    /// Makes room in the page table for this many more numbers after the present ones.
    mutating func reserveCapacity(_ count: Int) {
        pages.reserveCapacity(pages.count + count / Self.pageSize + 1)
    }

    /// Every number present, ascending.
    var keys: [Int64] {
        var keys: [Int64] = []
        keys.reserveCapacity(count)
        for (index, page) in pages.enumerated() {
            guard let page else { continue }
            let base = (firstPage + Int64(index)) << Self.pageBits
            for offset in page.slots.indices where page.slots[offset] != Self.absent { keys.append(base + Int64(offset)) }
        }
        return keys
    }
}
