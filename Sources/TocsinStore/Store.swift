import CSQLite
import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The durable state (SPEC §11): SQLite in WAL mode with synchronous=FULL, in the state
/// directory. Incidents, their timeline, the notification outbox and the spool files
/// already applied. The daemon writes in transactions that group many events (group
/// commit); "committed" means fsync'd.
public final class Store {
    /// The database file's name inside the state directory.
    public static let fileName = "tocsin.db"

    package let db: SQLiteDatabase
    /// The files this connection has open, to notice when one is removed or replaced.
    private var files: StoreFiles
    /// Bytes a write puts together before binding them (an incident's fields as logfmt).
    private var scratch: [UInt8] = []
    /// Incident rows and timeline rows waiting for their multi-row `INSERT` (`Store.apply`
    /// writes them `MultiRowInsert.maxRows` at a time).
    private var pendingIncidents: [(incident: Incident, fieldsText: String?)] = []
    private var pendingTimeline: [PendingTimelineRow] = []
    /// The pending timeline rows' details, one after another.
    private var pendingDetails: [UInt8] = []
    private let incidentRows = MultiRowInsert(
        head: """
            INSERT INTO incidents (number, id, state, kind, severity, summary, rule, schedule_digest, fired_steps,
                repeats_sent, began, opened, last_seen, count, acked_at, acked_by, resolved_at, resolved_by, cause,
                told, thread_root, fields) VALUES
            """ + " ",
        columns: 22,
        tail: """

            ON CONFLICT(number) DO UPDATE SET state=excluded.state, kind=excluded.kind, severity=excluded.severity,
                summary=excluded.summary, rule=excluded.rule, schedule_digest=excluded.schedule_digest,
                fired_steps=excluded.fired_steps, repeats_sent=excluded.repeats_sent, last_seen=excluded.last_seen,
                count=excluded.count, acked_at=excluded.acked_at, acked_by=excluded.acked_by,
                resolved_at=excluded.resolved_at, resolved_by=excluded.resolved_by, cause=excluded.cause,
                told=excluded.told, thread_root=excluded.thread_root, fields=excluded.fields
            """)
    private let timelineRows = MultiRowInsert(
        head: "INSERT INTO timeline (incident, at, what, detail, source, uid, pid) VALUES ", columns: 7)
    /// Progress rows waiting for their multi-row `INSERT`; their `told` texts, one after another.
    private var pendingProgress: [PendingProgressRow] = []
    private var pendingTold: [UInt8] = []
    private let progressRows = MultiRowInsert(
        head: "INSERT OR REPLACE INTO progress (number, fired_steps, repeats_sent, told, thread_root) VALUES ", columns: 5)
    /// The incidents with a row in `progress` (as this connection wrote them): a whole save
    /// of one of them writes that row too, so it never holds older progress than the
    /// incident's own row.
    private var numbersWithProgress = GrowingDictionary<Int64, Void>()
    /// Whether the store has the `progress` table (a read-only store of an older tocsind may not).
    private let hasProgressTable: Bool
    /// The database path.
    public var path: String { db.path }

    /// The database's mode: readable by the group (operators in group `tocsin` run
    /// tocsinctl's reading commands), whatever the service's umask. SQLite gives the -wal
    /// and -shm files the database file's mode.
    public static let fileMode: mode_t = 0o640

    /// The database file of the store in `directory`.
    public static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Why a file of the store this connection has open is no longer the one at its path —
    /// the database, its WAL or its shared-memory file removed (`rm -r` of the state
    /// directory, `rm tocsin.db-wal`) or replaced (a restore moved into place) — or nil
    /// while all are (`StoreFiles`).
    package func fileProblem() -> String? { files.problem(db) }

