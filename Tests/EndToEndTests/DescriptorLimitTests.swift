import Foundation
import Glibc
import Testing

/// tocsind under systemd's default soft limit of 1,024 descriptors, with more idle clients
/// than that: it neither spins nor fails a valid spool file, and a new reporter is served.
@Suite("Out of file descriptors", .serialized)
struct DescriptorLimitTests {
    /// CPU time (user + system, in clock ticks) the process has used.
    func cpuTicks(_ pid: Int32) -> Int {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        // After the command name: state is field 3, utime 14, stime 15.
        guard fields.count > 13 else { return 0 }
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    @Test("1,100 idle clients against a hard limit of 1,024: no busy loop, a new client gets ok, a spool file is applied")
    func idleClientsPastTheLimit() throws {
        let d = try DaemonProcess(rules: """
            contact ops mail ops@example.org
            rule r
              match kind=fault
              after 1h notify ops
            """)
        d.launcher = ["/usr/bin/prlimit", "--nofile=1024:1024", "--"]
        try d.start()
        defer { d.stop() }
        var clients: [LineClient] = []
        for _ in 0..<1_100 { if let client = try? LineClient(path: d.socketPath) { clients.append(client) } }
        #expect(clients.count == 1_100)
        usleep(500_000)
        let before = cpuTicks(d.pid)
        usleep(2_000_000)
        let used = cpuTicks(d.pid) - before
        #expect(used < 50, "tocsind used \(used) ticks of CPU in 2 s with idle clients (a busy loop?)")
        #expect(try d.send("kind=fault id=newcomer") == "ok incident=1 id=newcomer state=open")
        let file = try d.spoolFile("while-full", "kind=fault id=spooled\n")
        #expect(eventually(10) { !FileManager.default.fileExists(atPath: file.path) })
        #expect(!FileManager.default.fileExists(atPath: d.spool.appendingPathComponent("failed/while-full").path))
        #expect(try d.incidents().contains { $0["id"] as? String == "spooled" })
        clients.removeAll()
    }
}
