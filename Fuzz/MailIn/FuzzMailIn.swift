/// libFuzzer target: any bytes as a received mail, as `tocsinctl mail-in` reads it.
/// Properties: parsing never traps; the control line it makes is one line of valid UTF-8
/// that reads back as the same via, key, sender and automatic flag; a reply's first own
/// line is never a quoted line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMailIn(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let mail = InboundMail(bytes)
    let request = ReplyRequest(mail: mail, raw: bytes)
    if request.text.hasPrefix(">") { fatalError("a quoted line taken as the reply's own: \(request.text)") }
    let line = request.line
    if line.utf8.contains(0x0A) || line.utf8.contains(0x0D) { fatalError("a line break in the control line: \(line)") }
    guard case .success(let back) = ReplyRequest.parse(line) else { fatalError("the control line does not parse: \(line)") }
    if back.via != request.via || (back.automatic == nil) != (request.automatic == nil) {
        fatalError("the control line reads back differently: \(line)")
    }
    if let action = ReplyAction.parse(request.text), case .note(let text) = action, text.isEmpty {
        fatalError("an empty note from \(request.text)")
    }
    _ = mail.decoded("Subject")
    return 0
}
