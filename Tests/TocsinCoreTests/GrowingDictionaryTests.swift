import Testing

@testable import TocsinCore

@Suite("The dictionary that grows without a pause")
struct GrowingDictionaryTests {
    typealias Generator = EnginePropertyTests.Generator

    @Test("inserts, updates, removals and lookups agree with a Dictionary through several growths",
          arguments: 0..<4)
    func againstDictionary(seed: Int) {
        var random = Generator(state: UInt64(seed) &* 7_919 &+ 3)
        var dictionary = GrowingDictionary<String, Int>()
        var model: [String: Int] = [:]
        var growths = 0
        var wasGrowing = false
        // Keys from a range that widens, so the count climbs past several capacities while
        // removals and re-inserts of the same keys land during every move.
        for step in 0..<60_000 {
            let key = "事件-\(random.next(1 + step / 2))"
            switch random.next(10) {
            case 0...4:
                #expect(dictionary.updateValue(step, forKey: key) == model.updateValue(step, forKey: key))
            case 5, 6:
                #expect(dictionary.removeValue(forKey: key) == model.removeValue(forKey: key))
            case 7:
                dictionary[key] = nil
                model[key] = nil
            default:
                #expect(dictionary[key] == model[key])
            }
            #expect(dictionary.count == model.count)
            if dictionary.isGrowing && !wasGrowing { growths += 1 }
            wasGrowing = dictionary.isGrowing
            if step % 5_000 == 0 { #expect(Set(dictionary.keys) == Set(model.keys)) }
        }
        #expect(growths >= 3)
        #expect(Set(dictionary.keys) == Set(model.keys))
        for (key, value) in model { #expect(dictionary[key] == value) }
    }

    @Test("a full table is moved a few entries per change, never all in one")
    func growsGradually() {
        var dictionary = GrowingDictionary<Int64, Int32>()
        var key: Int64 = 0
        while !dictionary.isGrowing {
            key += 1
            dictionary[key] = Int32(truncatingIfNeeded: key)
        }
        // The insert that found the table full moved at most a few of its entries: the move
        // takes about a quarter as many further changes as the table held.
        let held = Int(key - 1)
        #expect(held >= GrowingDictionary<Int64, Int32>.smallestGradualGrowth)
        var changes = 0
        while dictionary.isGrowing {
            key += 1
            changes += 1
            dictionary[key] = -1
        }
        let perChange = GrowingDictionary<Int64, Int32>.movesPerChange
        #expect(changes >= held / perChange - 1)
        #expect(changes <= held / perChange + 1)
        // Every entry of the old table is still there, and every one added during the move.
        for old in 1...Int64(held + 1) { #expect(dictionary[old] == Int32(old)) }
        for new in Int64(held + 2)...key { #expect(dictionary[new] == -1) }
        #expect(dictionary.count == Int(key))
    }

    @Test("reserving room finishes a move under way and keeps every entry")
    func reserveDuringGrowth() {
        var dictionary = GrowingDictionary<Int64, Int32>()
        var key: Int64 = 0
        while !dictionary.isGrowing {
            key += 1
            dictionary[key] = Int32(key)
        }
        dictionary[3] = nil
        dictionary.reserveCapacity(100_000)
        #expect(!dictionary.isGrowing)
        #expect(dictionary.count == Int(key) - 1)
        #expect(dictionary[3] == nil)
        #expect(dictionary[key] == Int32(key))
        #expect(Set(dictionary.keys) == Set((1...key).filter { $0 != 3 }))
    }
}
