#!/usr/bin/env python3
"""Crash torture for tocsind (issue 4): feed it from the socket and the spool at full speed,
kill it with SIGKILL at random instants, restart, repeat; then check the guarantees of
SPEC §4, §5 and §11 and print the figures.

  every event answered `ok` is in the store;   every spool file deleted was applied;
  no spool file was applied twice;              no step fired twice;
  every step that fell due was delivered at least once (by Message-ID).

Silences are created over the socket all along for a second kind of incident (kind=maint,
one 1 s step): every silence answered `ok` must be in the store, and no maint step may fire
before its deadline on the held clock (1 s of time outside the silences).

Some cycles also start a second tocsind on the same state, which must refuse to run (exit
1, naming the holder) while the first goes on; others remove the store's WAL under the
running daemon, which must save what was committed and stop by itself with status 1.
"""
import argparse, os, random, re, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time

p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug"))
p.add_argument("--cycles", type=int, default=200)
p.add_argument("--max-run", type=float, default=0.4, help="longest run before a kill, seconds")
p.add_argument("--seed", type=int, default=None)
args = p.parse_args()
seed = args.seed if args.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)

root = tempfile.mkdtemp(prefix="tocsin-torture-")
rules, spool, state = f"{root}/rules", f"{root}/spool", f"{root}/state"
sock, log = f"{root}/events.sock", f"{root}/deliveries.log"
os.makedirs(rules)
stub = f"{root}/sendmail"
with open(stub, "w") as f:
    f.write(f"""#!/bin/sh
while IFS= read -r line; do
  case "$line" in "Message-ID: <"*) id=${{line#Message-ID: <}}; id=${{id%>}};; esac
done
printf '%s\\n' "$id" >> {log}
""")
os.chmod(stub, 0o755)
with open(f"{rules}/torture.rules", "w") as f:
    f.write("set storm-window 0s\ncontact sink mail sink@example.org\n"
            "rule fault\n  match kind=fault severity=1\n  after 0m notify sink\n  after 1s notify sink\n"
            "rule maint\n  match kind=maint\n  after 1s notify sink\n")
for sub in ("tmp", "new", "failed"):
    os.makedirs(f"{spool}/{sub}", exist_ok=True)

acked_socket, spool_written, counter = set(), {}, [0]
acked_silences = set()
lock = threading.Lock()

starts = [0]

def start(wait_ready=False):
    """Starts tocsind; returns once its socket accepts (or, with wait_ready, once it has
    sent READY=1: start-up, with the steps that fell due while it was down, is over).
    Each process gets a notify socket of its own, read all along by a thread (a notify
    socket nobody reads fills up, and sd_notify then blocks the daemon)."""
    starts[0] += 1
    path = f"{root}/notify-{starts[0]}.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(path)
    ready = threading.Event()
    def listen():
        while True:
            try:
                message = notify.recv(4096)
            except OSError:
                return
            if not message:
                return
            if b"READY=1" in message.split(b"\n"):
                ready.set()
    threading.Thread(target=listen, daemon=True).start()
    env = dict(os.environ)
    env["NOTIFY_SOCKET"] = path
    proc = subprocess.Popen([f"{args.bin}/tocsind", "--rules", rules, "--spool", spool, "--socket", sock,
                             "--state", state, "--sendmail", stub, "--first-retry", "1s"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    proc.notify = notify
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        if wait_ready:
            if ready.wait(0.05): return proc
            continue
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(sock); s.close(); return proc
        except OSError:
            time.sleep(0.01)
    proc.kill(); sys.exit("tocsind did not start")

def finish(proc):
    """After the process is gone: stops its notify listener."""
    try:
        proc.notify.shutdown(socket.SHUT_RDWR)  # wakes the listener's recv
    except OSError:
        pass
    proc.notify.close()

def next_id(prefix):
    with lock:
        counter[0] += 1
        return f"{prefix}{counter[0]}"

def socket_feeder(stop):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sock); s.settimeout(2)
    except OSError:
        return
    sent = []
    def reader():
        buf = b""
        i = 0
        while True:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.startswith(b"ok"):
                    with lock: acked_socket.add(sent[i])
                i += 1
    t = threading.Thread(target=reader); t.start()
    while not stop.is_set():
        batch = [next_id("s") for _ in range(50)]
        sent.extend(batch)
        try:
            s.sendall("".join((f"kind=maint id={i}\n" if rng.random() < 0.02 else f"kind=fault severity={rng.randint(1, 10)} id={i}\n") for i in batch).encode())
        except OSError:
            break
    t.join(timeout=3)
    s.close()

def add_silence():
    """Creates a silence of kind=maint lasting 0.2-1.5 s; remembers its number once `ok`."""
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sock); s.settimeout(2)
        until = int((time.time() + rng.uniform(0.2, 1.5)) * 1000)
        s.sendall(f"silence add until={until} by=torture reason=torture m1=kind=maint\n".encode())
        reply = s.recv(4096).decode()
        s.close()
        if reply.startswith("ok silence="):
            with lock: acked_silences.add(int(reply.split("silence=")[1].split()[0]))
    except (OSError, ValueError, IndexError):
        pass

