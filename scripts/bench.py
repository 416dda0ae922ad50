#!/usr/bin/env python3
"""make bench: the release tocsind against bench/loadgen, and Alertmanager in the same run.

Prints a table, then one last line of key=value figures (docs/performance.md). Every phase
runs on a fresh temporary state directory on loopback, is bounded in count and time, and
stops what it started. The ingest figures (socket, policy, silences, a million open) are
each the median of --rounds rounds run in alternation, so the machine's drift falls on them
alike.

For comparisons: BENCH_TOCSIND=PATH measures another tocsind binary (an older build), and
BENCH_STDERR=FILE appends every tocsind's stderr to FILE instead of the temporary directory.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOCSIND = os.environ.get("BENCH_TOCSIND", os.path.join(ROOT, ".build/release/tocsind"))
LOADGEN = os.path.join(ROOT, ".build/loadgen")
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"

RULES = """\
set storm-window 60s
contact ops mail ops@example.org
contact boss mail boss@example.org
# Two patterns every event is matched against (and fails): ingest is measured with regex
# rules in play.
rule core-down
  match kind=fault summary~(core|核心).*(down|无法登录)$
  match kind=fault host~^core-[0-9]+$
  after {after} notify boss
rule fault
  match kind=fault
  after {after} notify ops
  after 2h notify boss
"""


def log(text):
    print(text, file=sys.stderr, flush=True)


def run_loadgen(*args, timeout=900):
    out = subprocess.run([LOADGEN, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise SystemExit(f"loadgen {' '.join(map(str, args))} failed ({out.returncode}): {out.stdout} {out.stderr}")
    return dict(kv.split("=", 1) for kv in out.stdout.split())


class Tocsind:
    """The release tocsind on a temporary directory, READY=1 observed on NOTIFY_SOCKET."""

    def __init__(self, root, after="1h", rules=None, extra_files=()):
        self.root = root
        self.rules = os.path.join(root, "rules")
        self.state = os.path.join(root, "state")
        self.spool = os.path.join(root, "spool")
        self.socket = os.path.join(root, "events.sock")
        self.maildir = os.path.join(root, "maildir")
        os.makedirs(self.rules, exist_ok=True)
        with open(os.path.join(self.rules, "bench.rules"), "w") as f:
            f.write(RULES.format(after=after) if rules is None else rules)
        for path in extra_files:
            shutil.copy(path, self.rules)
        self.process = None
        self.ready_seconds = None

    def start(self):
        notify_path = os.path.join(self.root, "notify.sock")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
        env["NOTIFY_SOCKET"] = notify_path
        started = time.monotonic()
        self.process = subprocess.Popen(
            [TOCSIND, "--rules", self.rules, "--state", self.state, "--spool", self.spool, "--socket", self.socket, "--mail-drop", self.maildir],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.environ.get("BENCH_STDERR", os.path.join(self.root, "stderr.log")), "ab"))
        deadline = started + 300
        while time.monotonic() < deadline:
            try:
                message = notify.recv(4096).decode()
            except socket.timeout:
                if self.process.poll() is not None:
                    raise SystemExit(f"tocsind exited ({self.process.returncode}); see {self.root}/stderr.log")
                continue
            if "READY=1" in message.split("\n"):
                self.ready_seconds = time.monotonic() - started
                notify.close()
                return self
        raise SystemExit("tocsind did not become ready in 300 s")

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def phase_socket(root, events, clients):
    d = Tocsind(root).start()
    try:
        return float(run_loadgen("socket", d.socket, clients, events, 256, "s")["eps"])
    finally:
        d.stop()


# Two heartbeats beside the shipped rules (with their roster and calendar): every event is
# checked against them.
EXPECTS = """\
expect patrol
  match kind=patrol
  every 30m grace 5m during workhours
  after 0m notify shift-lead
expect batch-done
  match kind=batch status=done
  every 1d
  after 0m notify centre-manager
