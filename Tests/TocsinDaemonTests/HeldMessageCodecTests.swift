import Testing
import TocsinCore
import TocsinStore

@Suite("Held messages packed for the store")
struct HeldMessageCodecTests {
    static let messages: [OutboundMessage] = [
        OutboundMessage(
            messageID: "tocsin.7.1.ops@branch", contact: ContactName("值班经理"), channel: .mail(["ops@example.org", "王伟 <wang@example.org>"]),
            purpose: .step, subject: "[Tocsin] 一级故障：核心系统中断 (#7)", body: "第一行\r\n第二行 — 详情", inReplyTo: nil,
            created: Timestamp(milliseconds: 1_790_000_000_123), incident: IncidentNumber(7), incidentID: "core-down",
            kind: "fault", severity: 1, rule: RuleName("一级故障"), step: "1"),
        OutboundMessage(
            messageID: "tocsin.8.2.sms@branch", contact: ContactName("sms"), channel: .exec(path: "/usr/local/bin/sms", arguments: ["--to", "13800000000", ""]),
            purpose: .recovered, subject: "", body: "", inReplyTo: "tocsin.8.1.sms@branch",
            created: Timestamp(milliseconds: -5), incident: IncidentNumber(Int64.max), incidents: [IncidentNumber(1), IncidentNumber(-2)],
            incidentID: nil, kind: nil, severity: -3, rule: nil, step: "recovered"),
    ]

    @Test("messages come back exactly as they went in, Chinese text, exec arguments and absent fields alike")
    func roundTrip() {
        #expect(HeldMessageCodec.decode(HeldMessageCodec.encode(Self.messages)) == Self.messages)
        #expect(HeldMessageCodec.decode(HeldMessageCodec.encode([])) == [])
        let many = (0..<2_000).map { i in
            var m = Self.messages[i % 2]
            m.messageID += String(i)
            return m
        }
        #expect(HeldMessageCodec.decode(HeldMessageCodec.encode(many)) == many)
    }

    @Test("damaged bytes are refused, never half read: every truncation, a byte too many, another format")
    func damaged() {
        let bytes = HeldMessageCodec.encode(Self.messages)
        for length in 0..<bytes.count {
            #expect(HeldMessageCodec.decode(Array(bytes.prefix(length))) == nil, "truncated to \(length) bytes")
        }
        #expect(HeldMessageCodec.decode(bytes + [0]) == nil)
        var other = bytes
        other[0] = 2
        #expect(HeldMessageCodec.decode(other) == nil)
        #expect(HeldMessageCodec.decode([1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == nil)
    }
}
