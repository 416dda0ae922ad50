#if canImport(Glibc)
    import Glibc
#endif

/// `STATE/reply.key`: the 32 random bytes that key the reply proofs (SPEC §17). Made once,
/// mode 0600, by tocsind on its first start; read by tocsind only (`tocsinctl mail-in`
/// hands replies to tocsind, which checks them), so a reader of the store cannot forge.
/// Deleting it makes every earlier message unanswerable, and nothing else.
public enum ReplyKeyFile {
    /// The file's name in the state directory.
    public static let name = "reply.key"

    /// The key in `directory`, made if missing.
    public static func load(directory: String) throws(SystemError) -> [UInt8] {
        let path = directory + "/" + name
        do throws(SystemError) {
            let key = try FileIO.read(path)
            guard key.count >= 16 else {
                throw SystemError("the reply key is too short (\(key.count) bytes; remove it to make a new one)", path: path, code: 0)
            }
            return key
        } catch {
            guard error.code == ENOENT else { throw error }  // missing: made below
        }
        var fresh = [UInt8](repeating: 0, count: 32)
        let random = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard random >= 0 else { throw SystemError("cannot open /dev/urandom for the reply key") }
        let got = read(random, &fresh, fresh.count)
        close(random)
        guard got == fresh.count else { throw SystemError("cannot read random bytes for the reply key", path: "/dev/urandom") }
        try FileIO.replace(path, with: fresh, mode: 0o600, durable: true, what: "the reply key")
        return fresh
    }
}