"""


def phase_policy(root, events, clients):
    """Ingest with the shipped rules (roster, calendar, zh-CN) plus two expect blocks."""
    shipped = sorted(os.path.join(ROOT, "rules", n) for n in os.listdir(os.path.join(ROOT, "rules")) if n.endswith(".rules"))
    d = Tocsind(root, rules=EXPECTS, extra_files=shipped).start()
    try:
        r = run_loadgen("socket", d.socket, clients, events, 256, "p")
        return float(r["eps"])
    finally:
        d.stop()


def dependency_rules(count):
    return "".join(
        f"rule dep-{i}\n  match kind=fault system=term-{i}\n  depends on kind=fault system=core-{i} equal branch\n  after 5s notify ops\n"
        for i in range(count))


def silence_lines(count):
    until = int((time.time() + 3 * 3600) * 1000)
    return [f"silence add until={until} by=bench reason=bench m1=kind=fault m2=system=sys-{i}" for i in range(count)]


def phase_silences(root, events, clients, silences=1000, dependencies=50):
    """Ingest with 1,000 active silences and 50 dependency rules (ahead of the rule that
    takes the events, so every event is matched against them too)."""
    lines = RULES.format(after="1h").split("\n")
    rules = "\n".join(lines[:3]) + "\n" + dependency_rules(dependencies) + "\n".join(lines[3:])
    d = Tocsind(root, rules=rules).start()
    try:
        replies = socket_send(d.socket, silence_lines(silences))
        if sum(1 for r in replies if r.startswith("ok silence=")) != silences:
            raise SystemExit(f"silences: not every silence was stored: {replies[:3]}")
        r = run_loadgen("socket", d.socket, clients, events, 256, "q")
        return float(r["eps"])
    finally:
        d.stop()


def phase_release(work, children, clients):
    """children incidents waiting on one parent; the parent resolves; each child's 5 s step
    is then due 5 s later. Lateness: when its firing is committed (its timeline row, polled
    every 20 ms) minus that instant."""
    rules = "set storm-window 60s\ncontact ops mail ops@example.org\n" + dependency_rules(1)
    d = Tocsind(os.path.join(work, "release"), rules=rules).start()
    try:
        socket_send(d.socket, ["kind=fault system=core-0 branch=b id=parent summary=core"])
        run_loadgen("socket", d.socket, clients, children, 256, "c", "system=term-0 branch=b")
        db = sqlite3.connect(f"file:{d.state}/tocsin.db?mode=ro", uri=True, timeout=30)
        waiting = db.execute("SELECT COUNT(*) FROM holds WHERE until_ms IS NULL").fetchone()[0]
        if waiting != children:
            raise SystemExit(f"release: {waiting} of {children} children wait on the parent")
        top = db.execute("SELECT COALESCE(MAX(seq), 0) FROM timeline").fetchone()[0]
        released = time.time()
        socket_send(d.socket, ["action=resolve id=parent cause=bench"])
        due = released + 5
        polls, seen, fired = [], top, 0
        deadline = due + 120
        while time.time() < deadline:
            newest = db.execute("SELECT COALESCE(MAX(seq), 0) FROM timeline").fetchone()[0]
            fired += db.execute("SELECT COUNT(*) FROM timeline WHERE seq > ? AND seq <= ? AND what = 'step'", (seen, newest)).fetchone()[0]
            seen = newest
            polls.append((time.time(), fired))
            if fired >= children:
                break
            time.sleep(0.02)
        early = next((t for t, f in polls if f > 0), due)
        db.close()
    finally:
        d.stop()
    if not polls or polls[-1][1] < children:
        raise SystemExit(f"release: only {polls[-1][1] if polls else 0} of {children} steps fired")
    if early < due - 0.5:
        raise SystemExit(f"release: a step fired {due - early:.1f} s before its shifted deadline")
    at = next(t for t, f in polls if f >= children * 99 // 100)
    return max(0, round((at - due) * 1000)), max(0, round((polls[-1][0] - due) * 1000))


def cpu_times():
    """The machine's CPU time so far, (steal, total) in clock ticks, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal [guest guest_nice, counted in user]
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks[:8])


