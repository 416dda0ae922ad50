import TocsinCore

/// Reads a rules directory (every `*.rules` file, in name order) — or a single file — and
/// compiles it.
public enum RuleDirectory {
    /// Why the rule files could not even be read.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        /// The sentence.
        public var description: String
    }

    /// Loads and compiles. Throws only when nothing could be read; problems inside the files
    /// are diagnostics in the result.
    public static func load(_ path: String) throws(LoadError) -> RuleCompilation {
        var files: [SourceFile] = []
        do {
            if FileIO.isDirectory(path) {
                let names = try FileIO.list(path).filter { $0.hasSuffix(".rules") && !$0.hasPrefix(".") }
                guard !names.isEmpty else {
                    throw LoadError(description: "no *.rules files in '\(path)'")
                }
                let prefix = path.hasSuffix("/") ? path : path + "/"
                for name in names {
                    files.append(SourceFile(name: prefix + name, text: try readRuleFile(prefix + name)))
                }
            } else {
                guard FileIO.exists(path) else {
                    throw LoadError(description: "cannot read rules '\(path)': No such file or directory")
                }
                files.append(SourceFile(name: path, text: try readRuleFile(path)))
            }
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(description: "\(error)")
        }
        return RuleCompiler.compile(files)
    }

    /// The most bytes a rule file may have (the shipped ones are a few KiB).
    public static let maximumFileSize = 4 * 1024 * 1024

    /// A rule file's text: regular files only (a FIFO named `x.rules` would hang a
    /// blocking read, and `reload` with it), of at most `maximumFileSize`.
    private static func readRuleFile(_ path: String) throws(SystemError) -> String {
        String(decoding: try FileIO.readRegularFile(path, limit: maximumFileSize), as: UTF8.self)
    }

    /// A one-line summary of a good rule set: `4 files, 6 rules, 4 contacts, 1 report`.
    public static func summary(_ compilation: RuleCompilation) -> String {
        guard let set = compilation.ruleSet else { return "" }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return ([
            plural(compilation.sources.count, "file"), plural(set.rules.count, "rule"),
            plural(set.contacts.count, "contact"),
        ] + (set.rosters.isEmpty ? [] : [plural(set.rosters.count, "roster")]) + [plural(set.reports.count, "report")]).joined(separator: ", ")
    }
}
