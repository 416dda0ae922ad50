#if canImport(Glibc)
    import Glibc
#endif

/// Starts a POSIX thread running `body`, which keeps what it captures (its owner) alive
/// until it returns; join the returned thread to wait for that.
package func startThread(_ body: @escaping () -> Void) -> pthread_t {
    final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
    var thread = pthread_t()
    pthread_create(&thread, nil, { raw in
        Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, Unmanaged.passRetained(Body(body)).toOpaque())
    return thread
}