    /// After the WAL was removed or replaced under an open store: copies every transaction
    /// this connection can still read from the WAL it has open into the database file, and
    /// fsyncs it, so nothing committed is lost with the WAL (a full checkpoint; call it with
    /// no other writer left). Returns the frames copied, or the error.
    package func rescueWAL() -> Result<Int, StoreError> {
        var frames: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_FULL, &frames, &copied)
        guard rc == SQLITE_OK else { return .failure(db.error("checkpoint", rc)) }
        return .success(Int(max(copied, 0)))
    }

    /// Whether the database file itself is in place (only its WAL or shared-memory file is not).
    package var mainFileInPlace: Bool {
        var moved: Int32 = 0
        return sqlite3_file_control(db.handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved == 0
    }

    /// Opens (creating and migrating as needed) the store in `directory`, read-write.
    public init(directory: String) throws(StoreError) {
        let path = Store.path(in: directory)
        try StoreFiles.prepare(path)
        files = StoreFiles(path: path)
        db = try SQLiteDatabase(path: path, readOnly: false)
        do {
            try db.execute("PRAGMA journal_mode=WAL", "set WAL mode on")
        } catch where error.code & 0xFF == SQLITE_NOTADB {
            throw StoreError(path, "open", "it is not a Tocsin store (not an SQLite database); tocsind makes a new store only where no file exists", code: error.code)
        }
        try StoreFiles.validate(db)
        // The store writer replaces the automatic checkpoint with its own, at the same size.
        try db.execute(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=\(StoreWriter.defaultCheckpointPages)",
            "configure")
        hasProgressTable = true  // schema 6, which `migrate` brings it to
        try migrate()
        try loadProgressNumbers()
        files.recordCompanions()
    }

    /// Opens an existing store read-only (tocsinctl's reading commands), or throws.
    public init(readOnlyAt directory: String) throws(StoreError) {
        let path = Store.path(in: directory)
        guard access(path, F_OK) == 0 else {
            throw StoreError(path, "open", "no such file (has tocsind ever run with --state \(directory)?)", code: SQLITE_CANTOPEN)
        }
        db = try SQLiteDatabase(path: path, readOnly: true)
        files = StoreFiles(path: path)
        hasProgressTable = try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'progress'") == 1
    }

    private func migrate() throws(StoreError) {
        let version = Int(try db.scalar("PRAGMA user_version") ?? 0)
        guard version <= Schema.migrations.count else {
            throw StoreError(db.path, "open", "the store has schema version \(version), newer than this tocsind knows (\(Schema.migrations.count))", code: SQLITE_ERROR)
        }
        for (index, sql) in Schema.migrations.enumerated().dropFirst(version) {
            try db.execute("BEGIN IMMEDIATE", "migrate")
            do {
                try db.execute(sql, "migrate")
                if index + 1 == Schema.heldChunksVersion { try packHeldRows() }
                try db.execute("PRAGMA user_version = \(index + 1)", "migrate")
                try db.execute("COMMIT", "migrate")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
        if try metaValue("instance") == nil {
            var bytes = [UInt8](repeating: 0, count: 6)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
            try db.hot("INSERT INTO meta (key, value) VALUES ('instance', ?)").run([
                .text(bytes.map { String($0, radix: 16).leftPadded(2) }.joined())
            ])
        }
    }

    // MARK: transactions

    /// Starts a write transaction.
    public func begin() throws(StoreError) { try db.execute("BEGIN IMMEDIATE", "begin a transaction on") }

    /// Commits (and, with synchronous=FULL, fsyncs the WAL).
    public func commit() throws(StoreError) { try db.execute("COMMIT", "commit to") }

    /// Abandons the transaction (and what this connection believed it had written to
    /// `progress` in it).
    public func rollback() {
        try? db.execute("ROLLBACK")
        try? loadProgressNumbers()
    }

    // MARK: meta

    /// A value of the meta table.
    public func metaValue(_ key: String) throws(StoreError) -> String? {
        let s = try db.hot("SELECT value FROM meta WHERE key = ?")
        s.bind([.text(key)])
        defer { s.reset() }
        return try s.step() ? s.text(0) : nil
    }

    /// Sets a value of the meta table (inside the caller's transaction).
    public func setMeta(_ key: String, _ value: String) throws(StoreError) {
        try db.hot("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .run([.text(key), .text(value)])
    }

    /// This store's random instance tag, part of every Message-ID.
    public func instanceTag() throws(StoreError) -> String { try metaValue("instance") ?? "0" }

    // MARK: incidents

    /// Writes an incident's whole current state; `fieldsText` is `incident.fields.logfmt`
    /// when the caller has it already.
    public func save(_ incident: Incident, fieldsText: String? = nil) throws(StoreError) {
        try queueSave(incident, fieldsText: fieldsText)
        try flushIncidents()
        try flushProgress()
    }

    /// `save`, written with the next ones in one `INSERT` (`flushIncidents`).
    package func queueSave(_ incident: Incident, fieldsText: String?) throws(StoreError) {
        pendingIncidents.append((incident, fieldsText))
        if pendingIncidents.count == MultiRowInsert.maxRows { try flushIncidents() }
        guard numbersWithProgress[incident.number.value] != nil else { return }
        if incident.state == .resolved {
            // Its own row has its last progress; a resolved incident keeps no row here.
            try flushProgress()
            try db.hot("DELETE FROM progress WHERE number = ?").run([.int(incident.number.value)])
            numbersWithProgress.removeValue(forKey: incident.number.value)
        } else {
            try queueProgress(
                incident.number, firedSteps: incident.firedSteps, repeatsSent: incident.repeatsSent, told: incident.told,
                threadRoot: incident.threadRoot)
        }
    }

    /// Writes the incidents `queueSave` holds.
    package func flushIncidents() throws(StoreError) {
        guard !pendingIncidents.isEmpty else { return }
        let s = try incidentRows.statement(rows: pendingIncidents.count, in: db)
        for (row, pending) in pendingIncidents.enumerated() {
            bind(pending.incident, fieldsText: pending.fieldsText, to: s, from: Int32(row) * incidentRows.columns)
        }
        pendingIncidents.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Binds an incident's 22 columns as parameters `base + 1` … `base + 22`.
    private func bind(_ incident: Incident, fieldsText: String?, to s: Statement, from base: Int32) {
        s.bind(base + 1, incident.number.value)
        s.bind(base + 2, incident.id)
        s.bind(base + 3, incident.state.rawValue)
        s.bind(base + 4, incident.kind)
        s.bind(base + 5, incident.severity.map(Int64.init))
        s.bind(base + 6, incident.summary)
        s.bind(base + 7, incident.rule?.rawValue)
        s.bind(base + 8, incident.scheduleDigest)
        s.bind(base + 9, Int64(bitPattern: incident.firedSteps))
        s.bind(base + 10, Int64(incident.repeatsSent))
        s.bind(base + 11, incident.began.milliseconds)
        s.bind(base + 12, incident.opened.milliseconds)
        s.bind(base + 13, incident.lastSeen.milliseconds)
        s.bind(base + 14, Int64(incident.count))
        s.bind(base + 15, incident.ackedAt?.milliseconds)
        s.bind(base + 16, incident.ackedBy)
        s.bind(base + 17, incident.resolvedAt?.milliseconds)
        s.bind(base + 18, incident.resolvedBy)
        s.bind(base + 19, incident.cause)
        scratch.removeAll(keepingCapacity: true)
        Store.appendNames(incident.told, to: &scratch)
        s.bind(base + 20, utf8: scratch)  // staged (copied) here, so the scratch is free again below
        s.bind(base + 21, incident.threadRoot)
        if let fieldsText {
            s.bind(base + 22, fieldsText)
        } else {
            scratch.removeAll(keepingCapacity: true)
            incident.fields.appendLogfmt(to: &scratch)
            s.bind(base + 22, utf8: scratch)
        }
    }

    /// Forgets rows queued for a transaction that failed.
    package func discardPending() {
        pendingIncidents.removeAll(keepingCapacity: true)
        pendingTimeline.removeAll(keepingCapacity: true)
        pendingDetails.removeAll(keepingCapacity: true)
        pendingProgress.removeAll(keepingCapacity: true)
        pendingTold.removeAll(keepingCapacity: true)
    }

    /// Queues what a step firing changes in an incident (see `StoreBatch.saveProgress`), to be
    /// written with the next ones in one `INSERT` (`flushProgress`).
    package func queueProgress(_ number: IncidentNumber, firedSteps: UInt64, repeatsSent: Int, told: [ContactName], threadRoot: String?)
        throws(StoreError)
    {
        numbersWithProgress[number.value] = ()
        let start = pendingTold.count
        Store.appendNames(told, to: &pendingTold)
        pendingProgress.append(
            PendingProgressRow(
                number: number.value, firedSteps: firedSteps, repeatsSent: repeatsSent, told: start..<pendingTold.count,
                threadRoot: threadRoot))
        if pendingProgress.count == MultiRowInsert.maxRows { try flushProgress() }
    }

    /// Writes the progress rows queued, in order (of two for one incident, the later stays).
    package func flushProgress() throws(StoreError) {
        guard !pendingProgress.isEmpty else { return }
        let s = try progressRows.statement(rows: pendingProgress.count, in: db)
        pendingTold.withUnsafeBytes { told in
            for (index, row) in pendingProgress.enumerated() {
                let base = Int32(index) * progressRows.columns
                s.bind(base + 1, row.number)
                s.bind(base + 2, Int64(bitPattern: row.firedSteps))
                s.bind(base + 3, Int64(row.repeatsSent))
                s.bind(base + 4, utf8: UnsafeRawBufferPointer(rebasing: told[row.told]))
                s.bind(base + 5, row.threadRoot)
            }
        }
        pendingProgress.removeAll(keepingCapacity: true)
        pendingTold.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Reads which incidents have a progress row.
    private func loadProgressNumbers() throws(StoreError) {
        numbersWithProgress = GrowingDictionary()
        let s = try db.statement("SELECT number FROM progress")
        while try s.step() { numbersWithProgress[s.int64(0)] = () }
    }

    /// The columns of an incident as stored in its own row (a restart overlays `progress`
    /// itself, `progressOverlay`).
    package static let incidentColumns = """
        number, id, state, rule, schedule_digest, fired_steps, repeats_sent, began, opened, last_seen, count,
        acked_at, acked_by, resolved_at, resolved_by, cause, told, thread_root, fields
        """

    /// `SELECT` columns and table for reading whole incidents, with their progress row if
    /// any: `SELECT \(incidentSelect) WHERE …`.
    package var incidentSelect: String {
        guard hasProgressTable else { return Store.incidentColumns + " FROM incidents" }
        return """
            number, id, state, rule, schedule_digest, COALESCE(progress.fired_steps, incidents.fired_steps),
            COALESCE(progress.repeats_sent, incidents.repeats_sent), began, opened, last_seen, count,
            acked_at, acked_by, resolved_at, resolved_by, cause, COALESCE(progress.told, incidents.told),
            CASE WHEN progress.number IS NULL THEN incidents.thread_root ELSE progress.thread_root END, fields
            FROM incidents LEFT JOIN progress USING (number)
            """
    }

    /// Every progress row, by incident number, for a restart to lay over the incidents' own
    /// columns (one read of a table of firings, not a join per open incident).
    package func progressOverlay() throws(StoreError) -> [Int64: StoredProgress] {
        var overlay: [Int64: StoredProgress] = [:]
        let s = try db.statement("SELECT number, fired_steps, repeats_sent, told, thread_root FROM progress")
        while try s.step() {
            overlay[s.int64(0)] = StoredProgress(
                firedSteps: UInt64(bitPattern: s.int64(1)), repeatsSent: s.int64(2), told: Array(s.utf8(3)),
                threadRoot: s.optionalUTF8(4).map(Array.init))
        }
        return overlay
    }

    /// The columns of an `incidentColumns` row, borrowed until the next step.
    package static func columns(of s: Statement) -> StoredIncidentColumns {
        let state = s.utf8(2)
        return StoredIncidentColumns(
            number: s.int64(0), state: state.elementsEqual("resolved".utf8) ? .resolved : state.elementsEqual("acked".utf8) ? .acked : .open,
            began: s.int64(7), firedSteps: UInt64(bitPattern: s.int64(5)), repeatsSent: s.int64(6), rule: s.optionalUTF8(3),
            id: s.utf8(1), fields: s.utf8(18), opened: s.int64(8), lastSeen: s.int64(9), count: s.int64(10),
            scheduleDigest: s.utf8(4), ackedAt: s.optionalInt64(11), ackedBy: s.optionalUTF8(12), resolvedAt: s.optionalInt64(13),
            resolvedBy: s.optionalUTF8(14), cause: s.optionalUTF8(15), told: s.utf8(16), threadRoot: s.optionalUTF8(17))
    }

    package static func incident(from s: Statement) -> Incident {
        let fields = EventParser.trusted(logfmt: s.text(18)) ?? Event(fields: [])
        var incident = Incident(
            number: IncidentNumber(s.int64(0)), id: s.text(1), fields: fields, began: Timestamp(milliseconds: s.int64(7)),
            opened: Timestamp(milliseconds: s.int64(8)))
        incident.state = Incident.State(rawValue: s.text(2)) ?? .open
        incident.rule = s.optionalText(3).map { RuleName($0) }
        incident.scheduleDigest = s.text(4)
        incident.firedSteps = UInt64(bitPattern: s.int64(5))
        incident.repeatsSent = Int(s.int64(6))
        incident.lastSeen = Timestamp(milliseconds: s.int64(9))
        incident.count = Int(s.int64(10))
        incident.ackedAt = s.optionalInt64(11).map(Timestamp.init(milliseconds:))
        incident.ackedBy = s.optionalText(12)
        incident.resolvedAt = s.optionalInt64(13).map(Timestamp.init(milliseconds:))
        incident.resolvedBy = s.optionalText(14)
        incident.cause = s.optionalText(15)
        incident.told = s.text(16).split(separator: " ").map { ContactName(String($0)) }
        incident.threadRoot = s.optionalText(17)
        return incident
    }

    // MARK: timeline

    /// Appends a timeline entry.
    public func appendTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String? = nil,
        uid: UInt32? = nil, pid: Int32? = nil
    ) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: what, detail: detail, source: source, uid: uid, pid: pid)
        try flushTimeline()
    }

    /// `appendTimeline`, written with the next ones in one `INSERT` (`flushTimeline`).
    package func queueTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, detail: String, source: String?, uid: UInt32?, pid: Int32?
    ) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: what, source: source, uid: uid, pid: pid) {
            $0.append(contentsOf: detail.utf8)
        }
    }

    /// Queues a fired step's timeline row, `"LABEL: CONTACT CONTACT"`, its text put together
    /// here, off the event loop.
    package func queueStepFired(incident: IncidentNumber, at: Timestamp, label: String, contacts: [ContactName]) throws(StoreError) {
        try queueTimeline(incident: incident, at: at, what: "step", source: nil, uid: nil, pid: nil) {
            $0.append(contentsOf: label.utf8)
            $0.append(contentsOf: ": ".utf8)
            Store.appendNames(contacts, to: &$0)
        }
    }

    /// Queues a timeline row whose detail `writeDetail` appends to the pending detail bytes.
    private func queueTimeline(
        incident: IncidentNumber?, at: Timestamp, what: String, source: String?, uid: UInt32?, pid: Int32?,
        writeDetail: (inout [UInt8]) -> Void
    ) throws(StoreError) {
        let start = pendingDetails.count
        writeDetail(&pendingDetails)
        pendingTimeline.append(
            PendingTimelineRow(
                incident: incident, at: at, what: what, detail: start..<pendingDetails.count, source: source, uid: uid, pid: pid))
        if pendingTimeline.count == MultiRowInsert.maxRows { try flushTimeline() }
    }

    /// Writes the timeline rows queued, in order.
    package func flushTimeline() throws(StoreError) {
        guard !pendingTimeline.isEmpty else { return }
        let s = try timelineRows.statement(rows: pendingTimeline.count, in: db)
        pendingDetails.withUnsafeBytes { details in
            for (index, row) in pendingTimeline.enumerated() {
                let base = Int32(index) * timelineRows.columns
                s.bind(base + 1, row.incident?.value)
                s.bind(base + 2, row.at.milliseconds)
                s.bind(base + 3, row.what)
                s.bind(base + 4, utf8: UnsafeRawBufferPointer(rebasing: details[row.detail]))
                s.bind(base + 5, row.source)
                s.bind(base + 6, row.uid.map(Int64.init))
                s.bind(base + 7, row.pid.map(Int64.init))
            }
        }
        pendingTimeline.removeAll(keepingCapacity: true)
        pendingDetails.removeAll(keepingCapacity: true)
        try s.run()
    }

    /// Contact names as stored (`told`, a step's detail): separated by one space.
    private static func appendNames(_ names: [ContactName], to bytes: inout [UInt8]) {
        for (index, name) in names.enumerated() {
            if index > 0 { bytes.append(0x20) }
            bytes.append(contentsOf: name.rawValue.utf8)
        }
    }

    // MARK: outbox

    /// Writes an outbox item (insert or replace its state).
    public func saveOutbox(_ item: OutboxItem) throws(StoreError) {
        let m = item.message
        let (channel, target) = ChannelCoding.encode(m.channel)
        let s = try db.hot(
            """
            INSERT INTO outbox (message_id, status, contact, channel, target, purpose, subject, body, in_reply_to,
                incident, incidents, incident_id, kind, severity, rule, step, created, content, storm_group, release_at,
                attempts, next_attempt, last_error)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(message_id) DO UPDATE SET status=excluded.status, content=excluded.content,
                attempts=excluded.attempts, next_attempt=excluded.next_attempt, last_error=excluded.last_error
            """
        )
        s.bind(1, m.messageID)
        s.bind(2, item.status.rawValue)
        s.bind(3, m.contact.rawValue)
        s.bind(4, channel)
        s.bind(5, target)
        s.bind(6, m.purpose.rawValue)
        s.bind(7, m.subject)
        s.bind(8, m.body)
        s.bind(9, m.inReplyTo)
        s.bind(10, m.incident?.value)
        s.bind(11, m.incidents.isEmpty ? "" : m.incidents.map(\.description).joined(separator: " "))
        s.bind(12, m.incidentID)
        s.bind(13, m.kind)
        s.bind(14, m.severity.map(Int64.init))
        s.bind(15, m.rule?.rawValue)
        s.bind(16, m.step)
        s.bind(17, m.created.milliseconds)
        s.bind(18, blob: item.content)
        s.bind(19, nil as String?)
        s.bind(20, nil as Int64?)
        s.bind(21, Int64(item.attempts))
        s.bind(22, item.nextAttempt?.milliseconds)
        s.bind(23, item.lastError)
        try s.run()
    }

    // MARK: held messages

    /// Keeps messages storm control holds for one contact and rule until `releaseAt` (when
    /// they go out alone or in a digest), packed into one row.
    package func saveHeld(_ key: StormKey, releaseAt: Timestamp, messages: [OutboundMessage]) throws(StoreError) {
        let s = try db.hot("INSERT INTO held_chunks (storm_group, contact, release_at, count, messages) VALUES (?,?,?,?,?)")
        s.bind(1, key.group)
        s.bind(2, key.contact.rawValue)
        s.bind(3, releaseAt.milliseconds)
        s.bind(4, Int64(messages.count))
        s.bind(5, blob: HeldMessageCodec.encode(messages))
        try s.run()
    }

    /// Lets go of a release's held messages: every one held for its key until then or earlier.
    public func deleteHeld(_ release: StormRelease) throws(StoreError) {
        let s = try db.hot("DELETE FROM held_chunks WHERE contact = ? AND storm_group = ? AND release_at <= ?")
        s.bind(1, release.key.contact.rawValue)
        s.bind(2, release.key.group)
        s.bind(3, release.through.milliseconds)
        try s.run()
    }

    /// Every held message, in the order it was held.
    package func heldMessages() throws(StoreError) -> [HeldMessage] {
        var held: [HeldMessage] = []
        let s = try db.statement("SELECT seq, storm_group, contact, release_at, count, messages FROM held_chunks ORDER BY seq")
        while try s.step() {
            let key = StormKey(contact: ContactName(s.text(2)), group: s.text(1))
            guard let messages = HeldMessageCodec.decode(s.blob(5)), messages.count == Int(s.int64(4)) else {
                throw StoreError(
                    db.path, "read held messages from",
                    "row \(s.int64(0)) of held_chunks (\(s.int64(4)) messages for \(key.contact)) is damaged", code: SQLITE_CORRUPT)
            }
            let releaseAt = Timestamp(milliseconds: s.int64(3))
            for message in messages { held.append(HeldMessage(message: message, key: key, releaseAt: releaseAt)) }
        }
        return held
    }

    /// Schema 4: the rows of the old one-message-per-row `held` table become chunks.
    private func packHeldRows() throws(StoreError) {
        let old = try db.statement("SELECT \(Store.heldColumns) FROM held ORDER BY seq")
        var rows: [HeldMessage] = []
        while try old.step() { rows.append(Store.heldMessage(from: old)) }
        for held in rows { try saveHeld(held.key, releaseAt: held.releaseAt, messages: [held.message]) }
        try db.execute("DROP TABLE held", "migrate")
    }

    /// The columns of the `held` table of schemas 2 and 3.
    package static let heldColumns = """
        message_id, storm_group, contact, channel, target, purpose, subject, body, in_reply_to, incident, incidents,
        incident_id, kind, severity, rule, step, created, release_at
        """

    package static func heldMessage(from s: Statement) -> HeldMessage {
        let message = outboundMessage(from: s)
        return HeldMessage(
            message: message, key: StormKey(contact: message.contact, group: s.text(1)),
            releaseAt: Timestamp(milliseconds: s.int64(17)))
    }

    /// Records a delivery.
    public func markSent(_ messageID: String, at: Timestamp, attempts: Int) throws(StoreError) {
        try db.hot("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = ?, content = NULL, last_error = NULL WHERE message_id = ?")
            .run([.int(at.milliseconds), .int(Int64(attempts)), .text(messageID)])
    }

    /// Records a failed attempt: queued again for `nextAttempt`, or failed for good.
    public func markAttempt(_ messageID: String, attempts: Int, error: String, nextAttempt: Timestamp?) throws(StoreError) {
        try db.hot("UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt = ? WHERE message_id = ?").run([
            .text(nextAttempt == nil ? "failed" : "queued"), .int(Int64(attempts)), .text(error),
            .optional(nextAttempt?.milliseconds), .text(messageID),
        ])
    }

    package static let outboxColumns = """
        message_id, status, contact, channel, target, purpose, subject, body, in_reply_to, incident, incidents,
        incident_id, kind, severity, rule, step, created, content, storm_group, release_at, attempts, next_attempt, last_error
        """

    /// The message in a row of `outboxColumns` or `heldColumns` (which agree but for column 1).
    package static func outboundMessage(from s: Statement) -> OutboundMessage {
        OutboundMessage(
            messageID: s.text(0), contact: ContactName(s.text(2)), channel: ChannelCoding.decode(s.text(3), s.text(4)),
            purpose: OutboundMessage.Purpose(rawValue: s.text(5)) ?? .step, subject: s.text(6), body: s.text(7),
            inReplyTo: s.optionalText(8), created: Timestamp(milliseconds: s.int64(16)),
            incident: s.optionalInt64(9).map(IncidentNumber.init),
            incidents: s.text(10).split(separator: " ").compactMap { Int64($0) }.map(IncidentNumber.init),
            incidentID: s.optionalText(11), kind: s.optionalText(12), severity: s.optionalInt64(13).map { Int($0) },
            rule: s.optionalText(14).map { RuleName($0) }, step: s.text(15))
    }

    package static func outboxItem(from s: Statement) -> OutboxItem {
        OutboxItem(
            message: outboundMessage(from: s), status: OutboxItem.Status(rawValue: s.text(1)) ?? .queued, content: s.blob(17),
            attempts: Int(s.int64(20)), nextAttempt: s.optionalInt64(21).map(Timestamp.init(milliseconds:)),
            lastError: s.optionalText(22))
    }

    /// Every queued notification (to send or retry), oldest first.
    public func queuedOutbox() throws(StoreError) -> [OutboxItem] {
        let s = try db.statement("SELECT \(Store.outboxColumns) FROM outbox WHERE status = 'queued' ORDER BY created, message_id")
        var items: [OutboxItem] = []
        while try s.step() { items.append(Store.outboxItem(from: s)) }
        // Messages made in the same instant (steps and repeats overdue at a restart) in the
        // order the engine made them: steps by number, then repeats by number.
        func rank(_ step: String) -> Int {
            if step.hasPrefix("repeat "), let n = Int(step.dropFirst(7)) { return 1_000_000 + n }
            return Int(step) ?? 2_000_000  // "recovered" last
        }
        return items.enumerated().sorted {
            ($0.element.message.created, rank($0.element.message.step), $0.offset)
                < ($1.element.message.created, rank($1.element.message.step), $1.offset)
        }.map(\.element)
    }

    // MARK: spool

    /// Whether a spool file with this name and content digest was already applied.
    public func spoolFileApplied(name: String, digest: Int64) throws(StoreError) -> Bool {
        try db.scalar("SELECT 1 FROM spool_done WHERE name = ? AND digest = ?", [.text(name), .int(digest)]) != nil
    }

    /// Records a spool file as applied (in the same transaction as its events).
    public func recordSpoolFile(name: String, digest: Int64, at: Timestamp) throws(StoreError) {
        try db.hot("INSERT OR REPLACE INTO spool_done (name, digest, done_at) VALUES (?,?,?)")
            .run([.text(name), .int(digest), .int(at.milliseconds)])
    }

    /// Forgets applied spool files older than `before` (their files are long gone).
    public func pruneSpoolRecords(before: Timestamp) throws(StoreError) {
        try db.hot("DELETE FROM spool_done WHERE done_at < ?").run([.int(before.milliseconds)])
    }

    // MARK: restart

    /// Everything the engine needs to carry on: open incidents, held messages, report times,
    /// the day's ledger, the next incident number.
    public func snapshot(reportTimes: [TimeOfDay]) throws(StoreError) -> EngineSnapshot {
        var snapshot = EngineSnapshot()
        try readOpenIncidents(into: &snapshot)
        snapshot.held = try heldMessages()
        snapshot.nextNumber = (try db.scalar("SELECT MAX(number) FROM incidents") ?? 0) + 1
        snapshot.rulesFingerprint = try metaValue(Store.rulesFingerprintKey)
        var since = Timestamp(milliseconds: Int64.max)
        for time in reportTimes {
            if let value = try metaValue("report." + time.description), let ms = Int64(value) {
                snapshot.lastReports[time] = Timestamp(milliseconds: ms)
                since = min(since, Timestamp(milliseconds: ms))
            }
        }
        if since.milliseconds != Int64.max { snapshot.ledger = try ledger(since: since) }
        return snapshot
    }

    /// The meta key of `RuleSet.fingerprint` for the rules the stored incidents were matched
    /// against.
    public static let rulesFingerprintKey = "rules.fingerprint"

    /// Remembers when a daily report went out.
    public func recordReport(time: TimeOfDay, at: Timestamp) throws(StoreError) {
        try setMeta("report." + time.description, String(at.milliseconds))
    }

    package func ledger(since: Timestamp) throws(StoreError) -> DayLedger {
        var ledger = DayLedger()
        let opened = try db.hot("SELECT COALESCE(kind, '-'), COUNT(*) FROM incidents WHERE opened >= ? GROUP BY 1")
        opened.bind([.int(since.milliseconds)])
        while try opened.step() {
            ledger.openedByKind[opened.text(0)] = Int(opened.int64(1))
            ledger.openedCount += Int(opened.int64(1))
        }
        ledger.resolvedCount = Int(try db.scalar("SELECT COUNT(*) FROM incidents WHERE resolved_at >= ?", [.int(since.milliseconds)]) ?? 0)
        let resolved = try db.statement(
            "SELECT number, id, COALESCE(kind,'-'), severity, COALESCE(summary,'-'), began, resolved_at, cause FROM incidents WHERE resolved_at >= ? ORDER BY resolved_at LIMIT \(DayLedger.listLimit)")
        resolved.bind([.int(since.milliseconds)])
        while try resolved.step() {
            ledger.resolved.append(
                DayLedger.Entry(
                    incident: IncidentNumber(resolved.int64(0)), id: resolved.text(1), kind: resolved.text(2),
                    severity: resolved.optionalInt64(3).map { Int($0) }, summary: resolved.text(4),
                    began: Timestamp(milliseconds: resolved.int64(5)),
                    resolvedAt: resolved.optionalInt64(6).map(Timestamp.init(milliseconds:)), cause: resolved.optionalText(7)))
        }
        ledger.stepsFired = Int(try db.scalar("SELECT COUNT(*) FROM timeline WHERE what = 'step' AND at >= ?", [.int(since.milliseconds)]) ?? 0)
        return ledger
    }
}

