import TocsinCore

/// One `incidents` row as borrowed UTF-8 and integers, straight from the statement's
/// columns (valid until its next step), for packing without building an `Incident`: a
/// restart packs a million of them.
package struct StoredIncidentColumns {
    package var number: Int64
    package var state: Incident.State
    package var began: Int64
    package var firedSteps: UInt64
    package var repeatsSent: Int64
    package var rule: UnsafeBufferPointer<UInt8>?
    package var id: UnsafeBufferPointer<UInt8>
    /// The fields as the canonical logfmt line (`Event.logfmt`).
    package var fields: UnsafeBufferPointer<UInt8>
    package var opened: Int64
    package var lastSeen: Int64
    package var count: Int64
    package var scheduleDigest: UnsafeBufferPointer<UInt8>
    package var ackedAt: Int64?
    package var ackedBy: UnsafeBufferPointer<UInt8>?
    package var resolvedAt: Int64?
    package var resolvedBy: UnsafeBufferPointer<UInt8>?
    package var cause: UnsafeBufferPointer<UInt8>?
    /// Contact names separated by spaces (`Store.appendNames`).
    package var told: UnsafeBufferPointer<UInt8>
    package var threadRoot: UnsafeBufferPointer<UInt8>?
}

extension PackedIncident {
    /// Packs a stored row as the engine packs the incident it holds; nil for a resolved one.
    /// Fields the store cannot read back (never written so) are packed as none, as
    /// `Store.incident(from:)` reads them.
    package init?(columns c: StoredIncidentColumns) {
        let told = c.told.split(separator: 0x20).map { UnsafeBufferPointer(rebasing: $0) }
        self.init(
            number: c.number, state: c.state, began: c.began, firedSteps: c.firedSteps, repeatsSent: c.repeatsSent,
            rule: c.rule, told: told, threadRoot: c.threadRoot, id: c.id,
            fields: EventParser.trusted(logfmt: c.fields) ?? Event(fields: []), opened: c.opened, lastSeen: c.lastSeen,
            count: c.count, scheduleDigest: c.scheduleDigest, ackedAt: c.ackedAt, ackedBy: c.ackedBy,
            resolvedAt: c.resolvedAt, resolvedBy: c.resolvedBy, cause: c.cause)
    }
}
