import CSQLite
import TocsinSystem

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

    package init(_ path: String, _ operation: String, _ message: String, code: Int32, file: String = #fileID, line: Int = #line) {
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
package final class SQLiteDatabase {
    package let path: String
    private(set) var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]
    private var hotStatements: [Int: Statement] = [:]

    /// Process-wide SQLite settings, made once before the first connection: no memory
    /// statistics (they take a global mutex on every allocation SQLite makes).
    private static let configured: Void = { _ = tocsin_sqlite_disable_memstatus() }()

    package init(path: String, readOnly: Bool) throws(StoreError) {
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

    package func error(_ operation: String, _ rc: Int32) -> StoreError {
        StoreError(path, operation, String(cString: sqlite3_errmsg(handle)), code: rc)
    }

    /// Runs SQL with no results (may hold several statements).
    package func execute(_ sql: String, _ operation: String = "update") throws(StoreError) {
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
    package func hot(_ sql: StaticString) throws(StoreError) -> Statement {
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
    package func statement(_ sql: String) throws(StoreError) -> Statement {
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
    package func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int64? {
        let s = try statement(sql)
        s.bind(bindings)
        defer { s.reset() }  // no read transaction left open (the writer's checkpoints need that)
        return try s.step() ? s.int64(0) : nil
    }
}

/// A value to bind.
package enum SQLValue {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null

    package static func optional(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
    package static func optional(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}

/// A prepared statement.
///
/// Text and blobs are staged in the statement's own buffer and handed to SQLite at the first
/// step as `SQLITE_STATIC`, so SQLite copies each value once (into the row it builds)
/// instead of first into a buffer it allocates per bind. The buffer is reused from run to
/// run; every run binds every parameter again (`SQLiteDatabase.hot`) or clears them
/// (`reset()`), so no binding outlives the bytes it points at.
package final class Statement {
    private let raw: OpaquePointer
    private unowned let database: SQLiteDatabase
    /// The staged values' bytes, `used` of `capacity` taken.
    private var staged: UnsafeMutableRawPointer
    private var capacity = 512
    private var used = 0
    /// Parameters bound to staged bytes at the next step.
    private var pending: [(index: Int32, offset: Int, count: Int, isBlob: Bool)] = []

    package init(_ raw: OpaquePointer, database: SQLiteDatabase) {
        self.raw = raw
        self.database = database
        staged = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        sqlite3_finalize(raw)
        staged.deallocate()
    }

    /// Resets the statement and clears its bindings.
    package func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        forgetStaged()
    }

    /// Resets the statement for another run, keeping its bindings (for a caller that binds
    /// every parameter).
    package func rewind() {
        sqlite3_reset(raw)
        forgetStaged()
    }

    private func forgetStaged() {
        used = 0
        pending.removeAll(keepingCapacity: true)
    }

    /// Binds parameters 1, 2, … to these values.
    package func bind(_ values: [SQLValue]) {
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
    package func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(raw, index, value) }

    /// Binds parameter `index` to an integer or NULL.
    package func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds parameter `index` to text.
    package func bind(_ index: Int32, _ value: String) {
        // A native string's bytes in place; `withUTF8` would need a mutable copy first.
        if value.utf8.withContiguousStorageIfAvailable({ stage(index, UnsafeRawBufferPointer($0), isBlob: false) }) != nil { return }
        var value = value
        value.withUTF8 { stage(index, UnsafeRawBufferPointer($0), isBlob: false) }
    }

    /// Binds parameter `index` to text or NULL.
    package func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds parameter `index` to text given as UTF-8 bytes (valid UTF-8: the caller's word).
    package func bind(_ index: Int32, utf8 value: [UInt8]) {
        value.withUnsafeBytes { stage(index, $0, isBlob: false) }
    }

    /// Binds parameter `index` to text given as borrowed UTF-8 bytes (staged: copied here).
    package func bind(_ index: Int32, utf8 value: UnsafeRawBufferPointer) { stage(index, value, isBlob: false) }

    /// Binds parameter `index` to a blob, NULL when empty.
    package func bind(_ index: Int32, blob value: [UInt8]) {
        if value.isEmpty { sqlite3_bind_null(raw, index); return }
        value.withUnsafeBytes { stage(index, $0, isBlob: true) }
    }

    private func stage(_ index: Int32, _ bytes: UnsafeRawBufferPointer, isBlob: Bool) {
        if used + bytes.count > capacity {
            // Nothing staged is bound yet (that waits for the step), so the bytes may move.
            let grown = max(capacity * 2, used + bytes.count)
            let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
            moved.copyMemory(from: staged, byteCount: used)
            staged.deallocate()
            staged = moved
            capacity = grown
        }
        if let base = bytes.baseAddress, bytes.count > 0 { (staged + used).copyMemory(from: base, byteCount: bytes.count) }
        pending.append((index, used, bytes.count, isBlob))
        used += bytes.count
    }

    /// Hands the staged values to SQLite, pointing into the buffer.
    private func bindStaged() {
        for (index, offset, count, isBlob) in pending {
            let start = staged + offset
            if isBlob {
                sqlite3_bind_blob(raw, index, start, Int32(count), nil)
            } else {
                sqlite3_bind_text(raw, index, start.assumingMemoryBound(to: CChar.self), Int32(count), nil)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Runs a statement bound with the `bind(_:_:)` calls to completion.
    package func run() throws(StoreError) {
        while try step() {}
    }

    /// Steps once: true when a row is available.
    @discardableResult
    package func step() throws(StoreError) -> Bool {
        if !pending.isEmpty { bindStaged() }
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error("write to", rc)
    }

    /// Runs to completion with these bindings.
    package func run(_ values: [SQLValue]) throws(StoreError) {
        reset()
        bind(values)
        while try step() {}
    }

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    package func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, column)
    }
    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        return String(cString: pointer)
    }
    /// A text column's UTF-8, borrowed: valid until the next step or reset.
    package func utf8(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_text(raw, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(raw, column)))
    }
    package func optionalUTF8(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : utf8(column)
    }
    package func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : text(column)
    }
    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
