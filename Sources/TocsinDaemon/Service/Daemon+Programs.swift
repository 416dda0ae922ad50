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

    /// At start and reload: a warning for the current year, and from 1 December the next,
    /// when the rules have no holiday lines for it (it would count as weekdays only).
    func warnAboutMissingHolidays(_ rules: RuleSet) {
        for year in rules.calendar.yearsMissing(today: rules.settings.zone.date(of: WallClock.now())) {
            journal.log(
                .rulesLoaded, .warning,
                "the rules in \(configuration.paths.rules) have no holiday lines for \(year): it counts as weekdays only, without its public holidays and makeup workdays; add them once the State Council's notice for \(year) is out",
                [("TOCSIN_RULES", configuration.paths.rules)])
        }
    }
}
