/// Why an event line was refused: the field involved and what was expected.
///
/// Its `description` is the text of the socket's `error reason="…"` reply and of a failed
/// spool file's `.error` note, e.g. `severity must be an integer, got "high"`.
public struct EventError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, when one is.
    public var field: String?
    /// The whole sentence, naming the field.
    public var message: String

    /// Creates an error about `field`.
    public init(field: String?, _ message: String) {
        self.field = field
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
