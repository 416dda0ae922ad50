import CTocsinShims
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// Why tocsind could not start.
public struct StartupError: Error, CustomStringConvertible {
    /// What to print.
    public var description: String
    /// The rules' rendered diagnostics, when bad rules were the reason.
    public var diagnostics: String?
}

/// tocsind: wires the parts and runs the loop. The engine decides; the daemon carries out
/// its actions. Each round of the loop gathers every line the clients sent and every spool
/// file that arrived, runs them and the due timers through the engine, and hands all of its
/// writes to the store writer thread as one batch (group commit); only after the commit are
/// replies sent, spool files deleted and notifications handed to the workers.
public final class Daemon {
    let configuration: DaemonConfiguration
    /// Held for the daemon's life: no second tocsind on the same store.
    let stateLock: StateLock
    let journal: Journal
    let systemd: SystemdNotifier
    let loop: EventLoop
    /// The event loop's connection: reads (start, rebuild after a failure, spool checks).
    let store: Store
    /// Commits the rounds' batches on its own thread and connection.
    let writer: StoreWriter
    /// Rounds submitted and not yet committed, oldest first.
    var commits = RoundCommits(maxInFlight: Daemon.maxRoundsInFlight)
    let socket: EventSocketServer
    let spool: SpoolWatcher
    let pool: DeliveryPool
    let outbox: Outbox
    let signalFD: Int32
    var running = true
    var reloadRequested = false
    var pendingOutcomes: [Outbox.Outcome] = []
    /// The loop's periodic jobs and when each is next due.
    var schedule: LoopSchedule
    /// When retention passes go, and what they deleted.
    var retention = RetentionSchedule(start: WallClock.monotonicMilliseconds())
    /// The store's last failed commit, and when work that needs the store may go again.
    var storeHealth = StoreHealth()
    /// What `run()` returns: 0, or 1 after stopping for a reason of its own.
    var exitStatus: Int32 = 0
    /// The rounds' decisions: the engine, the rules, the batch and the counters they keep.
    let pipeline: RoundPipeline



