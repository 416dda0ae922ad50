/// Tocsin's version, printed by `tocsind --version` and `tocsinctl --version`.
public enum TocsinVersion {
    /// Semantic version of this build.
    public static let current = "0.3.0"
}
