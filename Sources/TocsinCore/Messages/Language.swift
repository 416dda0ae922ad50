/// The language of every fixed text tocsind writes into mail and exec messages (SPEC §18):
/// `set language zh-CN` or `en` (the default). Log entries, `tocsinctl` output and the
/// program's own errors stay in English whatever it is.
public enum Language: String, Hashable, Sendable, CaseIterable {
    /// English.
    case english = "en"
    /// Simplified Chinese, as a branch in mainland China writes it.
    case chinese = "zh-CN"

    /// The catalog of its texts.
    public var catalog: MessageCatalog { MessageCatalog(language: self) }
}
