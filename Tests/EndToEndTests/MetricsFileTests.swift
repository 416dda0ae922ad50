import Foundation
import Glibc
import Testing

/// `--metrics-file` (SPEC §20), read back by PyPI's prometheus_client text parser.
@Suite("The metrics file", .serialized)
struct MetricsFileTests {
    static let rules = DaemonProcess.everyFaultToOps

    /// The samples of the file as prometheus_client parses them: "name{labels}" → value.
    func parse(_ path: String) throws -> [String: Double] {
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    out[s.name + ("{" + labels + "}" if labels else "")] = s.value
            print(json.dumps(out))
            """
        let r = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double], "\(r.stderr)")
    }

    @Test("counters by source and channel, gauges by state; written at start and at stop, mode 0644, no incident ids")
    func countsWhatHappened() throws {
        let d = try DaemonProcess(rules: Self.rules)
        let path = d.root.appendingPathComponent("tocsin.prom").path
        d.extraArguments = ["--metrics-file", path]
        try d.start()
        #expect(eventually(5) { FileManager.default.fileExists(atPath: path) })
        let first = try parse(path)
        #expect(first["tocsin_events_received_total{source=\"socket\"}"] == 0)
        #expect(first["tocsin_build_info{version=\"0.3.0\"}"] == 1)
        #expect(first["tocsin_rules_last_reload_success"] == 1)

        _ = try d.send(["kind=fault id=secret-a", "kind=fault id=secret-b", "action=ack id=secret-a by=ops", "kind=fault severity=high"])
        try d.spoolFile("one", "kind=fault id=secret-c\n")
        try d.spoolFile("bad", "kind=fault severity=x\n")
        #expect(eventually(10) { d.mails().count == 3 })
        usleep(500_000)
        d.stop()
        let last = try parse(path)
        #expect(last["tocsin_events_received_total{source=\"socket\"}"] == 3)
        #expect(last["tocsin_events_rejected_total{source=\"socket\"}"] == 1)
        #expect(last["tocsin_events_received_total{source=\"spool\"}"] == 1)
        #expect(last["tocsin_events_rejected_total{source=\"spool\"}"] == 1)
        #expect(last["tocsin_incidents{state=\"open\"}"] == 2)
        #expect(last["tocsin_incidents{state=\"acked\"}"] == 1)
        #expect(last["tocsin_steps_fired_total"] == 3)
        #expect(last["tocsin_notifications_sent_total{channel=\"mail\"}"] == 3)
        #expect(last["tocsin_notifications_failed_total{channel=\"mail\"}"] == 0)
        #expect(last["tocsin_notifications_queued"] == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("secret-"))
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o644)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("node_exporter's textfile collector (Debian's prometheus-node-exporter) serves the file on loopback, with no parse error")
    func nodeExporterScrape() throws {
        let d = try DaemonProcess(rules: Self.rules)
        let directory = Binaries.temporaryDirectory("textfile")
        let path = directory.appendingPathComponent("tocsin.prom").path
        d.extraArguments = ["--metrics-file", path]
        try d.start()
        defer { d.stop() }
        _ = try d.send(["kind=fault id=n1", "kind=fault id=n2"])
        #expect(eventually(10) { d.mails().count == 2 })
        d.stop()  // writes the file with the final counts
        let port = 20_000 + Int(UInt16.random(in: 0...9_000))
        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-node-exporter")
        exporter.arguments = [
            "--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=\(directory.path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        exporter.standardError = FileHandle.nullDevice
        try exporter.run()
        defer {
            exporter.terminate()
            exporter.waitUntilExit()
        }
        var scraped = ""
        #expect(eventually(10) {
            let get = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics').read().decode())"
            scraped = (try? Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", get]))?.stdout ?? ""
            return scraped.contains("tocsin_")
        })
        let lines = scraped.split(separator: "\n").map(String.init)
        #expect(lines.contains("tocsin_events_received_total{source=\"socket\"} 2"), "\(lines.filter { $0.hasPrefix("tocsin_") })")
        #expect(lines.contains("tocsin_notifications_sent_total{channel=\"mail\"} 2"))
        #expect(lines.contains("tocsin_build_info{version=\"0.3.0\"} 1"))
        // The collector reports a file it cannot parse by node_textfile_scrape_error 1.
        #expect(lines.contains("node_textfile_scrape_error 0"), "\(lines.filter { $0.hasPrefix("node_textfile") })")
    }
}