    /// Loads the rules, opens the store, binds the socket and spool; throws when any of it
    /// fails (bad rules included: tocsind never starts half-configured).
    public init(configuration: DaemonConfiguration, journal: Journal) throws(StartupError) {
        self.configuration = configuration
        self.journal = journal
        systemd = SystemdNotifier()
        schedule = LoopSchedule(
            rescanInterval: configuration.rescanInterval.milliseconds, metricsInterval: configuration.metricsInterval.milliseconds,
            watchdogInterval: systemd.watchdogMilliseconds)
        let paths = configuration.paths
        signalFD = tocsin_signalfd_setup()
        guard signalFD >= 0 else { throw StartupError(description: "cannot set up signal handling") }

        let compilation = try Daemon.starting { () throws(RuleDirectory.LoadError) in try RuleDirectory.load(paths.rules) }
        guard let ruleSet = compilation.ruleSet else {
            let text = compilation.renderedDiagnostics()
            journal.log(.rulesRejected, .error, "rules in \(paths.rules) rejected: \(compilation.diagnostics.errorCount) errors", [("TOCSIN_RULES", paths.rules), ("TOCSIN_DIAGNOSTICS", text)])
            throw StartupError(description: "the rules in \(paths.rules) have errors; not starting", diagnostics: text)
        }
        journal.setSite(ruleSet.settings.site)
        for warning in compilation.diagnostics where warning.severity == .warning {
            journal.log(.rulesLoaded, .warning, warning.headline, [("TOCSIN_RULES", paths.rules)])
        }

        stateLock = try Daemon.starting { () throws(SystemError) in
            try Directories.create(paths.state, mode: 0o750)
            return try StateLock(directory: paths.state)
        }
        store = try Daemon.starting { () throws(StoreError) in try Store(directory: paths.state) }
        try? store.setMeta("timezone", ruleSet.settings.zone.identifier)
        let composer = MessageComposer(idPrefix: "tocsin." + ((try? store.instanceTag()) ?? "0"), idDomain: Daemon.hostName())
        let replyKey = try Daemon.starting { () throws(SystemError) in try ReplyKeyFile.load(directory: paths.state) }
        let replyKeys = try Daemon.starting { [store] () throws(StoreError) in try store.replyKeys() }
        let snapshot = try Daemon.starting { [store] () throws(StoreError) in try store.snapshot(reportTimes: ruleSet.reports.map(\.time)) }
        pipeline = RoundPipeline(
            engine: EscalationEngine(rules: ruleSet, composer: composer, snapshot: snapshot, now: WallClock.now()), rules: ruleSet,
            replyProof: ReplyProof(key: replyKey, idPrefix: composer.idPrefix), replyKeys: replyKeys,
            spoolGrace: configuration.spoolGrace)
        writer = try Daemon.starting { () throws(StoreError) in try StoreWriter(directory: paths.state) }
        loop = try Daemon.starting { () throws(SystemError) in try EventLoop() }
        loop.add(writer.eventFD, token: LoopToken.storeWriter)
        let listenFD = try Daemon.starting { () throws(SystemError) in
            if let passed = SystemdNotifier.listenFDs().first { return passed }
            return try SocketListener.bind(path: paths.socket)
        }
        var limits = EventSocketServer.Limits()
        limits.maxConnections = DescriptorLimit.connectionsThatFit(configuration.maxConnections)
        limits.idleMilliseconds = configuration.idleTimeout.milliseconds
        socket = EventSocketServer(listenFD: listenFD, loop: loop, limits: limits)
        spool = try Daemon.starting { [loop] () throws(SystemError) in try SpoolWatcher(root: paths.spool, loop: loop) }
        // Records of applied files that are no longer in new/ can never matter again.
        _ = try Daemon.starting { [store, spool] () throws(StoreError) in try store.forgetSpoolFiles(except: spool.presentNames()) }
        loop.add(signalFD, token: LoopToken.signals)

        var method = DeliveryMethod(sendmail: paths.sendmail, mailDrop: paths.mailDrop)
        method.timeoutMilliseconds = configuration.deliveryTimeout.milliseconds
        pool = DeliveryPool(workers: configuration.deliveryWorkers, method: method)
        loop.add(pool.eventFD, token: LoopToken.deliveries)
        outbox = Outbox(pool: pool, concurrency: configuration.deliveryWorkers, giveUpAfter: configuration.giveUpAfter, firstRetry: configuration.firstRetry)
        outbox.replyProof = pipeline.replyProof
        outbox.language = ruleSet.settings.language
        outbox.site = ruleSet.settings.site
        for item in try Daemon.starting({ [store] () throws(StoreError) in try store.queuedOutbox() }) { outbox.enqueue(item) }
        pipeline.failedCount = try Daemon.starting { [store] () throws(StoreError) in try store.outboxCounts().failed }
        pipeline.ackedCount = try Daemon.starting { [store] () throws(StoreError) in try store.openCounts().acked }
        journal.log(
            .rulesLoaded, .info, "rules loaded from \(paths.rules): \(RuleDirectory.summary(compilation))",
            [("TOCSIN_RULES", paths.rules)])
        warnAboutMissingPrograms(ruleSet)
        warnAboutMissingHolidays(ruleSet)
    }

    /// A start-up step: its error, whatever its type, becomes the `StartupError` that
    /// tocsind prints before it exits 1 (the error names what failed and where).
    static func starting<T, E: Error>(_ step: () throws(E) -> T) throws(StartupError) -> T {
        do {
            return try step()
        } catch {
            throw StartupError(description: "\(error)")
        }
    }

