import TocsinCore
import TocsinSystem
import TocsinStore

extension RoundPipeline {
    /// A `silence add` or `silence expire` line from the socket (SPEC §14). Its reply waits
    /// for the round's commit, like an event's: `ok` means the silence is stored.
    func handleSilence(_ text: String, source: EventSource, connection: UInt64, now: Timestamp, effects: inout RoundEffects) {
        func refuse(_ reason: String) {
            effects.replies.append((connection, RoundPipeline.errorReply(reason)))
            note(.inputRejected, .warning, "silence command rejected (\(source.name)): \(reason)", fields: [("TOCSIN_SOURCE", source.name), ("TOCSIN_REASON", reason)], into: &effects)
        }
        let command: SilenceCommand
        switch SilenceCommand.parse(text) {
        case .failure(let error): return refuse(error.message)
        case .success(let parsed): command = parsed
        }
        let zone = rules.settings.zone
        switch command {
        case .add(let words, let from, let until, let reason, let by):
            let matchers: [Matcher]
            switch RuleCompiler.matchers(words) {
            case .failure(let error): return refuse(error.message)
            case .success(let parsed): matchers = parsed
            }
            let start = from ?? now
            guard until > start else { return refuse("the silence ends (\(zone.shortString(until))) before it begins (\(zone.shortString(start)))") }
            guard until > now else { return refuse("the silence would end in the past (\(zone.shortString(until)))") }
            let request = Silence(
                number: 0, matchers: matchers, matchWords: words, from: start, until: until, reason: reason, by: by, created: now)
            let (silence, actions) = engine.addSilence(request, now: now)
            apply(actions, now: now, source: source, effects: &effects)
            effects.replies.append((connection, "ok silence=\(silence.number) until=\(zone.rfc3339(silence.until))"))
        case .expire(let number, let by):
            guard let actions = engine.expireSilence(number, by: by, now: now) else {
                return refuse("no silence #\(number) is active or to come (tocsinctl silence list)")
            }
            apply(actions, now: now, source: source, effects: &effects)
            effects.replies.append((connection, "ok silence=\(number) expired"))
        }
    }
}
