import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// One hand-over of a notification, as a worker thread performs it.
struct DeliveryJob: Sendable {
    var messageID: String
    var channel: Contact.Channel
    var content: [UInt8]
    var environment: [String: String]
}

/// How a delivery ended.
struct DeliveryResult: Sendable {
    var messageID: String
    var failure: String?
}

/// How notifications leave: sendmail (or a Maildir for drills and development) for mail
/// contacts, the contact's own program for exec contacts.
struct DeliveryMethod: Sendable {
    /// `--sendmail PATH`.
    var sendmail: String
    /// `--mail-drop DIR`: write mail into this Maildir instead of running sendmail.
    var mailDrop: String?
    /// Kill a sendmail or exec child after this long.
    var timeoutMilliseconds: Int64 = 60_000

    static let basePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    func deliver(_ job: DeliveryJob) -> DeliveryResult {
        switch job.channel {
        case .mail:
            if let mailDrop { return DeliveryResult(messageID: job.messageID, failure: drop(job, into: mailDrop)) }
            // -t: recipients from To: (the rule file's addresses); -oi: a lone "." is not the end.
            let outcome = ChildProcess.run(
                path: sendmail, arguments: ["-t", "-oi"], environment: ["PATH": DeliveryMethod.basePath, "LANG": "C.UTF-8"],
                input: job.content, timeoutMilliseconds: timeoutMilliseconds, killGroupAfterExit: false)
            return DeliveryResult(messageID: job.messageID, failure: outcome.failure)
        case .exec(let path, let arguments):
            var environment = job.environment
            environment["PATH"] = DeliveryMethod.basePath
            environment["LANG"] = "C.UTF-8"
            let outcome = ChildProcess.run(
                path: path, arguments: arguments, environment: environment, input: Self.execInput(job.content),
                timeoutMilliseconds: timeoutMilliseconds)
            return DeliveryResult(messageID: job.messageID, failure: outcome.failure)
        }
    }

    /// The most bytes of a message an exec program gets on stdin (README: "exec contacts").
    static let execInputLimit = 16 * 1024

    /// The message as an exec program gets it: whole up to `execInputLimit`, else cut at the
    /// last line (or, in a line longer than that, character) that fits.
    static func execInput(_ content: [UInt8]) -> [UInt8] {
        guard content.count > execInputLimit else { return content }
        var end = execInputLimit
        if let newline = content[..<end].lastIndex(of: 0x0A) {
            end = newline + 1
        } else {
            while end > 0 && content[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
        }
        return Array(content[..<end])
    }

    /// Maildir delivery: write `tmp/NAME`, fsync, rename into `new/NAME`.
    private func drop(_ job: DeliveryJob, into directory: String) -> String? {
        do {
            for sub in ["tmp", "new", "cur"] { try Directories.create(directory + "/" + sub, mode: 0o750) }
        } catch {
            return "\(error)"
        }
        let now = WallClock.now()
        let unique = "\(now.seconds).M\(now.milliseconds % 1000)P\(getpid())Q\(DeliveryMethod.counter.next()).tocsin"
        let tmp = directory + "/tmp/" + unique
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return "cannot create \(tmp): \(String(cString: strerror(errno)))" }
        guard FileIO.writeAll(fd, job.content), fsync(fd) == 0 else {
            let error = String(cString: strerror(errno))
            close(fd)
            unlink(tmp)
            return "cannot write \(tmp): \(error)"
        }
        close(fd)
        guard rename(tmp, directory + "/new/" + unique) == 0 else {
            return "cannot move \(tmp) into new/: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    static let counter = Counter()
}

/// A thread-safe counter (for unique Maildir names).
final class Counter: @unchecked Sendable {
    private var value: UInt64 = 0
    private let lock = Lock()

    func next() -> UInt64 {
        lock.withLock {
            value += 1
            return value
        }
    }
}
