import Foundation

/// Runs the real built binaries (`.build/debug/tocsind`, `tocsinctl`), as a user would.
enum Binaries {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The folder with the built executables: `TOCSIN_BIN_DIR`, or the debug build folder.
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["TOCSIN_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repository.appendingPathComponent(".build/debug")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tocsinctl ARGS...` to completion.
    static func tocsinctl(_ arguments: [String], environment: [String: String] = [:], cwd: URL? = nil, stdin: String? = nil)
        throws -> Result
    {
        try run(directory.appendingPathComponent("tocsinctl"), arguments, environment: environment, cwd: cwd, stdin: stdin)
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], cwd: URL? = nil, stdin: String? = nil)
        throws -> Result
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOCSIN_") || $0.key == "TOCSIN_BIN_DIR" }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = cwd ?? repository
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ name: String = "tocsin") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
