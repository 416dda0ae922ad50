/// How much of a step message is composed, by what will read it (storm control, SPEC §8).
enum MessageDetail: Sendable {
    /// Sent on its own (or first in a gathering, whose digest details it): subject and body.
    case full
    /// Joins a gathering: the digest lists its subject, never its body.
    case subject
    /// Joins a gathering that already has `MessageComposer.digestListLimit` messages: the
    /// digest only counts it, so neither subject nor body nor Message-ID is made (a storm of
    /// 100,000 firings composes 200 subjects per contact, not 100,000).
    case counted
}
