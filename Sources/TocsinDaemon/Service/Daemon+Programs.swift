import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

extension Daemon {
    /// Warns, at start and at every reload, about notification programs that cannot be run:
    /// the sendmail program (when some contact is mailed and no Maildir is used) and each
    /// exec contact's program. tocsind keeps running and keeps every notification queued:
    /// it is retried until the program is installed or the give-up time has passed.
    func warnAboutMissingPrograms(_ rules: RuleSet) {
        var programs: [(path: String, users: [String])] = []
        let mailed = rules.contacts.values.filter { if case .mail = $0.channel { true } else { false } }
        if configuration.paths.mailDrop == nil, !mailed.isEmpty {
            programs.append((configuration.paths.sendmail, mailed.map { $0.name.rawValue }.sorted()))
        }
        for contact in rules.contacts.values.sorted(by: { $0.name < $1.name }) {
            if case .exec(let path, _) = contact.channel { programs.append((path, [contact.name.rawValue])) }
        }
        for (path, users) in programs where access(path, X_OK) != 0 {
            let reason = String(cString: strerror(errno))
            journal.log(
                .daemonState, .warning,
                "cannot run \(path) (\(reason)): notifications to \(users.joined(separator: ", ")) will fail and be retried until it can be run",
                [("TOCSIN_PROGRAM", path)])
        }
    }
}