def silence_feeder(stop):
    """Silences all along (under the feeders' load most are answered only after the kill)."""
    while not stop.is_set():
        add_silence()
        time.sleep(rng.uniform(0.01, 0.05))

def spool_feeder(stop):
    while not stop.is_set():
        name = next_id("file")
        ids = [next_id("p") for _ in range(rng.randint(1, 5))]
        tmp = f"{spool}/tmp/{name}"
        with open(tmp, "w") as f:
            f.write("".join(f"kind=fault severity={rng.randint(1, 10)} id={i}\n" for i in ids))
            f.flush(); os.fsync(f.fileno())
        os.rename(tmp, f"{spool}/new/{name}")
        with lock: spool_written[name] = ids
        time.sleep(0.002)

second_daemons, second_daemon_problems = [0], []
wal_removals, wal_problems = [0], []

def second_daemon_check(first):
    """A second tocsind on the same state and socket: it must exit 1, naming the holder."""
    second_daemons[0] += 1
    other = subprocess.run([f"{args.bin}/tocsind", "--rules", rules, "--spool", spool, "--socket", sock,
                            "--state", state, "--sendmail", stub], capture_output=True, text=True, timeout=30,
                           env={k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"})
    if first.poll() is None and (other.returncode != 1 or f"another tocsind (pid {first.pid})" not in other.stderr):
        second_daemon_problems.append(f"exit {other.returncode}: {other.stderr.strip()[:200]}")

def remove_wal_check(proc):
    """Removes the WAL under the running daemon; it must stop by itself with status 1.
    Returns True when it did (the daemon is gone), False when there was no WAL yet."""
    try:
        os.unlink(f"{state}/tocsin.db-wal")
    except FileNotFoundError:
        return False
    wal_removals[0] += 1
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        wal_problems.append("went on running with its WAL removed")
        proc.kill(); proc.wait()
    if proc.returncode != 1 and proc.returncode != -signal.SIGKILL:
        wal_problems.append(f"exit status {proc.returncode} after the WAL was removed")
    finish(proc)
    return True

t0 = time.time()
for cycle in range(args.cycles):
    # One kill in four may land during start-up; the others after READY=1, so that the
    # socket side is acknowledged often enough to be tested in every run.
    proc = start(wait_ready=rng.random() < 0.75)
    add_silence()  # one answered before the load comes, so every cycle kills after an `ok`
    stop = threading.Event()
    feeders = [threading.Thread(target=socket_feeder, args=(stop,)), threading.Thread(target=spool_feeder, args=(stop,)),
               threading.Thread(target=silence_feeder, args=(stop,))]
    for t in feeders: t.start()
    time.sleep(rng.uniform(0.01, args.max_run))
    # Cycles 1 and 2 always try one of each, so that a short run (make test) has both.
    trial = {1: 0.0, 2: 1 / 6}.get(cycle, rng.random())
    if trial < 1 / 6:
        second_daemon_check(proc)
    elif trial < 1 / 6 + 1 / 8 and remove_wal_check(proc):
        stop.set()
        for t in feeders: t.join()
        continue
    proc.send_signal(signal.SIGKILL); proc.wait(); finish(proc)
    stop.set()
    for t in feeders: t.join()

# A last, calm run: let every due step fire and every queued mail go out.
proc = start()
time.sleep(3.5)  # the last silences end (at most 1.5 s) and the maint steps they held fall due
deadline = time.time() + 600
while time.time() < deadline:
    probe = sqlite3.connect(f"file:{state}/tocsin.db?mode=ro", uri=True)
    pending = probe.execute("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'queued') + (SELECT COALESCE(SUM(count), 0) FROM held_chunks)").fetchone()[0]
    probe.close()
    if pending == 0:
        break
    time.sleep(0.5)
proc.terminate(); proc.wait(); finish(proc)

db = sqlite3.connect(f"file:{state}/tocsin.db?mode=ro", uri=True)
counts = dict(db.execute("SELECT id, COUNT(*) FROM incidents GROUP BY id"))
repeats = dict(db.execute("SELECT id, MAX(count) FROM incidents GROUP BY id"))
steps = db.execute("SELECT incident, detail, COUNT(*) FROM timeline WHERE what='step' GROUP BY incident, detail HAVING COUNT(*) > 1").fetchall()
instance = db.execute("SELECT value FROM meta WHERE key='instance'").fetchone()[0]
incidents = db.execute("SELECT number, began FROM incidents WHERE rule = 'fault'").fetchall()
delivered = set(open(log).read().split()) if os.path.exists(log) else set()
stored_silences = {n: (f, min(u, e) if e is not None else u) for n, f, u, e in db.execute("SELECT number, from_ms, until_ms, expired_ms FROM silences")}
lost_silences = sorted(acked_silences - set(stored_silences))
def held_deadline(began, length=1000):
    """began + length on a clock standing still inside every silence (all match kind=maint)."""
    remaining, cursor = length, began
    for f, u in sorted(stored_silences.values()):
        if u <= cursor: continue
        if f > cursor:
            if remaining < f - cursor: return cursor + remaining
            remaining -= f - cursor
        cursor = max(cursor, u)
    return cursor + remaining
maint_fired = db.execute("SELECT i.number, i.began, t.at FROM incidents i JOIN timeline t ON t.incident = i.number AND t.what = 'step' WHERE i.rule = 'maint'").fetchall()
early = [(n, at - held_deadline(b)) for n, b, at in maint_fired if at < held_deadline(b)]
maint_incidents = db.execute("SELECT number, began FROM incidents WHERE rule = 'maint'").fetchall()

lost_socket = [i for i in acked_socket if i not in counts]
left_in_new = os.listdir(f"{spool}/new")
failed = [n for n in os.listdir(f"{spool}/failed")]
applied_files = [n for n in spool_written if n not in left_in_new]
lost_spool = [n for n in applied_files if any(i not in counts for i in spool_written[n])]
twice = [i for i, c in repeats.items() if c > 1] + [i for i, c in counts.items() if c > 1]
# Message-IDs by their part before "@" (a set: checking each incident against every
# delivery was quadratic, minutes for a long run).
# A sent Message-ID carries its reply proof (".k" and 24 hex digits before "@").
delivered_local = {re.sub(r"\.k[0-9a-f]{24}$", "", d.split("@", 1)[0]) for d in delivered}
missing = []
for number, began in incidents:
    for step in ("s1", "s2"):
        mid = f"tocsin.{instance}.{number}.fault.{step}.sink"
        if mid not in delivered_local:
            missing.append(mid + "@")
for number, began in maint_incidents:
    mid = f"tocsin.{instance}.{number}.maint.s1.sink"
    if mid not in delivered_local:
        missing.append(mid + "@")

print(f"torture: seed={seed} cycles={args.cycles} seconds={time.time() - t0:.0f}")
print(f"  socket events acknowledged: {len(acked_socket)}   lost: {len(lost_socket)}")
print(f"  spool files written: {len(spool_written)}   applied: {len(applied_files)}   lost: {len(lost_spool)}   left in new/: {len(left_in_new)}   failed: {len(failed)}")
print(f"  incidents stored: {len(counts)}   applied twice: {len(twice)}")
print(f"  steps fired twice: {len(steps)}   due steps never delivered: {len(missing)}   deliveries: {len(open(log).read().split()) if os.path.exists(log) else 0} ({len(delivered)} distinct Message-IDs)")
print(f"  silences acknowledged: {len(acked_silences)}   lost: {len(lost_silences)}   maint steps fired: {len(maint_fired)} of {len(maint_incidents)}   early: {len(early)} {early[:3]}")
print(f"  second daemons started: {second_daemons[0]}   not refused: {len(second_daemon_problems)} {second_daemon_problems[:3]}")
print(f"  WAL removals: {wal_removals[0]}   not stopped cleanly: {len(wal_problems)} {wal_problems[:3]}")
checks = [not lost_socket, not lost_spool, not left_in_new, not failed, not twice, not steps, not missing,
          not second_daemon_problems, not wal_problems, not lost_silences, not early]
ok = all(checks)
if ok:
    subprocess.run(["rm", "-rf", root])
else:
    print(f"torture: FAIL, state kept in {root}")
print(f"torture: {sum(checks)} passed, {len(checks) - sum(checks)} failed")
sys.exit(0 if ok else 1)
