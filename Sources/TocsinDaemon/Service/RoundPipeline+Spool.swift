import TocsinCore
import TocsinSystem
import TocsinStore

/// A round's spool files: each applied whole, or moved to failed/ with the reason.
extension RoundPipeline {
    /// A spool file: all of its lines, or none of them.
    func handleSpoolFile(_ name: String, spool: some SpoolFiles, now: Timestamp, effects: inout RoundEffects) throws(StoreError) {
        let file: SpoolWatcher.File
        switch spool.read(name) {
        case .gone: return spool.release(name)
        case .retryLater(let reason):
            spool.release(name)
            note(.inputRejected, .warning, "\(reason); the file stays in new/ and is tried again", fields: [("TOCSIN_SOURCE", "spool:" + name)], into: &effects)
            return
        case .bad(let rejection):
            effects.spoolFailed.append((name, "\(name): \(rejection.message)"))
            return
        case .file(let f): file = f
        }
        // A last line without its newline: the writer may still be writing (a file made in
        // new/ itself, not renamed from tmp/). Only complete lines are ever applied.
        if let last = file.bytes.last, last != 0x0A {
            let waited = spool.waitForRest(name, now: WallClock.monotonicMilliseconds())
            guard waited >= spoolGrace.milliseconds else { return }
            effects.spoolFailed.append((name, "\(name): the last line has no newline after \(spoolGrace): the file was cut short, or is still being written in new/ (write it in tmp/ and rename it into new/)"))
            return
        }
        if try spool.applied(name: name, digest: file.digest) {
            effects.spoolApplied.append(name)
            return
        }
        var events: [Event] = []
        var problem: String?
        var lineNumber = 0
        var start = 0
        let bytes = file.bytes
        while start < bytes.count, problem == nil {
            lineNumber += 1
            var end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let isBlank = bytes[start..<end].allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !isBlank {
                let result = bytes[start..<end].withUnsafeBytes { EventParser.result(bytes: $0, now: now) }
                switch result {
                case .success(let event): events.append(event)
                case .failure(let error): problem = "line \(lineNumber): \(error.message)"
                }
            }
            start = next
        }
        if problem == nil, events.isEmpty { problem = "the file has no events" }
        if problem == nil { problem = sequenceProblem(events) }
        if let problem {
            effects.spoolFailed.append((name, "\(name): \(problem)"))
            return
        }
        let source = EventSource(name: "spool:" + name)
        for event in events {
            guard case .success(let (receipt, actions)) = engine.receive(event, now: now) else { continue }
            let line = accepted(event, receipt, source: source, now: now, effects: &effects)
            apply(actions, now: now, source: source, event: (event, line), effects: &effects)
        }
        batch.recordSpoolFile(name: name, digest: file.digest, at: now)
        effects.spoolApplied.append(name)
        metrics.received.spool += events.count
    }

    /// Checks, without changing anything, that every ack/resolve/note of a file has an open
    /// incident when its turn comes, so a file is applied whole or not at all.
    private func sequenceProblem(_ events: [Event]) -> String? {
        var openedHere = Set<String>()
        var resolvedHere = Set<String>()
        for (index, event) in events.enumerated() {
            guard let id = event.id else { continue }
            switch event.action {
            case .open:
                openedHere.insert(id)
                resolvedHere.remove(id)
            case .ack, .note, .resolve:
                let open = openedHere.contains(id) || (engine.openNumber(for: id) != nil && !resolvedHere.contains(id))
                if !open {
                    return "event \(index + 1): cannot \(event.action.rawValue) \"\(FieldText.quoted(id))\": no open incident has that id"
                }
                if event.action == .resolve {
                    openedHere.remove(id)
                    resolvedHere.insert(id)
                }
            }
        }
        return nil
    }
}