extension String {
    package func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A progress row waiting for `Store.flushProgress`; its `told` is a range of the store's
/// pending bytes.
package struct PendingProgressRow {
    package var number: Int64
    package var firedSteps: UInt64
    package var repeatsSent: Int
    package var told: Range<Int>
    package var threadRoot: String?
}

/// An incident's row of `progress`, as a restart reads it.
package struct StoredProgress {
    package var firedSteps: UInt64
    package var repeatsSent: Int64
    package var told: [UInt8]
    package var threadRoot: [UInt8]?

    /// `columns` with this progress in place of the incident row's own, for `body`.
    package func laid(over columns: StoredIncidentColumns, _ body: (StoredIncidentColumns) -> Void) {
        var columns = columns
        columns.firedSteps = firedSteps
        columns.repeatsSent = repeatsSent
        told.withUnsafeBufferPointer { told in
            columns.told = told
            guard let threadRoot else {
                columns.threadRoot = nil
                return body(columns)
            }
            threadRoot.withUnsafeBufferPointer { root in
                columns.threadRoot = root
                body(columns)
            }
        }
    }
}

/// A timeline row waiting for `Store.flushTimeline`; its detail is a range of the store's
/// pending detail bytes.
package struct PendingTimelineRow {
    package var incident: IncidentNumber?
    package var at: Timestamp
    package var what: String
    package var detail: Range<Int>
    package var source: String?
    package var uid: UInt32?
    package var pid: Int32?
}
