/// libFuzzer target: any bytes into the event parser. Properties: it never crashes; its
/// UTF-8 check agrees with the standard library's on the whole input; an accepted event's
/// canonical logfmt parses back to the same event, and its fields pack back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    if EventParser.isUTF8(bytes) != (String(validating: bytes, as: UTF8.self) != nil) {
        fatalError("the UTF-8 check disagrees with String(validating:) on \(Array(bytes))")
    }
    let now = Timestamp(seconds: 1_795_000_000)
    guard let event = try? EventParser.parse(bytes: bytes, now: now) else { return 0 }
    guard let again = try? EventParser.parse(event.logfmt, now: now) else {
        fatalError("accepted event does not parse back: \(event.logfmt)")
    }
    if again != event { fatalError("round trip changed the event: \(event.logfmt)") }
    if Event(fields: event.fields) != event { fatalError("fields do not pack back to the event: \(event.logfmt)") }
    return 0
}
