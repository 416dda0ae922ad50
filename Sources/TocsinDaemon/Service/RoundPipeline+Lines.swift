import TocsinCore
import TocsinSystem
import TocsinStore

/// A round's socket lines: status queries, silence and reply commands, and events, each
/// answered once the round is committed.
extension RoundPipeline {
    static func errorReply(_ reason: String) -> String { "error reason=" + Event.logfmtQuoted(reason) }

    /// `ok incident=N id=ID state=STATE`, gathered as bytes (one per acknowledged event).
    static func okReply(_ receipt: Receipt) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48 + receipt.id.utf8.count)
        bytes.append(contentsOf: "ok incident=".utf8)
        bytes.append(contentsOf: receipt.incident.description.utf8)
        bytes.append(contentsOf: " id=".utf8)
        Event.appendLogfmtQuoted(receipt.id, to: &bytes)
        bytes.append(contentsOf: " state=".utf8)
        bytes.append(contentsOf: receipt.state.rawValue.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One socket line; a `status` query is answered by `status` (the loop's state), in its
    /// place among the connection's replies.
    func handle(_ line: EventSocketServer.Line, now: Timestamp, status: () -> String, effects: inout RoundEffects) {
        let source = EventSource(name: "socket", uid: line.uid, pid: line.pid)
        if line.framingError == nil, Daemon.isStatusQuery(line.bytes) {
            effects.replies.append((line.connection, status()))
            return
        }
        if let framing = line.framingError {
            reject(framing, source: source, connection: line.connection, effects: &effects)
            return
        }
        if SilenceCommand.isCommand(line.bytes) {
            handleSilence(String(decoding: line.bytes, as: UTF8.self), source: source, connection: line.connection, now: now, effects: &effects)
            return
        }
        if ReplyRequest.isCommand(line.bytes) {
            handleReply(String(decoding: line.bytes, as: UTF8.self), source: source, connection: line.connection, now: now, effects: &effects)
            return
        }
        let parsed = line.bytes.withUnsafeBytes { EventParser.result(bytes: $0, now: now) }
        let event: Event
        switch parsed {
        case .success(let e): event = e
        case .failure(let error):
            reject(error.message, source: source, connection: line.connection, effects: &effects)
            return
        }
        switch engine.receive(event, now: now) {
        case .failure(let error):
            reject(error.message, source: source, connection: line.connection, effects: &effects)
        case .success(let (receipt, actions)):
            let logfmt = accepted(event, receipt, source: source, now: now, effects: &effects)
            apply(actions, now: now, source: source, event: (event, logfmt), effects: &effects)
            effects.replies.append((line.connection, RoundPipeline.okReply(receipt)))
            metrics.received.socket += 1
        }
    }

    private func reject(_ reason: String, source: EventSource, connection: UInt64, effects: inout RoundEffects) {
        effects.replies.append((connection, RoundPipeline.errorReply(reason)))
        metrics.rejected.socket += 1
        var fields: [(String, String)] = [("TOCSIN_SOURCE", source.name), ("TOCSIN_REASON", reason)]
        if let uid = source.uid { fields.append(("TOCSIN_PEER_UID", String(uid))) }
        if let pid = source.pid { fields.append(("TOCSIN_PEER_PID", String(pid))) }
        note(.inputRejected, .warning, "event rejected (\(source.name)): \(reason)", fields: fields, into: &effects)
    }

    /// Records an accepted event (its timeline row and journal entry); returns the event as
    /// logfmt, which a new incident opened by it stores as its fields.
    func accepted(_ event: Event, _ receipt: Receipt, source: EventSource, now: Timestamp, effects: inout RoundEffects) -> String {
        let line = event.logfmt
        batch.appendTimeline(
            incident: receipt.incident, at: now, what: event.action.rawValue, detail: line, source: source.name,
            uid: source.uid, pid: source.pid)
        let holder = receipt.holder
        note(
            .eventAccepted, .info,
            "event accepted: \(event.action.rawValue) #\(receipt.incident) \(receipt.id) (\(source.name))" + (holder.map { ", held by \($0)" } ?? ""),
            fields: RoundPipeline.acceptedFields(event, receipt, source: source, line: line) + RoundPipeline.holderFields(holder), into: &effects)
        return line
    }

    static func holderFields(_ holder: Holder?) -> [(String, String)] {
        switch holder {
        case .silence(let number, _): [("TOCSIN_SILENCE", String(number))]
        case .window(let name, _): [("TOCSIN_MAINTENANCE", name)]
        case .parent(let number): [("TOCSIN_PARENT", number.description)]
        case nil: []
        }
    }

    private static func acceptedFields(_ event: Event, _ receipt: Receipt, source: EventSource, line: String) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("TOCSIN_INCIDENT", receipt.incident.description), ("TOCSIN_ID", receipt.id),
            ("TOCSIN_ACTION", event.action.rawValue), ("TOCSIN_SOURCE", source.name), ("TOCSIN_EVENT", line),
        ]
        if let kind = event.kind { fields.append(("TOCSIN_KIND", kind)) }
        if let severity = event.severity { fields.append(("TOCSIN_SEVERITY", String(severity))) }
        if let uid = source.uid { fields.append(("TOCSIN_PEER_UID", String(uid))) }
        if let pid = source.pid { fields.append(("TOCSIN_PEER_PID", String(pid))) }
        return fields
    }
}
