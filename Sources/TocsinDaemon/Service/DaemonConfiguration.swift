import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// Everything tocsind is told at start: paths, and the limits and timings of its parts.
public struct DaemonConfiguration: Sendable {
    /// Where the rules, spool, socket and state are; sendmail or the Maildir.
    public var paths: TocsinPaths
    /// A notification failing this long is marked failed.
    public var giveUpAfter: RuleDuration = .hours(24)
    /// A sendmail or exec child is killed after this long.
    public var deliveryTimeout: RuleDuration = .seconds(60)
    /// The first retry of a failed notification comes this long after the failure; each
    /// next one twice as long after, at most 10 minutes apart.
    public var firstRetry: RuleDuration = .seconds(5)
    /// Deliveries running at once.
    public var deliveryWorkers = 4
    /// Idle socket clients are closed after this long.
    public var idleTimeout: RuleDuration = .seconds(60)
    /// At most this many socket clients at once.
    public var maxConnections = 1024
    /// The spool is listed again this often, in case a notification was missed.
    public var rescanInterval: RuleDuration = .seconds(30)

    /// A spool file whose last line has no newline waits this long for the rest, then goes
    /// to `failed/`.
    public var spoolGrace: RuleDuration = .seconds(60)

    /// `--metrics-file PATH`: the Prometheus text file rewritten every `metricsInterval`.
    public var metricsFile: String?
    /// How often the metrics file is rewritten.
    public var metricsInterval: RuleDuration = .seconds(15)

    /// Creates a configuration from paths, with default limits.
    public init(paths: TocsinPaths) { self.paths = paths }
}