def steal_percent(before, after):
    """The share of CPU time a virtual machine's host took away between two cpu_times()
    (vmstat's `st`); None when unknown."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return 100.0 * (after[0] - before[0]) / (after[1] - before[1])


def run_rate(path, rate, seconds, prefix):
    """`loadgen rate` against the socket at `path`: its figures, and the share of CPU time
    the host stole meanwhile (replies follow it on a VM; docs/performance.md)."""
    before = cpu_times()
    r = run_loadgen("rate", path, rate, seconds, prefix)
    return r, steal_percent(before, cpu_times())


def phase_floor(work, rate, seconds):
    """The latency phase against `loadgen floor` (a bare C durable echo: one thread, one
    fdatasync per read) on the same disk: what this machine allows at the moment, for the
    table. Returns (p99 ms, steal %)."""
    root = os.path.join(work, "floor")
    os.makedirs(root)
    path = os.path.join(root, "floor.sock")
    server = subprocess.Popen([LOADGEN, "floor", path, os.path.join(root, "lines")])
    try:
        deadline = time.time() + 10
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.01)
        r, steal = run_rate(path, rate, seconds, "f")
        return float(r["p99_ms"]), steal
    finally:
        server.kill()
        server.wait()


def phase_latency(work, rate, seconds):
    d = Tocsind(os.path.join(work, "latency")).start()
    try:
        r, steal = run_rate(d.socket, rate, seconds, "l")
        return float(r["p50_ms"]), float(r["p99_ms"]), float(r["max_ms"]), steal
    finally:
        d.stop()


def phase_spool(work, files):
    d = Tocsind(os.path.join(work, "spool")).start()
    try:
        r = run_loadgen("spool", d.spool, files, "f")
        return float(r["fps"])
    finally:
        d.stop()


def fill_million(work, open_incidents, clients):
    """A tocsind with `open_incidents` open, for the rounds' `eps_at_1m_open` segments."""
    d = Tocsind(os.path.join(work, "million")).start()
    log(f"  filling {open_incidents:,} open incidents ...")
    fill = run_loadgen("socket", d.socket, clients, open_incidents, 256, "m")
    log(f"  filled at {float(fill['eps']):,.0f} events/s")
    return d


def million_restart(d):
    """RSS under load, then a restart with everything open: (RSS MB, seconds to READY)."""
    rss = d.rss_mb()
    d.stop()
    d.start()
    ready = d.ready_seconds
    rss_after_restart = d.rss_mb()
    d.stop()
    log(f"  RSS {rss:.0f} MB under load, {rss_after_restart:.0f} MB after a restart")
    return max(rss, rss_after_restart), ready


def cpu_idle_fraction(seconds):
    """The machine's idle share of CPU time over `seconds` (/proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            values = list(map(int, f.readline().split()[1:]))
        return sum(values), values[3] + values[4]
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_for_quiet(limit=30.0):
    """Waits until the machine is nearly idle (or `limit` seconds pass): what one load left
    running (Alertmanager still sending its notifications, a checkpoint) must not run
    into the next measurement."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and cpu_idle_fraction(0.5) < 0.9:
        pass


def ingest_rounds(work, args, phases):
    """The ingest figures measured in alternation: each round runs the socket, policy and
    silences workloads on fresh tocsinds, a segment of new incidents on the one with a
    million open, and the whole Alertmanager workload on a fresh Alertmanager, so a drift of
    the machine's speed (±20% here from minute to minute) falls on every figure alike; each
    figure is the median of its rounds, and each load starts once the machine is quiet
    again. Returns {name: [events/s per round]}, the million tocsind's (RSS, READY) if it
    ran, and Alertmanager's largest RSS (MB)."""
    wanted = [name for name in ("socket", "policy", "silences", "million", "alertmanager") if name in phases]
    samples = {name: [] for name in wanted}
    alertmanager_rss = []
    million = fill_million(work, args.open, args.clients) if "million" in phases else None
    restart = None
    try:
        for k in range(args.rounds):
            for name in wanted:
                wait_for_quiet()
                if name == "million":
                    r = run_loadgen("socket", million.socket, args.clients, args.segment, 256, f"n{k}")
                    samples[name].append(float(r["eps"]))
                    continue
                root = os.path.join(work, f"{name}-{k}")
                if name == "alertmanager":
                    eps, rss = phase_alertmanager(root, args.alerts, args.clients)
                    samples[name].append(eps)
                    alertmanager_rss.append(rss)
                    continue
                measure = {"socket": phase_socket, "policy": phase_policy, "silences": phase_silences}[name]
                samples[name].append(measure(root, args.events, args.clients))
                shutil.rmtree(root, ignore_errors=True)
            log(f"  round {k + 1}: " + ", ".join(f"{name} {samples[name][-1]:,.0f}" for name in wanted))
        if million:
            restart = million_restart(million)
    finally:
        if million:
            million.stop()
            shutil.rmtree(million.root, ignore_errors=True)
    return samples, restart, max(alertmanager_rss, default=0)


def median_text(values):
    return " / ".join(f"{v:,.0f}" for v in values)