    /// Runs until SIGTERM/SIGINT. Returns the exit status.
    public func run() -> Int32 {
        journal.startSending()
        defer { journal.stopSending() }
        if let note = spool.folders.stickyNote { journal.log(.daemonState, note.hasPrefix("added") ? .info : .warning, note, [("TOCSIN_SPOOL", configuration.paths.spool)]) }
        rescanSpool()
        // Steps that fell due while tocsind was down fire now, before READY.
        round(lines: [], spoolNames: [])
        completeRounds(waitForAll: true)
        let now = WallClock.monotonicMilliseconds()
        schedule.rescan.ran(at: now)
        schedule.idleSweep.ran(at: now)
        journal.log(
            .daemonState, .info,
            "tocsind ready: \(pipeline.engine.openCount) open incidents, \(outbox.queuedCount) queued notifications, socket \(configuration.paths.socket), spool \(configuration.paths.spool)"
        )
        schedule.lastStatus = statusLine()
        systemd.ready(status: schedule.lastStatus)
        while running {
            let events = loop.wait(timeout: timeout())
            let mono = WallClock.monotonicMilliseconds()
            var lines: [EventSocketServer.Line] = []
            var budget = socket.limits.maxLinesPerRound
            lines += socket.drainBacklog(budget: &budget)
            var deliveries = false
            for (token, mask) in events {
                switch token {
                case LoopToken.listener: socket.acceptAll(now: mono)
                case LoopToken.spool: spool.drainNotifications()
                case LoopToken.deliveries: deliveries = true
                case LoopToken.storeWriter: completeRounds()
                case LoopToken.signals: handleSignals()
                default:
                    if socket.owns(token) { lines += socket.readable(token, events: mask, now: mono, budget: &budget) }
                }
            }
            if deliveries { pendingOutcomes += outbox.complete(pool.takeResults(), now: WallClock.now()) }
            if schedule.rescan.due(mono) { rescanSpool() }
            if schedule.incompleteCheck.due(mono) { spool.requeueIncomplete() }
            socket.resumeAcceptingIfDue(now: mono)
            if let reason = socket.takeAcceptPauses().first,
                pipeline.journalBudget.admits(.daemonState, .warning, now: mono)
            {
                journal.log(
                    .daemonState, .warning,
                    "cannot accept socket clients: \(reason); pausing for \(EventSocketServer.acceptPause) ms and closing the idlest client (\(socket.connectionCount) open; raise LimitNOFILE)")
            }
            if schedule.idleSweep.due(mono) { socket.closeIdle(now: mono) }
            if reloadRequested {
                reloadRequested = false
                reload()
            }
            let names = storeHealth.isReady(at: WallClock.monotonicMilliseconds()) ? spool.take(256) : []
            round(lines: lines, spoolNames: names)
            for entry in pipeline.journalBudget.summaries(now: WallClock.monotonicMilliseconds()) { journal.write(entry) }
            socket.flushAll()
            outbox.dispatch(now: WallClock.now())
            heartbeat(mono)
            checkStoreFile(mono)
            writeMetricsIfDue(mono)
        }
        completeRounds(waitForAll: true)
        writeMetricsIfDue(0, force: true)
        writer.stop()
        if exitStatus != 0, store.fileProblem() != nil, store.mainFileInPlace { rescueWAL() }
        spool.finishRemovals()
        systemd.stopping()
        journal.log(.daemonState, .info, "tocsind stopping: \(pipeline.engine.openCount) open incidents, \(outbox.queuedCount) queued notifications"
                + (retention.deletedIncidents > 0 ? ", \(retention.deletedIncidents) incidents past keep-history deleted since start" : ""))
        socket.closeAll()
        if let fd = SystemdNotifier.listenFDs().first, fd == socket.listenFD {
            // systemd keeps the socket; leave it listening.
        } else {
            SocketListener.unlinkIfOurs(path: configuration.paths.socket)
        }
        return exitStatus
    }

    /// Lists the spool again, and says what is wrong with its folders.
    private func rescanSpool() {
        for problem in spool.rescan() { journal.log(.daemonState, .error, problem, [("TOCSIN_SPOOL", configuration.paths.spool)]) }
    }

    /// Once a second, and at once after a failed commit: are the store's files (database,
    /// WAL, shared memory) still the ones opened at start? When one was removed or replaced,
    /// SQLite would go on writing to the file it has open, and every event acknowledged from
    /// then on would be gone with it: tocsind stops with status 1 (systemd's
    /// `Restart=on-failure` starts it again on the files now at that path). When only the
    /// WAL or shared-memory file went, `rescueWAL` first saves what was committed.
    private func checkStoreFile(_ mono: Int64) {
        guard schedule.storeCheck.due(mono) else { return }
        guard let problem = store.fileProblem() else { return }
        let consequence =
            store.mainFileInPlace
            ? "tocsind copies what was committed into the database file and stops; start it again"
            : "what was stored in it is gone with it, and what tocsind stored from now on would be too; start tocsind again to open the store at that path (a new, empty one if there is none)"
        journal.log(
            .daemonState, .critical, "stopping: the store's \(problem) while tocsind was running; \(consequence)",
            [("TOCSIN_STATE", configuration.paths.state)])
        running = false
        exitStatus = 1
    }

