import Foundation

/// Parses mail text with Python's `email` package — an independent RFC 5322/2047 parser —
/// and returns the decoded headers and body as JSON.
enum PythonEmail {
    static let script = """
        import sys, json, email, email.policy
        raw = sys.stdin.buffer.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        out = {k.lower(): str(v) for k, v in msg.items()}
        out["_defects"] = [type(d).__name__ for d in msg.defects] + [type(d).__name__ for k in msg.keys() for d in getattr(msg[k], 'defects', [])]
        out["_body"] = msg.get_content()
        out["_headers"] = [k for k in msg.keys()]
        out["_maxline"] = max(len(l) for l in raw.split(b"\\n"))
        print(json.dumps(out))
        """

    static func parse(_ text: String) throws -> [String: Any] {
        let data = try PythonScript.run(script, input: Data(text.utf8))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// Runs a Python script with `input` on stdin and returns its stdout (independent
/// implementations to check ours against).
enum PythonScript {
    static func run(_ script: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
