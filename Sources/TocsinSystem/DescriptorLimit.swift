#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit, and how many socket clients fit in it.
///
/// systemd starts services with a soft limit of 1024 (and a far higher hard limit); tocsind
/// uses poll and epoll only, never select, so it raises its soft limit to the hard one (at
/// most `wanted`). The clients allowed at once are then what fits below it with
/// `reserved` descriptors kept for the store, the spool, pipes and children.
package enum DescriptorLimit {
    /// Descriptors kept for everything but socket clients.
    package static let reserved = 128
    /// The soft limit tocsind asks for.
    package static let wanted: rlim_t = 65_536

    /// Raises the soft limit, and returns `configured` or fewer clients so that they fit.
    package static func connectionsThatFit(_ configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configured }
        let target = min(limit.rlim_max, max(limit.rlim_cur, wanted))
        if target > limit.rlim_cur {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(min(limit.rlim_cur, rlim_t(Int32.max))) - reserved
        return max(8, min(configured, available))
    }
}
