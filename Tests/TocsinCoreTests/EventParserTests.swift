import Foundation
import Testing
import TocsinCore

@Suite("Events (SPEC §3)")
struct EventParserTests {
    let now = RFC3339.parse("2026-11-22T09:30:00+08:00")!

    func parse(_ line: String) throws(EventError) -> Event { try EventParser.parse(line, now: now) }

    func error(_ line: String) -> String {
        do {
            _ = try parse(line)
            return "accepted"
        } catch {
            return error.message
        }
    }

    @Test("logfmt with quotes, escapes and Chinese text")
    func logfmt() throws {
        let event = try parse(#"kind=fault severity=2 id=core-banking summary="核心系统无法登录" note="say \"hi\" \\ bye" branch=BJ-001"#)
        #expect(event.kind == "fault")
        #expect(event.severity == 2)
        #expect(event.id == "core-banking")
        #expect(event.summary == "核心系统无法登录")
        #expect(event["note"] == #"say "hi" \ bye"#)
        #expect(event["branch"] == "BJ-001")
        #expect(event.action == .open)
        #expect(event.fields.map(\.key) == ["kind", "severity", "id", "summary", "note", "branch"])
        // Quoted values with nothing to undo, an empty one, and a backslash before another letter.
        let plain = try parse(#"kind=fault a="" b="柜台 3" c="C:\temp\q" d=x"#)
        #expect(plain["a"] == "")
        #expect(plain["b"] == "柜台 3")
        #expect(plain["c"] == #"C:\temp\q"#)
        #expect(plain["d"] == "x")
        #expect(error(#"kind=fault summary="x"y"#) == "summary: expected a space after the closing quote")
        #expect(error(#"kind=fault summary="x\"y"#) == #"summary: the quoted value has no closing '"'"#)
    }

    @Test("JSON lines, with numbers, booleans, null and \\u escapes")
    func json() throws {
        let event = try parse(#"{"kind":"fault","severity":2,"id":"core","summary":"\u6838\u5fc3 ok","urgent":true,"x":null, "emoji":"\ud83d\ude00"}"#)
        #expect(event.kind == "fault")
        #expect(event.severity == 2)
        #expect(event.summary == "核心 ok")
        #expect(event["urgent"] == "true")
        #expect(event["x"] == nil)
        #expect(event["emoji"] == "😀")
    }

    @Test("JSON numbers are JSON's: 00002, 1e5e5--, +1 and 1. are refused; -0.5e+3 is taken")
    func jsonNumbers() throws {
        for bad in ["00002", "1e5e5--", "+1", "1.", "-", "1e", "--1", "1e5.5"] {
            #expect(error(#"{"kind":"fault","severity":\#(bad)}"#).hasPrefix("JSON: severity is not a number as JSON writes one"), "\(bad)")
        }
        let event = try parse(#"{"kind":"fault","severity":2,"weight":-0.5e+3,"zero":0}"#)
        #expect(event["weight"] == "-0.5e+3")
        #expect(event["zero"] == "0")
    }

    @Test("a decoded newline, in a value or a field name, never breaks an error onto two lines")
    func oneLineErrors() {
        for line in [#"{"kind":"fault","severity":"1\n2"}"#, #"{"kind":"fault","a\nb":"x"}"#, #"{"kind":"fa\nult"}"#, #"{"action":"x\ny","id":"a"}"#] {
            let message = error(line)
            #expect(!message.contains("\n") && !message.contains("\r"), "\(line) → \(message)")
            #expect(!message.isEmpty)
        }
    }

    @Test("the logfmt encoding reads back to the same event")
    func roundTrip() throws {
        let event = try parse(#"{"kind":"fault","summary":"a \"b\" c\\d = e","empty":""}"#)
        #expect(try parse(event.logfmt) == event)
        #expect(EventParser.trusted(logfmt: event.logfmt) == event)
        let chinese = try parse(#"kind=complaint summary="客户 \"张\" 投诉\t柜台 = 慢" x=\\ y=a=b id=c-1"#)
        #expect(EventParser.trusted(logfmt: chinese.logfmt) == chinese)
        #expect(EventParser.trusted(logfmt: "no-equals-sign") == nil)
    }

    @Test("at: RFC 3339 or Unix seconds; deadlines count from it")
    func at() throws {
        #expect(try parse("kind=fault at=2026-11-22T09:00:00+08:00").at == now - .minutes(30))
        #expect(try parse("kind=fault at=\(now.seconds - 60)").at == now - .minutes(1))
        #expect(try parse("kind=fault at=2026-11-22T01:29:00Z").at == now - .minutes(1))
        #expect(try parse("kind=fault at=\(now.seconds + 240)").at == now + .minutes(4))
    }

    @Test("errors name the field and say what was expected", arguments: [
        ("kind=fault severity=high", #"severity must be an integer, got "high""#),
        ("severity=2", "kind is required to open an incident (e.g. kind=fault)"),
        ("kind=fault action=close", #"action must be open, ack, resolve or note, got "close""#),
        ("action=ack", "id is required for action=ack"),
        ("kind=fa/ult", #"kind must be a word (letters, digits, '-', '_'), got "fa/ult""#),
        ("kind=fault at=yesterday", #"at must be RFC 3339 (2026-11-22T09:30:00+08:00) or Unix seconds, got "yesterday""#),
        ("kind=fault at=2026-11-22T09:40:00+08:00", "at is 10m in the future (at most 5m is allowed): check the sender's clock"),
        ("kind=fault kind=media", "kind is given twice"),
        ("kind=fault 9lives=x", "'9lives' is not a valid field name: a name starts with a letter or '_' and has only letters, digits, '_', '.' and '-'"),
        ("kind=fault summary", "summary has no value: write summary=VALUE"),
        (#"kind=fault summary="open"#, #"summary: the quoted value has no closing '"'"#),
        (#"kind=fault summary=a"b"#, #"summary: a value containing '"' must be in double quotes, with \" for the quote"#),
        (#"{"kind":"fault","tags":["a"]}"#, "tags must be a string, number or boolean; nested objects and arrays are not supported"),
        (#"{"kind":"fault","summary":"\u001b[31m"}"#, "summary contains the control character U+001B; only tab is allowed"),
        (#"{"kind":"fault""#, "JSON: expected ',' or '}' after the value of kind"),
        ("kind=fault id=", "id must not be empty"),
        ("", "empty line: no fields"),
    ])
    func errors(line: String, message: String) {
        #expect(error(line) == message)
    }

    @Test("control characters, C1 controls and invalid UTF-8 are refused, naming the field")
    func bytes() {
        func parseBytes(_ bytes: [UInt8]) -> String {
            do {
                _ = try bytes.withUnsafeBytes { (b) throws(EventError) -> Event in try EventParser.parse(bytes: b, now: now) }
                return "accepted"
            } catch { return (error as? EventError)?.message ?? "\(error)" }
        }
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xFF, 0xFE]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=a".utf8) + [0x00]) == "summary contains the control character U+0000; only tab is allowed")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xC2, 0x9B] + Array("31m".utf8)) == "summary contains the control character U+009B; only tab is allowed")
        #expect(parseBytes(Array("kind=fault summary=\"a\tb\"".utf8)) == "accepted")
        // Well-formed UTF-8 only: no overlong forms, surrogates, truncated or stray bytes.
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xC0, 0xAF]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xED, 0xA0, 0x80]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=中".utf8) + [0xE6, 0x96]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xE0, 0x80, 0xAF]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xF0, 0x80, 0x80, 0xAF]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xF4, 0x90, 0x80, 0x80]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=a".utf8) + [0x80]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xF5, 0x80, 0x80, 0x80]) == "summary is not valid UTF-8")
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xF4, 0x8F, 0xBF, 0xBF]) == "accepted")  // U+10FFFF
        #expect(parseBytes(Array("kind=fault summary=".utf8) + [0xEF, 0xBF, 0xBD]) == "accepted")  // U+FFFD itself
        #expect(parseBytes(Array("kind=fault summary=网点核心系统中断🚨".utf8)) == "accepted")
    }

    @Test("fields: set replaces in place, remove, merge, equality by content")
    func fields() throws {
        var event = try parse("kind=fault severity=2 summary=\"核心 系统\" site=sh-01")
        #expect(event.count == 4)
        #expect(event.severity == 2)
        #expect(event.has("site", equalToAnyOf: ["sh-01"]) && !event.has("site", equalToAnyOf: ["sh-0"]) && !event.has("nope", equalToAnyOf: [""]))
        event.set("severity", "12")
        #expect(event.fields.map(\.key) == ["kind", "severity", "summary", "site"])
        #expect(event.severity == 12)
        event.remove("kind")
        event.remove("absent")
        #expect(event.logfmt == "severity=12 summary=\"核心 系统\" site=sh-01")
        let merged = event.merging(Event(fields: [EventField("site", "北京"), EventField("kind", "media")]))
        #expect(merged.logfmt == "severity=12 summary=\"核心 系统\" site=北京 kind=media")
        #expect(merged == Event(fields: merged.fields))
        #expect(merged != event)
        let long = String(repeating: "长", count: 300)  // a value whose length takes two bytes
        event.set("note", long)
        #expect(event["note"] == long && event["site"] == "sh-01")
        #expect(EventParser.trusted(logfmt: event.logfmt) == event)
        #expect(Event(fields: [EventField("severity", "x2")]).severity == nil)
    }

    @Test("limits: 64 KiB a line, 64 fields")
    func limits() {
        let long = "kind=fault summary=" + String(repeating: "x", count: 64 * 1024)
        #expect(error(long) == "line is 65555 bytes; the limit is 65536 (64 KiB)")
        let many = "kind=fault " + (1...64).map { "f\($0)=v" }.joined(separator: " ")
        #expect(error(many) == "more than 64 fields; the limit is 64")
        let enough = "kind=fault " + (1...63).map { "f\($0)=v" }.joined(separator: " ")
        #expect(error(enough) == "accepted")
    }

    @Test("command-line FIELD=VALUE words (tocsinctl submit/test)")
    func arguments() throws {
        let event = try EventParser.parse(arguments: ["kind=fault", "summary=核心 系统", "x=a=b"], now: now)
        #expect(event.summary == "核心 系统")
        #expect(event["x"] == "a=b")
        #expect(throws: EventError.self) { try EventParser.parse(arguments: ["kind"], now: now) }
    }
}