    /// The WAL was removed or replaced: what it held is still readable through the file
    /// tocsind has open, so a checkpoint copies it into the database file before stopping.
    private func rescueWAL() {
        switch store.rescueWAL() {
        case .success(let frames):
            journal.log(
                .daemonState, .warning,
                "copied \(frames) pages of committed transactions from the removed WAL into \(store.path) before stopping: nothing acknowledged is lost",
                [("TOCSIN_STATE", configuration.paths.state)])
        case .failure(let error):
            journal.log(.daemonState, .critical, "could not copy the removed WAL into the database file: \(error)", [("TOCSIN_STATE", configuration.paths.state)])
        }
    }

    private func timeout() -> Int32 {
        let mono = WallClock.monotonicMilliseconds()
        if socket.hasBacklog { return 0 }
        if (spool.hasPending || !pendingOutcomes.isEmpty) && storeHealth.isReady(at: mono) { return 0 }
        let now = WallClock.now()
        var wake = schedule.timeout(from: mono, limit: 1000)
        if !storeHealth.isReady(at: mono) { wake = min(wake, storeHealth.retryAt - mono) }
        for deadline in [pipeline.engine.nextWake, outbox.nextDue].compactMap({ $0 }) {
            wake = min(wake, max(0, deadline.milliseconds - now.milliseconds))
        }
        if let resume = socket.acceptResumeAt { wake = min(wake, max(0, resume - mono)) }
        return Int32(wake)
    }

    private func heartbeat(_ mono: Int64) {
        if schedule.watchdog?.due(mono) == true { systemd.watchdog() }
        // STATUS= at most once a second: sd_notify is a datagram that must never flood.
        guard schedule.status.isDue(mono) else { return }
        let status = statusLine()
        if status != schedule.lastStatus {
            systemd.status(status)
            schedule.lastStatus = status
            schedule.status.ran(at: mono)
        }
    }

    func statusLine() -> String {
        "\(pipeline.engine.openCount) open incidents, \(outbox.queuedCount) queued notifications, \(pipeline.engine.heldCount) held, \(pipeline.failedCount) failed"
    }

    private func handleSignals() {
        while true {
            let signal = tocsin_signalfd_read(signalFD)
            if signal <= 0 { return }
            switch signal {
            case SIGTERM, SIGINT: running = false
            case SIGHUP: reloadRequested = true
            default: break  // SIGCHLD: each worker waits for its own child.
            }
        }
    }

    /// SIGHUP: read the rules again; keep the old ones if the new ones have errors.
    func reload() {
        systemd.reloading()
        let path = configuration.paths.rules
        let compilation: RuleCompilation
        do {
            compilation = try RuleDirectory.load(path)
        } catch {
            pipeline.metrics.reloadSucceeded = false
            journal.log(.rulesRejected, .error, "reload: \(error); the old rules stay in force", [("TOCSIN_RULES", path)])
            systemd.ready(status: statusLine())
            return
        }
        guard let newRules = compilation.ruleSet else {
            pipeline.metrics.reloadSucceeded = false
            let text = compilation.renderedDiagnostics()
            journal.log(
                .rulesRejected, .error,
                "reload: the rules in \(path) have \(compilation.diagnostics.errorCount) errors; the old rules stay in force: "
                    + (compilation.diagnostics.first { $0.severity == .error }?.headline ?? ""),
                [("TOCSIN_RULES", path), ("TOCSIN_DIAGNOSTICS", text)])
            systemd.ready(status: statusLine())
            return
        }
        pipeline.rules = newRules
        journal.setSite(newRules.settings.site)
        outbox.language = newRules.settings.language
        outbox.site = newRules.settings.site
        pipeline.metrics.reloadSucceeded = true
        let actions = pipeline.engine.reload(newRules, now: WallClock.now())
        pipeline.batch = StoreBatch()
        pipeline.batch.setMeta("timezone", newRules.settings.zone.identifier)
        commitActions(actions)
        journal.log(.rulesLoaded, .info, "rules reloaded from \(path): \(RuleDirectory.summary(compilation))", [("TOCSIN_RULES", path)])
        warnAboutMissingPrograms(newRules)
        warnAboutMissingHolidays(newRules)
        systemd.ready(status: statusLine())
    }

    static func hostName() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        _ = buffer.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count) } }
        let name = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
