/// An open incident packed as the engine keeps it (`IncidentCodec`), with its number and
/// id, ready for `EngineSnapshot.add(_:)`. A restart builds these straight from the
/// store's borrowed column text, without building an `Incident` (it packs a million).
public struct PackedIncident: Sendable {
    let number: Int64
    let bytes: [UInt8]
    let id: String

    /// Packs the incident these parts describe, byte for byte as the engine packs that
    /// `Incident`; nil for a resolved one (a snapshot keeps none). The buffers are only read
    /// during the call.
    package init?(
        number: Int64, state: Incident.State, began: Int64, firedSteps: UInt64, repeatsSent: Int64,
        rule: UnsafeBufferPointer<UInt8>?, told: [UnsafeBufferPointer<UInt8>], threadRoot: UnsafeBufferPointer<UInt8>?,
        id: UnsafeBufferPointer<UInt8>, fields: Event, opened: Int64, lastSeen: Int64, count: Int64,
        scheduleDigest: UnsafeBufferPointer<UInt8>, ackedAt: Int64?, ackedBy: UnsafeBufferPointer<UInt8>?, resolvedAt: Int64?,
        resolvedBy: UnsafeBufferPointer<UInt8>?, cause: UnsafeBufferPointer<UInt8>?
    ) {
        guard state != .resolved else { return nil }
        self.number = number
        bytes = IncidentCodec.encode(
            BorrowedIncident(
                state: state, began: began, firedSteps: firedSteps, repeatsSent: repeatsSent, rule: rule, told: told,
                threadRoot: threadRoot, id: id, fields: fields, opened: opened, lastSeen: lastSeen, count: count,
                scheduleDigest: scheduleDigest, ackedAt: ackedAt, ackedBy: ackedBy, resolvedAt: resolvedAt, resolvedBy: resolvedBy,
                cause: cause))
        self.id = String(decoding: id, as: UTF8.self)
    }
}
