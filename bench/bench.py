#!/usr/bin/env python3
"""Taleweaver benchmarks (python3 standard library + wrk). Run through bench/run.sh.

Each part starts its own server on a free port with a throw-away database, loads it from this machine,
and prints its figures; the summary at the end repeats them. Nothing leaves 127.0.0.1.
"""
import argparse
import asyncio
import glob
import hashlib
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import allocation  # bytes allocated per answer (bench/allocation.py)
import capacity  # players per box (bench/capacity.py)
import cluster  # several instances on one PostgreSQL (bench/cluster.py)
import parties  # party quests (bench/parties.py)
import turns  # the model-turns figures (bench/turns.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "server.jar")
RESULTS = []


def report(name, value):
    RESULTS.append((name, value))
    print(f"  {name}: {value}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def run_sh(java):
    """The JVM options and environment ./run.sh starts `java` with (`./run.sh java-opts` prints them), so a figure "at
    ./run.sh's settings" is taken with what a host runs."""
    line = subprocess.run([os.path.join(ROOT, "run.sh"), "java-opts"], capture_output=True, text=True, check=True,
                          env={**os.environ, "JAVA": java}).stdout.split()
    env = dict(word.split("=", 1) for word in line if not word.startswith("-"))
    return [word for word in line if word.startswith("-")], env


class Server:
    def __init__(self, java, jvm=None, env=None, **settings):
        self.dir = tempfile.mkdtemp(prefix="tw-bench-")
        self.port = free_port()
        self.db = os.path.join(self.dir, "bench.db")
        base = {"server.port": self.port, "server.host": "127.0.0.1", "storage.database": self.db,
                "limits.requests_per_minute": 10000000}
        base.update(settings)
        args = [java] + (jvm or []) + ["-jar", JAR]
        for k, v in base.items():
            args += ["--set", f"{k}={v}"]
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        for _ in range(300):
            try:
                if call(self.port, "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("server did not start: " + open(os.path.join(self.dir, "server.log")).read()[-2000:])

    def threads(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"Threads:\s+(\d+)", f.read()).group(1))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def call(port, path, body=None, conn=None, timeout=120):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body or {}).encode()
    c.request("GET", path, body=data, headers={"Content-Type": "application/json", "Content-Length": str(len(data))})
    r = c.getresponse()
    raw = r.read()
    if conn is None:
        c.close()
    return r.status, json.loads(raw) if raw else None


def signup(port, name, ip="127.0.0.1:9"):
    st, body = call(port, "/signup", {"email": f"{md5(name)[:16]}@bench.local", "username": name,
                                      "password": md5("pw-" + name), "ip": ip})
    assert st == 200 and body["status_code"] == 200, (name, body)
    return body["token"]


# ------------------------------------------------------------------ wrk

def wrk(port, path, body, seconds, connections=32, threads=2):
    script = os.path.join(tempfile.gettempdir(), f"tw-wrk-{os.getpid()}.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "GET"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = [[{json.dumps(body, ensure_ascii=False)}]]\n")
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    rps, non2xx = wrk_rate(out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rps, float(p99.group(1)) * scale, non2xx


def wrk_rate(out):
    """Requests per second and non-2xx answers, from wrk's report."""
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0


def wrk_bodies(name, bodies, in_turn):
    """A wrk script whose requests carry one of `bodies` each: the next in turn, or one at random; returns its path."""
    script = os.path.join(tempfile.gettempdir(), f"tw-{name}-{os.getpid()}.lua")
    lua = ",\n".join("[[" + json.dumps(x, ensure_ascii=False) + "]]" for x in bodies)
    pick = ("local i = 0\nrequest = function() i = i + 1 return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1]) end\n" if in_turn
            else "request = function() return wrk.format(nil, nil, nil, bodies[math.random(#bodies)]) end\n")
    with open(script, "w") as f:
        f.write('wrk.method = "GET"\nwrk.headers["Content-Type"] = "application/json"\n' f"local bodies = {{{lua}}}\n" + pick)
    return script


def probe(port, path, body, seconds, rate=400, clients=4, bodies=None):
    """Latency of `path` at a steady `rate` requests/s (an open load, not a saturating one): returns p50, p99 in ms.
    With `bodies`, client i sends bodies[i] (one player each)."""
    latencies, stop_at = [], time.monotonic() + seconds

    def client(i):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        interval, next_at = clients / rate, time.monotonic()
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            st, b = call(port, path, bodies[i] if bodies else body, conn=c)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert st == 200, b
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], len(latencies)