TOCSINCTL = os.path.join(os.path.dirname(TOCSIND), "tocsinctl")
DAY_MS = 86_400_000


def drop_cached(paths):
    """Drops the page cache of these files (written out first), so a read comes from disk."""
    os.sync()
    for path in paths:
        if os.path.exists(path):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def build_history(d, incidents, open_incidents):
    """A store with `incidents` resolved incidents over three years (a template incident,
    opened, stepped, mailed and resolved by the real tocsind, copied by SQL with new
    numbers, ids and times, and its timeline rows with it), then `open_incidents` open
    ones: what three years at 1,000 a day leave. Returns the copies' first day (ms)."""
    d.start()
    socket_send(d.socket, ["kind=fault severity=3 id=template summary=\"history event\" branch=BJ-001",
                           "action=resolve id=template cause=\"replaced the cable\" by=ops"])
    d.stop()
    db = sqlite3.connect(os.path.join(d.state, "tocsin.db"))
    number, opened = db.execute("SELECT number, opened FROM incidents WHERE id = 'template'").fetchone()
    span = 3 * 365 * DAY_MS
    start = opened - span - DAY_MS
    step = span // incidents
    cols = [r[1] for r in db.execute("PRAGMA table_info(incidents)")]
    shifted = {"number": "n.x + 1000", "id": "'h-' || n.x", "began": f"{start} + n.x * {step}", "opened": f"{start} + n.x * {step}",
               "last_seen": f"{start} + n.x * {step}", "resolved_at": f"{start} + n.x * {step} + 3600000", "acked_at": "NULL"}
    select = ", ".join(shifted.get(c, f"t.{c}") for c in cols)
    db.execute("BEGIN")
    db.execute(f"WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {incidents - 1}) "
               f"INSERT INTO incidents ({', '.join(cols)}) SELECT {select} FROM n, incidents t WHERE t.number = {number}")
    db.execute(f"WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {incidents - 1}) "
               f"INSERT INTO timeline (incident, at, what, detail, source, uid, pid) "
               f"SELECT n.x + 1000, {start} + n.x * {step} + (t.at - {opened}), t.what, t.detail, t.source, t.uid, t.pid "
               f"FROM n, timeline t WHERE t.incident = {number} ORDER BY n.x, t.seq")
    db.execute("DELETE FROM timeline WHERE incident = ?", (number,))
    db.execute("DELETE FROM incidents WHERE number = ?", (number,))
    db.commit()
    db.close()
    # The open ones, and the last hours' traffic, through the real socket.
    d.start()
    run_loadgen("socket", d.socket, 4, open_incidents, 256, "o")
    d.stop()
    return start


def socket_send(path, lines):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall("".join(line + "\n" for line in lines).encode())
    data = b""
    while data.count(b"\n") < len(lines):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode().splitlines()


def timed_ms(command, env, files):
    """Runs `command` (a shell line) with the store's pages dropped from the cache; its
    wall time in ms, and its output."""
    drop_cached(files)
    started = time.monotonic()
    out = subprocess.run(command, shell=True, env=env, capture_output=True, text=True, timeout=600)
    elapsed = (time.monotonic() - started) * 1000
    if out.returncode not in (0, 141):
        raise SystemExit(f"{command} failed ({out.returncode}): {out.stderr[-500:]}")
    return elapsed, out.stdout


