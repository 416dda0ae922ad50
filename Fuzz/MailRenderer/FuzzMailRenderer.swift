/// libFuzzer target: a template and a field value from the input (split at the first NUL),
/// rendered into a subject and a whole mail. Properties: the header section is 7-bit ASCII,
/// every header line is a known header or a folded continuation, and there is exactly one
/// Subject.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMailRenderer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let templateText = String(decoding: bytes[..<split], as: UTF8.self)
    let value = String(decoding: bytes[min(split + 1, bytes.count)...], as: UTF8.self)
    guard let template = try? Template(parsing: templateText) else { return 0 }
    let subject = template.render { _ in value }
    let mail = MailMessage(
        from: "Tocsin 告警 <tocsin@example.org>", to: ["a@example.org"], date: Timestamp(seconds: 1_795_000_000),
        dateOffsetSeconds: 28_800, subject: subject, messageID: "t.1.r.s1.a@example.org", inReplyTo: "t.1.r.s0.a@example.org",
        body: value, tocsinHeaders: [("Incident", "1"), ("Step", value)])
    let bytes8 = Array(mail.rendered().utf8)
    guard let end = (0..<max(bytes8.count - 1, 0)).first(where: { bytes8[$0] == 0x0A && bytes8[$0 + 1] == 0x0A }) else {
        fatalError("no blank line after the headers")
    }
    let header = String(decoding: bytes8[..<end], as: UTF8.self)
    let known = ["From:", "To:", "Date:", "Subject:", "Message-ID:", "In-Reply-To:", "References:", "Auto-Submitted:",
                 "X-Auto-Response-Suppress:", "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:",
                 "X-Tocsin-Incident:", "X-Tocsin-Step:"]
    var subjects = 0
    for line in header.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map({ String(String.UnicodeScalarView($0)) }) {
        if line.unicodeScalars.contains(where: { $0.value > 0x7E || ($0.value < 0x20 && $0 != "\t") }) {
            fatalError("non-ASCII or control character in a header line: \(line)")
        }
        if line.hasPrefix(" ") || line.hasPrefix("\t") { continue }
        guard known.contains(where: { line.hasPrefix($0) }) else { fatalError("unexpected header line: \(line)") }
        if line.hasPrefix("Subject:") { subjects += 1 }
    }
    if subjects != 1 { fatalError("\(subjects) Subject lines") }
    return 0
}
