import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Where tocsind and tocsinctl find their files, with the defaults of SPEC §2 and the
/// `TOCSIN_<NAME>` environment overrides, so both programs always agree.
public struct TocsinPaths: Sendable, Equatable {
    /// Rule files (`*.rules`).
    public var rules: String
    /// The spool (`tmp/`, `new/`, `failed/`).
    public var spool: String
    /// The events socket.
    public var socket: String
    /// The state directory (the SQLite store).
    public var state: String
    /// The sendmail program.
    public var sendmail: String
    /// A Maildir to write messages into instead of running sendmail.
    public var mailDrop: String?

    /// The built-in defaults.
    public static let defaults = TocsinPaths(
        rules: "/etc/tocsin/rules", spool: "/var/spool/tocsin", socket: "/run/tocsin/events.sock",
        state: "/var/lib/tocsin", sendmail: "/usr/sbin/sendmail", mailDrop: nil)

    /// Creates paths.
    public init(rules: String, spool: String, socket: String, state: String, sendmail: String, mailDrop: String?) {
        self.rules = rules
        self.spool = spool
        self.socket = socket
        self.state = state
        self.sendmail = sendmail
        self.mailDrop = mailDrop
    }

    /// The defaults with `TOCSIN_RULES`, `TOCSIN_SPOOL`, `TOCSIN_SOCKET`, `TOCSIN_STATE`,
    /// `TOCSIN_SENDMAIL` and `TOCSIN_MAIL_DROP` applied.
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.current) -> TocsinPaths {
        var paths = defaults
        func value(_ name: String) -> String? {
            guard let v = environment["TOCSIN_" + name], !v.isEmpty else { return nil }
            return v
        }
        paths.rules = value("RULES") ?? paths.rules
        paths.spool = value("SPOOL") ?? paths.spool
        paths.socket = value("SOCKET") ?? paths.socket
        paths.state = value("STATE") ?? paths.state
        paths.sendmail = value("SENDMAIL") ?? paths.sendmail
        paths.mailDrop = value("MAIL_DROP") ?? paths.mailDrop
        return paths
    }
}

/// The process environment as a dictionary.
public enum ProcessEnvironment {
    /// Every `NAME=value` of the environment.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
