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
    /// What the last retention pass on this connection deleted (the writer's).
    package var lastPrune: PruneResult?
    /// The files this connection has open, to notice when one is removed or replaced.
    var files: StoreFiles
    /// Bytes a write puts together before binding them (an incident's fields as logfmt).
    var scratch: [UInt8] = []
    /// Incident rows and timeline rows waiting for their multi-row `INSERT` (`Store.apply`
    /// writes them `MultiRowInsert.maxRows` at a time).
    var pendingIncidents: [(incident: Incident, fieldsText: String?)] = []
    var pendingTimeline: [PendingTimelineRow] = []
    /// The pending timeline rows' details, one after another.
    var pendingDetails: [UInt8] = []
    let incidentRows = MultiRowInsert(
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
    let timelineRows = MultiRowInsert(
        head: "INSERT INTO timeline (incident, at, what, detail, source, uid, pid) VALUES ", columns: 7)
    /// Progress rows waiting for their multi-row `INSERT`; their `told` texts, one after another.
    var pendingProgress: [PendingProgressRow] = []
    var pendingTold: [UInt8] = []
    let progressRows = MultiRowInsert(
        head: "INSERT OR REPLACE INTO progress (number, fired_steps, repeats_sent, told, thread_root) VALUES ", columns: 5)
    /// The incidents with a row in `progress` (as this connection wrote them): a whole save
    /// of one of them writes that row too, so it never holds older progress than the
    /// incident's own row.
    var numbersWithProgress = GrowingDictionary<Int64, Void>()
    /// Whether the store has the `progress` table (a read-only store of an older tocsind may not).
    let hasProgressTable: Bool
    /// The database path.
    public var path: String { db.path }

    /// The bytes a WAL is cut back to when it is reset after a checkpoint (a storm's WAL
    /// would otherwise keep its largest size for good).
    public static let walSizeLimit = 16 * 1024 * 1024

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
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=\(StoreWriter.defaultCheckpointPages); PRAGMA journal_size_limit=\(Store.walSizeLimit)",
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

    func migrate() throws(StoreError) {
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

}