def phase_history(work, incidents, open_incidents):
    """The read paths an operator uses on a store of three years' history, each with the
    store's pages dropped from the cache first."""
    d = Tocsind(os.path.join(work, "history"))
    log(f"  building {incidents:,} resolved incidents of history and {open_incidents:,} open ...")
    built = time.monotonic()
    start = build_history(d, incidents, open_incidents)
    db_path = os.path.join(d.state, "tocsin.db")
    files = [db_path, db_path + "-wal", db_path + "-shm"]
    log(f"  built in {time.monotonic() - built:.0f} s, {os.path.getsize(db_path) / 1e9:.2f} GB")
    drop_cached(files)
    d.start()
    ready = d.ready_seconds
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
    env.update({"TOCSIN_SOCKET": d.socket, "TOCSIN_STATE": d.state, "TOCSIN_SPOOL": d.spool, "TOCSIN_RULES": d.rules})
    try:
        figures = {}
        figures["status"], out = timed_ms(f"{TOCSINCTL} status", env, files)
        figures["list"], out = timed_ms(f"{TOCSINCTL} list --no-pager", env, files)
        figures["head"], out = timed_ms(f"{TOCSINCTL} list --all --json | head -1", env, files)
        middle = incidents // 2
        figures["show"], out = timed_ms(f"{TOCSINCTL} show h-{middle}", env, files)
        if "h-" not in out:
            raise SystemExit(f"show h-{middle} found nothing: {out[:300]}")
        day = time.strftime("%Y-%m-%d", time.gmtime((start + (3 * 365 // 2) * DAY_MS) / 1000))
        figures["export_day"], out = timed_ms(f"{TOCSINCTL} export --since {day} --until {day} --csv", env, files)
        rows = out.count("\n") - 1
        log(f"  export of {day}: {rows} incidents")
    finally:
        d.stop()
    return figures, ready


TIMER_RULES_WORKING = """\
set storm-window 60s
set timezone UTC
workhours daily 00:00-24:00
contact ops mail ops@example.org
rule fault
  match kind=fault
  after {after} working notify ops
"""


def phase_timers(work, steps, clients, socket_eps, working=False):
    """steps incidents whose first step falls due in the same instant (their `at` is the
    same), mailed to a Maildir. A step counts as done when its firing is committed (its
    timeline row is in the store, polled every 20 ms); lateness is that moment minus the
    due time. Storm control must turn them into one mail now (and a digest later)."""
    after = 60
    rules = TIMER_RULES_WORKING.format(after=f"{after}s") if working else None
    d = Tocsind(os.path.join(work, "timers-working" if working else "timers"), after=f"{after}s", rules=rules).start()
    try:
        margin = max(10, int(steps / max(socket_eps, 1000) * 3) + 5)
        due = int(time.time()) + margin
        at = datetime.datetime.fromtimestamp(due - after, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        run_loadgen("socket", d.socket, clients, steps, 256, "t", f"at={at}")
        if time.time() >= due:
            raise SystemExit("timers: the steps were not all submitted before they fell due; raise the margin")
        db = sqlite3.connect(f"file:{d.state}/tocsin.db?mode=ro", uri=True, timeout=30)
        while time.time() < due - 0.5:
            time.sleep(0.1)
        polls = []
        deadline = due + 120
        seen, fired = 0, 0  # counted incrementally by rowid, so polling stays cheap beside the daemon
        while time.time() < deadline:
            top = db.execute("SELECT COALESCE(MAX(seq), 0) FROM timeline").fetchone()[0]
            fired += db.execute("SELECT COUNT(*) FROM timeline WHERE seq > ? AND seq <= ? AND what = 'step'", (seen, top)).fetchone()[0]
            seen = top
            polls.append((time.time(), fired))
            if fired >= steps:
                break
            time.sleep(0.02)
        db.close()
        new = os.path.join(d.maildir, "new")
        mail_deadline = time.time() + 10
        while time.time() < mail_deadline and not (os.path.isdir(new) and os.listdir(new)):
            time.sleep(0.1)
        mails = len(os.listdir(new)) if os.path.isdir(new) else 0
    finally:
        d.stop()
    if not polls or polls[-1][1] < steps:
        raise SystemExit(f"timers: only {polls[-1][1] if polls else 0} of {steps} steps fired")

    def lateness(count):
        at = next(t for t, fired in polls if fired >= count)
        return max(0, round((at - due) * 1000))

    return lateness(steps * 99 // 100), lateness(steps), mails


class Alertmanager:
    """Debian's Alertmanager on loopback with a webhook sink answering 200."""

    def __init__(self, work):
        if not os.path.exists(ALERTMANAGER):
            log("  installing prometheus-alertmanager from Debian ...")
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "prometheus-alertmanager"],
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["systemctl", "disable", "--now", "prometheus-alertmanager"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.root = os.path.join(work, "alertmanager")
        os.makedirs(self.root)
        sink_port, self.port = free_port(), free_port()
        with open(os.path.join(self.root, "alertmanager.yml"), "w") as f:
            f.write(f"""\
route:
  receiver: sink
  group_by: [id]
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:{sink_port}/
""")
        self.sink = subprocess.Popen([LOADGEN, "sink", str(sink_port)], stdout=subprocess.PIPE, text=True)
        self.am = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={self.root}/alertmanager.yml", f"--storage.path={self.root}/data",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.root, "stderr.log"), "wb"))
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline or self.am.poll() is not None:
                    self.stop()
                    raise SystemExit(f"alertmanager did not start; see {self.root}/stderr.log")
                time.sleep(0.2)

    def send(self, clients, alerts, prefix):
        """Posts `alerts` new alerts, one per request; alerts/s."""
        return float(run_loadgen("http", "127.0.0.1", self.port, clients, alerts, prefix)["eps"])

    def rss_mb(self):
        with open(f"/proc/{self.am.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def stop(self):
        self.am.terminate()
        self.am.wait(30)
        self.sink.terminate()
        self.sink.wait(10)


def phase_alertmanager(root, alerts, clients):
    """A fresh Alertmanager taking all the alerts in one run, as it would a storm (its
    notifications go out while alerts still come in); stopped after, so nothing of it runs
    on. Returns (alerts/s, RSS MB)."""
    os.makedirs(root)
    am = Alertmanager(root)
    try:
        return am.send(clients, alerts, "a"), am.rss_mb()
    finally:
        am.stop()
        shutil.rmtree(root, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--rate-seconds", type=float, default=10)
    parser.add_argument("--spool-files", type=int, default=20_000)
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the ingest figures (each is their median)")
    parser.add_argument("--segment", type=int, default=100_000, help="new incidents per round on the million-open tocsind")
    parser.add_argument("--timer-steps", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=200_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--only", help="comma-separated phases: socket,policy,silences,release,latency,spool,million,timers,alertmanager,history")
    args = parser.parse_args()
    phases = set((args.only or "socket,policy,silences,release,latency,spool,million,timers,alertmanager,history").split(","))
    work = tempfile.mkdtemp(prefix="tocsin-bench-")
    figures = {}
    rows = []
    try:
        if phases & {"socket", "policy", "silences", "million", "alertmanager"}:
            log(f"ingest: {args.rounds} rounds of socket, policy, silences, million and alertmanager, in alternation ...")
            samples, restart, alertmanager_rss = ingest_rounds(work, args, phases)
            medians = {name: statistics.median(values) for name, values in samples.items()}
        if "socket" in phases:
            eps = medians["socket"]
            figures["socket_eps"] = round(eps)
            rows.append(("socket_eps", f"{eps:,.0f}", "≥ 100,000",
                         f"durable events/s, {args.clients} clients, {args.events:,} events; median of {median_text(samples['socket'])}"))
        ninety = f"≥ {0.9 * figures['socket_eps']:,.0f}" if "socket_eps" in figures else "≥ 90% socket_eps"
        if "policy" in phases:
            eps = medians["policy"]
            figures["eps_with_policy"] = round(eps)
            rows.append(("eps_with_policy", f"{eps:,.0f}", ninety,
                         f"events/s with the shipped rules (roster, calendar, zh-CN) and two expect blocks; median of {median_text(samples['policy'])}"))
        if "silences" in phases:
            eps = medians["silences"]
            figures["eps_with_silences"] = round(eps)
            rows.append(("eps_with_silences", f"{eps:,.0f}", ninety,
                         f"events/s with 1,000 active silences and 50 dependency rules; median of {median_text(samples['silences'])}"))
        if "release" in phases:
            log(f"release: {args.children:,} children waiting on one parent, released ...")
            p99, worst = phase_release(work, args.children, args.clients)
            figures["release_late_p99_ms"] = p99
            rows.append(("release_late_p99_ms", f"{p99:,}", "≤ 1,000", f"lateness of {args.children:,} children's steps after their parent resolved (max {worst:,} ms)"))
        if "latency" in phases:
            log(f"latency: {args.rate:,} events/s for {args.rate_seconds:g} s ...")
            p50, p99, worst, steal = phase_latency(work, args.rate, args.rate_seconds)
            floor_p99, floor_steal = phase_floor(work, args.rate, args.rate_seconds)
            figures["ack_p50_ms"] = round(p50, 2)
            figures["ack_p99_ms"] = round(p99, 2)
            rows.append(("ack_p50_ms", f"{p50:.2f}", "", f"reply latency at {args.rate:,} events/s"))
            stolen = "" if steal is None else f"; the host stole {steal:.0f}% of the CPU time meanwhile"
            rows.append(("ack_p99_ms", f"{p99:.2f}", "≤ 10", f"(max {worst:.1f} ms{stolen})"))
            floor_stolen = "" if floor_steal is None else f"; {floor_steal:.0f}% stolen"
            rows.append(("  floor (bare C)", f"{floor_p99:.2f}", "", f"p99 of a durable C echo (one thread, an fdatasync per read), right after{floor_stolen}"))
        if "spool" in phases:
            log(f"spool: {args.spool_files:,} one-event files ...")
            fps = phase_spool(work, args.spool_files)
            figures["spool_fps"] = round(fps)
            rows.append(("spool_fps", f"{fps:,.0f}", "≥ 4,000", f"spool files/s, {args.spool_files:,} files"))
        if "million" in phases:
            eps = medians["million"]
            rss, ready = restart
            figures["eps_at_1m_open"] = round(eps)
            figures["rss_mb_1m_open"] = round(rss)
            figures["ready_s_1m_open"] = round(ready, 2)
            target = f"≥ {0.8 * figures['socket_eps']:,.0f}" if "socket_eps" in figures else "≥ 80% socket_eps"
            rows.append(("eps_at_1m_open", f"{eps:,.0f}", target,
                         f"events/s with {args.open:,} incidents open, segments of {args.segment:,} new ones; median of {median_text(samples['million'])}"))
            rows.append(("rss_mb_1m_open", f"{rss:.0f}", "≤ 500", "RSS in MB"))
            rows.append(("ready_s_1m_open", f"{ready:.2f}", "≤ 5", "start to READY=1"))
        if "timers" in phases:
            log(f"timers: {args.timer_steps:,} steps due in the same second ...")
            p99, worst, mails = phase_timers(work, args.timer_steps, args.clients, figures.get("socket_eps", 10_000))
            figures["timer_late_p99_ms"] = p99
            figures["timer_mails"] = mails
            rows.append(("timer_late_p99_ms", f"{p99:,}", "≤ 1,000", f"step lateness (max {worst:,} ms)"))
            rows.append(("timer_mails", f"{mails}", "1", f"mails at once for {args.timer_steps:,} steps to one contact (storm control)"))
            log(f"timers: the same with working-time steps ...")
            p99, worst, _ = phase_timers(work, args.timer_steps, args.clients, figures.get("socket_eps", 10_000), working=True)
            figures["timer_late_p99_ms_working"] = p99
            rows.append(("timer_late_p99_ms_working", f"{p99:,}", "≤ 1,000", f"the same with 'after 60s working' steps (max {worst:,} ms)"))
        if "alertmanager" in phases:
            am_eps = statistics.median(samples["alertmanager"])
            figures["alertmanager_eps"] = round(am_eps)
            rows.append(("alertmanager_eps", f"{am_eps:,.0f}", "",
                         f"alerts/s, not durable, {args.alerts:,} alerts a run (RSS {alertmanager_rss:.0f} MB); median of {median_text(samples['alertmanager'])}"))
            if "socket_eps" in figures:
                ratio = figures["socket_eps"] / am_eps
                figures["ratio_vs_alertmanager"] = round(ratio, 1)
                rows.append(("ratio_vs_alertmanager", f"{ratio:.1f}", "≥ 20", "socket_eps / alertmanager_eps"))
        if "history" in phases:
            log(f"history: {args.history:,} resolved incidents, 3,000 open, read paths from a cold cache ...")
            history, ready = phase_history(work, args.history, 3_000)
            targets = {"status": 100, "list": 100, "head": 100, "show": 50, "export_day": 200}
            what = {"status": "tocsinctl status", "list": "tocsinctl list (the default)", "head": "tocsinctl list --all --json | head -1",
                    "show": "tocsinctl show ID", "export_day": "tocsinctl export of one day"}
            for key in ["status", "list", "head", "show", "export_day"]:
                figures[f"{key}_ms_1m_history"] = round(history[key], 1)
                rows.append((f"{key}_ms_1m_history", f"{history[key]:,.1f}", f"≤ {targets[key]}", f"{what[key]}, cold cache, {args.history:,} incidents of history"))
            figures["ready_s_1m_history"] = round(ready, 2)
            rows.append(("ready_s_1m_history", f"{ready:.2f}", "≤ 1", "start to READY=1 on that store, cold cache"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in rows) if rows else 0
    print(f"{'figure':<{width}}  {'value':>10}  {'target':>9}  what")
    for name, value, target, what in rows:
        print(f"{name:<{width}}  {value:>10}  {target:>9}  {what}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
