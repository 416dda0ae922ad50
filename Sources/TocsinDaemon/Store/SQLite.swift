import CSQLite

/// Why a store operation failed: the database file, what was attempted, SQLite's message
/// and result code, and where in Tocsin it happened.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// The database path.
    public var path: String
    /// What was being done.
    public var operation: String
    /// SQLite's explanation.
    public var message: String
    /// SQLite's (extended) result code.
    public var code: Int32
    /// Source location in Tocsin.
    public var location: String

    init(_ path: String, _ operation: String, _ message: String, code: Int32, file: String = #fileID, line: Int = #line) {
        self.path = path
        self.operation = operation
        self.message = message
        self.code = code
        self.location = "\(file):\(line)"
    }

    /// True when the disk (or quota) is full.
    public var isDiskFull: Bool { code & 0xFF == SQLITE_FULL }

    /// `cannot commit to /var/lib/tocsin/tocsin.db: database or disk is full`.
    public var description: String { "cannot \(operation) \(path): \(message)" }
}

/// A SQLite connection with cached prepared statements. Not thread-safe: one owner.
final class SQLiteDatabase {
    let path: String
    private(set) var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]
    private var hotStatements: [Int: Statement] = [:]

    /// Process-wide SQLite settings, made once before the first connection: no memory
    /// statistics (they take a global mutex on every allocation SQLite makes).
    private static let configured: Void = { _ = tocsin_sqlite_disable_memstatus() }()

    init(path: String, readOnly: Bool) throws(StoreError) {
        _ = SQLiteDatabase.configured
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw StoreError(path, "open", message, code: rc)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        hotStatements.removeAll()
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ operation: String, _ rc: Int32) -> StoreError {
        StoreError(path, operation, String(cString: sqlite3_errmsg(handle)), code: rc)
    }

    /// Runs SQL with no results (may hold several statements).
    func execute(_ sql: String, _ operation: String = "update") throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(message)
            throw StoreError(path, operation, text, code: rc)
        }
    }

    /// A cached prepared statement for SQL written in the source, found by the literal's
    /// address rather than by hashing its text (the write path runs these per event). It is
    /// reset; its old bindings stay until the caller binds every parameter again.
    func hot(_ sql: StaticString) throws(StoreError) -> Statement {
        let key = Int(bitPattern: sql.utf8Start)
        if let cached = hotStatements[key] {
            cached.rewind()
            return cached
        }
        let statement = try statement(sql.description)
        hotStatements[key] = statement
        return statement
    }

    /// A cached prepared statement, reset and with bindings cleared.
    func statement(_ sql: String) throws(StoreError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error("prepare a query on", rc) }
        let statement = Statement(raw, database: self)
        statements[sql] = statement
        return statement
    }

    /// The single integer a query returns (or nil).
    func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int64? {
        let s = try statement(sql)
        s.bind(bindings)
        defer { s.reset() }  // no read transaction left open (the writer's checkpoints need that)
        return try s.step() ? s.int64(0) : nil
    }
}

/// A value to bind.
enum SQLValue {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null

    static func optional(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
    static func optional(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}

/// A prepared statement.
final class Statement {
    private let raw: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ raw: OpaquePointer, database: SQLiteDatabase) {
        self.raw = raw
        self.database = database
    }

    deinit { sqlite3_finalize(raw) }

    /// Resets the statement and clears its bindings.
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Resets the statement for another run, keeping its bindings (for a caller that binds
    /// every parameter).
    func rewind() { sqlite3_reset(raw) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds parameters 1, 2, … to these values.
    func bind(_ values: [SQLValue]) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .int(let v): bind(index, v)
            case .text(let v): bind(index, v)
            case .blob(let v): bind(index, blob: v)
            case .null: sqlite3_bind_null(raw, index)
            }
        }
    }

    /// Binds parameter `index` (from 1) to an integer.
    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(raw, index, value) }

    /// Binds parameter `index` to an integer or NULL.
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds parameter `index` to text: the string's own UTF-8 where it is contiguous, no C
    /// string made per bind.
    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            if let base = utf8.baseAddress {
                _ = sqlite3_bind_text(raw, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), Statement.transient)
            } else {
                _ = sqlite3_bind_text(raw, index, "", 0, Statement.transient)
            }
        }
    }

    /// Binds parameter `index` to text or NULL.
    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds parameter `index` to a blob, NULL when empty.
    func bind(_ index: Int32, blob value: [UInt8]) {
        if value.isEmpty { sqlite3_bind_null(raw, index); return }
        _ = value.withUnsafeBytes { sqlite3_bind_blob(raw, index, $0.baseAddress, Int32($0.count), Statement.transient) }
    }

    /// Runs a statement bound with the `bind(_:_:)` calls to completion.
    func run() throws(StoreError) {
        while try step() {}
    }

    /// Steps once: true when a row is available.
    @discardableResult
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error("write to", rc)
    }

    /// Runs to completion with these bindings.
    func run(_ values: [SQLValue]) throws(StoreError) {
        reset()
        bind(values)
        while try step() {}
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, column)
    }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        return String(cString: pointer)
    }
    /// A text column's UTF-8, borrowed: valid until the next step or reset.
    func utf8(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_text(raw, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(raw, column)))
    }
    func optionalUTF8(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : utf8(column)
    }
    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : text(column)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