# ------------------------------------------------------------------ parts

def battle(port, one, two, moves):
    """A duel between `one` and `two` (signed up); `moves` rounds are played (the battle ends by max_rounds at 10)."""
    st, r = call(port, "/challenge", {"role1": one, "role2": two, "wait": 0})
    bid = r["id"]
    call(port, "/accept_challenge", {"role": two, "id": bid})
    for _ in range(moves):
        done = []
        threads = [threading.Thread(target=lambda who=who: done.append(call(port, "/battle", {"role": who, "id": bid, "text": "strike"})[1]))
                   for who in (one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if any(d.get("status") for d in done):
            break
    return bid


def read_routes(s, seconds):
    """Every authenticated read route against /health in the same run (issue 22: each >= 0.5x), and the heartbeat as
    the later reference client sends it: battle_id null, "", the id of a battle that is over, an unknown one, a live one."""
    for n in ("ReadA", "ReadB", "ReadC", "ReadD"):
        signup(s.port, n)
    over = battle(s.port, "ReadA", "ReadB", 12)
    live = battle(s.port, "ReadC", "ReadD", 0)
    routes = [("/health", {}), ("/status", {"role": "ReadA"}), ("/bag", {"role": "ReadA"}), ("/skill", {"role": "ReadA"}),
              ("/time", {"role": "ReadA"}), ("/ladder", {"role": "ReadA"}), ("/chronicle", {"role": "ReadA"}),
              ("/task_info", {"role": "ReadA"}), ("/task_info_personal", {"role": "ReadA"}), ("/get_list", {"role": "ReadA"}),
              ("/party_status", {"role": "ReadA"}), ("/refrash", {"role": "ReadA"}),
              ("/refrash", {"role": "ReadA", "battle_id": None}), ("/refrash", {"role": "ReadA", "battle_id": ""}),
              ("/refrash", {"role": "ReadA", "battle_id": over}), ("/refrash", {"role": "ReadA", "battle_id": "no-such-battle"}),
              ("/refrash", {"role": "ReadC", "battle_id": live})]
    for path, body in routes:
        wrk(s.port, path, body, 2)  # warm-up: every route's code compiled before any is measured (a route measured cold read low)
    health = None
    for path, body in routes:
        rate, _, bad = wrk(s.port, path, body, seconds)
        health = health or rate
        what = path + ("" if "battle_id" not in body else f" battle_id {'live' if body['battle_id'] == live else 'over' if body['battle_id'] == over else json.dumps(body['battle_id'])}")
        report(f"read route {what}", f"{rate:.0f} req/s, {rate / health:.2f}x /health (target >= 0.5){'' if not bad else f'; {bad} non-2xx'}")


def part_http(java, seconds):
    print("\n== Foundation: route throughput and /status under a login flood", flush=True)
    s = Server(java)
    try:
        signup(s.port, "BenchA")
        signup(s.port, "BenchB")
        wrk(s.port, "/health", {}, 2)  # warm-up
        wrk(s.port, "/status", {"role": "BenchA"}, 2)
        health, _, _ = wrk(s.port, "/health", {}, seconds)
        status, _, e1 = wrk(s.port, "/status", {"role": "BenchA"}, seconds)
        refrash, _, e2 = wrk(s.port, "/refrash", {"role": "BenchB"}, seconds)
        report("/health req/s", f"{health:.0f}")
        report("/status req/s", f"{status:.0f} (ratio to /health {status / health:.2f}, target >= 0.5)")
        report("/refrash req/s", f"{refrash:.0f} (ratio to /health {refrash / health:.2f}, target >= 0.5)")
        read_routes(s, seconds)
        baseline = os.environ.get("TW_BASELINE_JAR")  # e.g. the previous release, to show what counting metrics costs
        if baseline:
            global JAR
            ours, JAR = JAR, baseline
            old = Server(java)
            try:
                signup(old.port, "BenchA")
                wrk(old.port, "/status", {"role": "BenchA"}, 2)
                then, _, _ = wrk(old.port, "/status", {"role": "BenchA"}, seconds)
                now, _, _ = wrk(s.port, "/status", {"role": "BenchA"}, seconds)
            finally:
                old.stop()
                JAR = ours
            report("/status req/s, this build vs the baseline jar (metrics counting every request)",
                   f"{now:.0f} vs {then:.0f} ({(now / then - 1) * 100:+.1f} %; target within -5 %)")
        assert e1 == 0 and e2 == 0, "non-200 replies under load"

        turners = [f"Turn{i}" for i in range(4)]
        for t in turners:
            signup(s.port, t)
        turns = [{"role": t, "info": "A pedlar blocks the road", "text": "I trade a story for passage"} for t in turners]
        q50, q99, _ = probe(s.port, "/others", None, seconds, rate=40, bodies=turns)

        signup(s.port, "Hammer")
        stop = threading.Event()
        logins = [0]

        def hammer():
            c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
            while not stop.is_set():
                st, b = call(s.port, "/login", {"email": f"{md5('Hammer')[:16]}@bench.local", "password": md5("pw-Hammer"),
                                                "ip": "127.0.0.1:9"}, conn=c)
                logins[0] += 1
        workers = [threading.Thread(target=hammer, daemon=True) for _ in range(50)]
        for w in workers:
            w.start()
        time.sleep(1)
        p50, p99, count = probe(s.port, "/status", {"role": "BenchA"}, seconds)
        f50, f99, _ = probe(s.port, "/others", None, seconds, rate=40, bodies=turns)
        stop.set()
        report("/status p99 while 50 clients hammer /login (bcrypt cost 10)",
               f"{p99:.2f} ms, p50 {p50:.2f} ms at 400 req/s (target < 20 ms; {logins[0]} logins done meanwhile)")
        report("story turn (/others, a write each) p50 / p99, quiet vs during the login flood",
               f"{q50:.2f} / {q99:.2f} ms quiet, {f50:.2f} / {f99:.2f} ms during the flood (4 players, 40 turns/s)")
    finally:
        s.stop()


def part_story(java, seconds):
    print("\n== Story: cost of a /main turn over the model, concurrency, prompt size", flush=True)
    stub = turns.ModelStub()
    model = {"narrator.provider": "openai", "narrator.base_url": f"http://127.0.0.1:{stub.port}/v1", "narrator.api_key": "sk-bench",
             "narrator.daily_tokens_per_player": 100000000, "tasks.max_turns_per_stage": 40, "game.language": "en"}
    s = Server(java, **model)
    try:
        signup(s.port, "Talker")
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        direct = http.client.HTTPConnection("127.0.0.1", stub.port, timeout=60)
        for _ in range(100):  # warm-up
            call(s.port, "/main", {"role": "Talker", "text": "hello there"}, conn=c)
        through, alone = [], []
        for _ in range(300):
            t0 = time.perf_counter()
            call(s.port, "/main", {"role": "Talker", "text": "hello there"}, conn=c)
            through.append(time.perf_counter() - t0)
            t0 = time.perf_counter()  # the stub's own part: the question the server just sent, asked again directly
            direct.request("POST", "/v1/chat/completions", body=stub.last, headers={"Content-Type": "application/json"})
            direct.getresponse().read()
            alone.append(time.perf_counter() - t0)
        over = (statistics.median(through) - statistics.median(alone)) * 1000
        report("/main p50 through the server", f"{statistics.median(through) * 1000:.2f} ms; stub alone {statistics.median(alone) * 1000:.2f} ms")
        report("server cost of a /main turn over the stub (p50)", f"{over:.2f} ms (target < 5 ms)")

        signup(s.port, "Long")
        with sqlite3.connect(s.db, timeout=30) as db:  # 200 memories, as many deeds would have left (SPEC §14)
            pid = db.execute("select id from players where name = 'Long'").fetchone()[0]
            db.executemany("insert into memories(player_id, kind, text, npcs, task_key, at) values (?, 'stage', ?, ?, ?, ?)",
                           [(pid, f"Deed {i}: you helped someone at the mill, then walked the old road home at dusk.",
                             "Old Su" if i % 50 == 0 else "", "c:x", i) for i in range(200)])
        call(s.port, "/select", {"role": "Long", "task_name": "The Fogbound Lighthouse"})
        stub.sizes.clear()
        for _ in range(100):
            call(s.port, "/feedback", {"role": "Long", "text": "I keep looking around, saying nothing useful at all, " * 6, "roles": []}, conn=c)
        chars = stub.sizes[-1]
        report("prompt after 100 turns of one task and 200 memories", f"{chars} chars, about {(chars + 1) // 2} tokens (bound 12000 chars; largest {max(stub.sizes)})")
    finally:
        s.stop()
        stub.close()

    stub = turns.ModelStub(delay=1.0)
    model["narrator.base_url"] = f"http://127.0.0.1:{stub.port}/v1"
    s = Server(java, **dict(model, **{"auth.bcrypt_cost": 4, "narrator.max_concurrent_calls": 256}))  # a vLLM-sized limit
    try:
        players = [f"P{i:03d}" for i in range(200)]
        for p in players:
            signup(s.port, p)
        stop_at = time.monotonic() + max(seconds, 10)
        done, errors = [0], [0]

        def player(name):
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
            while time.monotonic() < stop_at:
                st, b = call(s.port, "/main", {"role": name, "text": "what news?"}, conn=conn)
                if st == 200 and b["status_code"] == 200:
                    done[0] += 1
                else:
                    errors[0] += 1
        t0 = time.monotonic()
        threads = [threading.Thread(target=player, args=(p,)) for p in players]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        report("200 players, model answering after 1 s (max_concurrent_calls 256)",
               f"{done[0] / elapsed:.0f} turns/s (target >= 150; {errors[0]} refused)")
    finally:
        s.stop()
        stub.close()


async def raw(port, path, body):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    writer.write(f"GET {path} HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
                 "Connection: close\r\n\r\n".encode() + data)
    await writer.drain()
    out = await reader.read()
    writer.close()
    head, _, payload = out.partition(b"\r\n\r\n")
    if b"chunked" in head.lower():
        text, parts = payload, []
        while text:
            size, _, rest = text.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            parts.append(rest[:n])
            text = rest[n + 2:]
        payload = b"".join(parts)
    return int(head[9:12]), json.loads(payload)


async def signups(port, names, ip="127.0.0.1:9"):
    sem = asyncio.Semaphore(64)

    async def one(n):
        async with sem:
            st, b = await raw(port, "/signup", {"email": f"{md5(n)[:16]}@bench.local", "username": n, "password": md5("pw-" + n), "ip": ip})
            assert b["status_code"] == 200, b
    await asyncio.gather(*(one(n) for n in names))


def part_pvp(java, seconds):
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"\n== PvP on {version}: parked challenges, and battles judged exactly once", flush=True)
    closed = free_port()  # nobody listens: pushes fail at once, challenges stay parked
    s = Server(java, **{"auth.bcrypt_cost": 4, "battle.max_rounds": 3, "challenge.ttl_seconds": 600})
    try:
        challengers = [f"C{i:03d}" for i in range(100)]
        asyncio.run(signups(s.port, challengers + ["Target", "Loader"], ip=f"127.0.0.1:{closed}"))
        wrk(s.port, "/status", {"role": "Loader"}, 2, connections=8, threads=1)
        time.sleep(1)
        before = s.threads()

        async def park():
            sem = asyncio.Semaphore(400)
            started = [0]

            async def one(i):
                async with sem:
                    pass  # pace the opening so arrivals, not waits, are what the pool sees
                started[0] += 1
                return await raw(s.port, "/challenge", {"role1": challengers[i % 100], "role2": "Target", "wait": 40})
            tasks = []
            for i in range(5000):
                tasks.append(asyncio.create_task(one(i)))
                if i % 250 == 249:
                    await asyncio.sleep(0.25)
            return tasks

        loop = asyncio.new_event_loop()
        tasks = loop.run_until_complete(park())
        loop.run_until_complete(asyncio.sleep(3))
        during = s.threads()
        holder = {}
        t = threading.Thread(target=lambda: holder.update(r=probe(s.port, "/status", {"role": "Loader"}, seconds)))
        t.start()
        while t.is_alive():
            loop.run_until_complete(asyncio.sleep(0.5))
        during = max(during, s.threads())
        results = loop.run_until_complete(asyncio.gather(*tasks))
        loop.close()
        parked = sum(1 for st, b in results if st == 200 and b.get("status_code") == 200)
        report(f"threads before / during 5,000 parked /challenge ({version})", f"{before} / {during} (+{during - before}; target within +20)")
        report("/status p99 while they are parked", f"{holder['r'][1]:.2f} ms, p50 {holder['r'][0]:.2f} ms at 400 req/s "
                                                    f"(target < 20 ms); {parked} challenges answered 200")
    finally:
        s.stop()

    s = Server(java, **{"auth.bcrypt_cost": 4, "battle.max_rounds": 3})
    try:
        n = 1000
        a = [f"A{i:04d}" for i in range(n)]
        b = [f"B{i:04d}" for i in range(n)]
        asyncio.run(signups(s.port, a + b))

        async def battles():
            sem = asyncio.Semaphore(256)

            async def start(i):
                async with sem:
                    st, r = await raw(s.port, "/challenge", {"role1": a[i], "role2": b[i], "wait": 0})
                    st, ok = await raw(s.port, "/accept_challenge", {"role": b[i], "id": r["id"]})
                    assert ok["status_code"] == 200, ok
                    return r["id"]
            ids = await asyncio.gather(*(start(i) for i in range(n)))
            seen = {}

            async def side(i, me, move):
                for _ in range(3):
                    st, r = await raw(s.port, "/battle", {"role": me, "id": ids[i], "text": move})
                    assert r["status_code"] == 200, r
                    seen.setdefault((ids[i], r["round"]), set()).add(r["result"])
            t0 = time.monotonic()
            await asyncio.gather(*(side(i, who, mv) for i in range(n) for who, mv in ((a[i], "strike"), (b[i], "parry"))))
            return time.monotonic() - t0, seen
        elapsed, seen = asyncio.run(battles())
        db = sqlite3.connect(s.db)
        rows, distinct = db.execute("select count(*), count(distinct battle_id || '#' || round) from battle_rounds").fetchone()
        over = db.execute("select count(*) from battles where over = 1").fetchone()[0]
        db.close()
        agree = all(len(v) == 1 for v in seen.values())
        report("1,000 battles x 3 rounds", f"{rows / elapsed:.0f} rounds judged/s ({elapsed:.1f} s)")
        report("exactly once", f"{rows} judged rows, {distinct} distinct (battle, round), {over} battles over; "
                               f"both sides saw one result per round: {agree}")
    finally:
        s.stop()


def find_java21():
    for pattern in ("/usr/lib/jvm/temurin-2*/bin/java", "/usr/lib/jvm/java-2*/bin/java"):
        for candidate in sorted(glob.glob(pattern), reverse=True):
            return candidate
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--only", nargs="*", choices=["http", "story", "pvp", "model", "cluster", "parties", "capacity", "alloc"])
    ap.add_argument("--hold", type=int, default=120, help="capacity: seconds each step of players is held")
    ap.add_argument("--players", type=int, nargs="*", help="capacity: the steps (default 1,000 to 20,000)")
    a = ap.parse_args()
    java = os.environ.get("JAVA", "java")
    java21 = os.environ.get("JAVA_PVP") or find_java21() or java
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"Taleweaver bench: {os.cpu_count()} cores, {version}", flush=True)
    parts = a.only or ["http", "story", "pvp", "model", "cluster", "parties"]
    if "http" in parts:
        part_http(java, a.seconds)
    if "story" in parts:
        part_story(java, a.seconds)
    if "pvp" in parts:
        part_pvp(java21, a.seconds)
        if java21 != java:
            part_pvp(java, a.seconds)
    if "model" in parts:
        turns.part_model(sys.modules[__name__], java, a.seconds)
        if java21 != java:
            turns.part_model(sys.modules[__name__], java21, a.seconds)
    if "cluster" in parts:
        cluster.part_cluster(sys.modules[__name__], java, a.seconds)
        if java21 != java:
            cluster.part_cluster(sys.modules[__name__], java21, a.seconds)
    if "parties" in parts:
        parties.part_parties(sys.modules[__name__], java, a.seconds)
        if java21 != java:
            parties.part_parties(sys.modules[__name__], java21, a.seconds)
    if "alloc" in parts:  # a diagnosis, not a target: only when asked for
        allocation.part_alloc(sys.modules[__name__], java, a.seconds)
    if "capacity" in parts:  # about 20 minutes per Java: only when asked for (--only capacity)
        capacity.part_capacity(sys.modules[__name__], java, a.hold, a.players)
        if java21 != java:
            capacity.part_capacity(sys.modules[__name__], java21, a.hold, a.players)
    print("\n== Summary")
    for name, value in RESULTS:
        print(f"{name}: {value}")


if __name__ == "__main__":
    sys.exit(main())
