/// The engine's open incidents, by number, packed for memory (SPEC's storm: a million may be
/// open at once). Each incident is one `IncidentCodec` byte buffer in a dense array, found
/// through `NumberSlots` (number → slot, pages of the number span: no hashing, nothing to
/// rehash on the ingest path); a plain dictionary of `Incident` values would spread
/// 224-byte structs over twice as many buckets and touch them all.
///
/// The incident stored last stays unpacked (a one-entry write-back cache): the engine works on
/// one incident several times in a row — store, schedule, fire — and packs it once.
struct IncidentTable: Sendable {
    private var slotOf = NumberSlots()
    private var packed: ContiguousArray<[UInt8]> = []
    /// The number in each slot (0 for a free one), for walking the slots in order.
    private var numberInSlot: ContiguousArray<Int64> = []
    private var freeSlots: [Int32] = []
    /// The deadline of each slot's live timer (`noTimer`: none), so the engine keeps one timer
    /// per incident and tells a stale heap entry from a live one without unpacking anything.
    private var timerAt: ContiguousArray<Int64> = []
    private static let noTimer = Int64.min
    /// The newest value of one incident; its packed bytes are stale while `dirty`.
    private var cached: Incident?
    private var dirty = false
    /// The cached incident differs from its packed bytes only in its progress (a firing):
    /// the bytes are patched rather than written anew.
    private var progressOnly = false
    /// Working space for `IncidentCodec.patchProgress`.
    private var scratch: [UInt8] = []

    /// How many incidents are in the table.
    var count: Int { slotOf.count }

    /// The incident with this number; setting nil removes it. One read from its packed
    /// bytes is not kept: the caller works on the only copy (a firing appends to its `told`
    /// in place) and stores it back, which caches it.
    subscript(number: IncidentNumber) -> Incident? {
        get { peek(number) }
        set {
            guard let newValue else { return remove(number) }
            if let other = cached?.number, other != number { flush() }
            if slotOf[number.value] == nil { _ = newSlot(for: number.value, packed: []) }
            cached = newValue
            dirty = true
            progressOnly = false
        }
    }

    /// Stores an incident that a step firing changed, and only in its progress (fired steps,
    /// repeats sent, who was told, the thread's first message): packing it later rewrites
    /// those and copies the rest.
    mutating func storeProgress(_ incident: Incident) {
        let fullyChanged = dirty && !progressOnly && cached?.number == incident.number
        self[incident.number] = incident
        progressOnly = !fullyChanged
    }

    /// The incident with this number, without touching the cache.
    func peek(_ number: IncidentNumber) -> Incident? {
        if let cached, cached.number == number { return cached }
        return slotOf[number.value].map { IncidentCodec.decode(packed[Int($0)], number: number) }
    }

    /// Adds an incident already packed (a restart), replacing any with its number.
    mutating func insert(packed bytes: [UInt8], number: IncidentNumber) {
        if cached?.number == number {
            cached = nil
            dirty = false
        }
        if let slot = slotOf[number.value] {
            packed[Int(slot)] = bytes
        } else {
            _ = newSlot(for: number.value, packed: bytes)
        }
    }

    /// Sets every incident's timer to what `deadline` makes of its number and schedule state
    /// (reading only the front of each packed incident, slot by slot), and calls `body` with
    /// each timer set.
    mutating func resetTimers(
        _ deadline: (IncidentNumber, ScheduleState) -> Timestamp?, _ body: (Timestamp, IncidentNumber) -> Void
    ) {
        for (slot, number) in numberInSlot.enumerated() {
            timerAt[slot] = Self.noTimer
            guard number != 0 else { continue }
            let schedule = cached.flatMap { $0.number.value == number ? $0.schedule : nil } ?? IncidentCodec.schedule(packed[slot])
            guard let due = deadline(IncidentNumber(number), schedule) else { continue }
            timerAt[slot] = due.milliseconds
            body(due, IncidentNumber(number))
        }
    }

    /// Forgets every incident's timer.
    mutating func clearTimers() {
        for slot in timerAt.indices { timerAt[slot] = Self.noTimer }
    }

    /// The deadline of the incident's live timer, if it has one.
    func timer(_ number: IncidentNumber) -> Timestamp? {
        guard let slot = slotOf[number.value] else { return nil }
        let at = timerAt[Int(slot)]
        return at == Self.noTimer ? nil : Timestamp(milliseconds: at)
    }

    /// Records the incident's live timer (nil: none); an incident not in the table has none.
    mutating func setTimer(_ number: IncidentNumber, _ deadline: Timestamp?) {
        guard let slot = slotOf[number.value] else { return }
        timerAt[Int(slot)] = deadline?.milliseconds ?? Self.noTimer
    }

    private mutating func newSlot(for number: Int64, packed bytes: [UInt8]) -> Int32 {
        if let slot = freeSlots.popLast() {
            slotOf[number] = slot
            packed[Int(slot)] = bytes
            numberInSlot[Int(slot)] = number
            timerAt[Int(slot)] = Self.noTimer
            return slot
        }
        let slot = Int32(packed.count)
        slotOf[number] = slot
        packed.append(bytes)
        numberInSlot.append(number)
        timerAt.append(Self.noTimer)
        return slot
    }

    /// Makes room for this many incidents.
    mutating func reserveCapacity(_ count: Int) {
        slotOf.reserveCapacity(count)
        packed.reserveCapacity(count)
        numberInSlot.reserveCapacity(count)
        timerAt.reserveCapacity(count)
    }

    /// Whether an incident has this number.
    func contains(_ number: IncidentNumber) -> Bool { slotOf[number.value] != nil }

    /// Every number in the table, ascending.
    var numbers: [IncidentNumber] { slotOf.keys.map(IncidentNumber.init) }

    /// Every incident, by number (unpacks them all: reports and tests only).
    var values: [Incident] { slotOf.keys.map { peek(IncidentNumber($0))! } }

    private mutating func remove(_ number: IncidentNumber) {
        if cached?.number == number {
            cached = nil
            dirty = false
        }
        guard let slot = slotOf.removeValue(forKey: number.value) else { return }
        packed[Int(slot)] = []
        numberInSlot[Int(slot)] = 0
        timerAt[Int(slot)] = Self.noTimer
        freeSlots.append(slot)
    }

    /// Packs the cached incident into its slot if it changed.
    private mutating func flush() {
        guard dirty, let cached, let slot = slotOf[cached.number.value] else { return }
        if progressOnly && !packed[Int(slot)].isEmpty {
            IncidentCodec.patchProgress(&packed[Int(slot)], with: cached, scratch: &scratch)
        } else {
            packed[Int(slot)] = IncidentCodec.encode(cached)
        }
        dirty = false
        progressOnly = false
    }
}
