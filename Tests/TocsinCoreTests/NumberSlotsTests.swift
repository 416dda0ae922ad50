import Testing

@testable import TocsinCore

@Suite("The number to slot map of open incidents")
struct NumberSlotsTests {
    typealias Generator = EnginePropertyTests.Generator

    @Test("inserts, removals and lookups agree with a Dictionary as the open numbers move along", arguments: 0..<4)
    func againstDictionary(seed: Int) {
        var random = Generator(state: UInt64(seed) &* 104_729 &+ 11)
        var map = NumberSlots()
        var model: [Int64: Int32] = [:]
        // A window of open numbers that moves up, as new incidents open and old ones resolve,
        // with a few old ones left open far behind it and some numbers below the first page.
        for step in 0..<80_000 {
            let number: Int64
            switch random.next(20) {
            case 0: number = Int64(random.next(50))  // long-open ones at the start
            case 1: number = -Int64(random.next(5_000))  // below every page so far
            default: number = Int64(step * 3 + random.next(30_000))
            }
            switch random.next(10) {
            case 0...4:
                let slot = Int32(random.next(1_000_000))
                map[number] = slot
                model[number] = slot
            case 5...7:
                #expect(map.removeValue(forKey: number) == model.removeValue(forKey: number))
            default:
                #expect(map[number] == model[number])
            }
            #expect(map.count == model.count)
            if step % 10_000 == 0 { #expect(map.keys == model.keys.sorted()) }
        }
        #expect(map.keys == model.keys.sorted())
        for (number, slot) in model { #expect(map[number] == slot) }
        for number in model.keys { map[number] = nil }
        #expect(map.count == 0 && map.keys.isEmpty && map[1] == nil)
    }

    @Test("a page goes when its last number does, so memory follows the open span")
    func pagesFollowTheSpan() {
        var map = NumberSlots()
        for number in Int64(1)...20_000 { map[number] = Int32(number) }
        for number in Int64(1)...16_000 { map[number] = nil }
        #expect(map.keys == Array(16_001...20_000))
        #expect(map[8_000] == nil && map[16_001] == 16_001)
        for number in Int64(16_001)...20_000 { map[number] = nil }
        map[5] = 7  // an empty map starts again anywhere
        #expect(map.keys == [5] && map[5] == 7)
    }
}
