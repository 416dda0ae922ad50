import Foundation
import ArgumentParser
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

/// `--rules DIR`, defaulting as tocsind does.
struct RulesOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The rules directory (or one file).", valueName: "DIR"))
    var rules: String?

    var path: String { rules ?? TocsinPaths.fromEnvironment().rules }

    /// The compiled rules, or an exit with every diagnostic printed.
    func load() -> (RuleSet, RuleCompilation) {
        let compilation: RuleCompilation
        do {
            compilation = try RuleDirectory.load(path)
        } catch {
            Output.fail("\(error) (give --rules DIR or set TOCSIN_RULES)")
        }
        guard let ruleSet = compilation.ruleSet else {
            Output.err(compilation.renderedDiagnostics())
            Output.fail("the rules in '\(path)' have errors; run 'tocsinctl check \(path)'")
        }
        return (ruleSet, compilation)
    }

    /// The rules' timezone for reading and printing local times, when the rules can be read;
    /// else the system's (TZ, /etc/localtime), else UTC.
    func zone() -> Zone {
        if let compilation = try? RuleDirectory.load(path), let set = compilation.ruleSet { return set.settings.zone }
        return Zone(identifier: TimeZone.current.identifier) ?? .utc
    }
}

extension HoldLookup {
    /// The stored silences not yet ended and the windows of the rules (when they can be
    /// read: a listing works without them).
    static func load(_ store: Store, rules: RulesOption, zone: Zone, now: Timestamp) -> HoldLookup {
        let silences = ((try? store.silences()) ?? []).filter { $0.end > now }
        let windows = (try? RuleDirectory.load(rules.path))?.ruleSet?.windows ?? []
        var lookup = HoldLookup(silences: silences, windows: windows, zone: zone)
        for (child, holds) in (try? store.recordedHolds()) ?? [:] {
            for hold in holds where hold.interval.until == nil {
                if case .parent(let parent) = hold.cause { lookup.waits[child, default: []].append(parent) }
            }
        }
        return lookup
    }
}
