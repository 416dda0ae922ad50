/// FNV-1a, 64 bits: a fast, stable (across runs and builds) digest for content that is
/// compared, never trusted: a spool file's bytes, a rule set's fingerprint.
public enum FNV1a {
    /// The digest of `bytes`, continuing from `hash` (the offset basis to start).
    public static func hash<Bytes: Sequence>(_ bytes: Bytes, continuing hash: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64
    where Bytes.Element == UInt8 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
