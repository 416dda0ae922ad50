import TocsinSystem

/// An `INSERT` of up to `maxRows` rows in one statement, prepared once for each row count.
///
/// SQLite sets a statement up and tears it down on every run (a cursor on the table and on
/// each index, the halt), some 4,000 instructions; a round that opens hundreds of incidents
/// pays that once per `maxRows` rows instead of once per row.
package final class MultiRowInsert {
    /// The most rows one statement takes (32 rows of 22 values stay far below SQLite's
    /// limit of 32,766 parameters).
    package static let maxRows = 32

    /// Values per row.
    package let columns: Int32
    private let head: String
    private let tail: String
    private var statements: [Int: Statement] = [:]

    /// `head` is the statement up to `VALUES `, `tail` what follows the rows (an upsert).
    package init(head: String, columns: Int32, tail: String = "") {
        self.head = head
        self.columns = columns
        self.tail = tail
    }

    /// The statement for `rows` rows, ready to be bound: row `r`'s value `c` (from 1) is
    /// parameter `r * columns + c`.
    package func statement(rows: Int, in db: SQLiteDatabase) throws(StoreError) -> Statement {
        precondition(rows >= 1 && rows <= MultiRowInsert.maxRows)
        if let statement = statements[rows] {
            statement.rewind()
            return statement
        }
        let row = "(" + Array(repeating: "?", count: Int(columns)).joined(separator: ",") + ")"
        let statement = try db.statement(head + Array(repeating: row, count: rows).joined(separator: ",") + tail)
        statements[rows] = statement
        return statement
    }
}
