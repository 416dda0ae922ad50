/// libFuzzer target: any bytes into the event parser. Properties: it never crashes, and an
/// accepted event's canonical logfmt parses back to the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let now = Timestamp(seconds: 1_795_000_000)
    guard let event = try? EventParser.parse(bytes: bytes, now: now) else { return 0 }
    guard let again = try? EventParser.parse(event.logfmt, now: now) else {
        fatalError("accepted event does not parse back: \(event.logfmt)")
    }
    if again != event { fatalError("round trip changed the event: \(event.logfmt)") }
    return 0
}
