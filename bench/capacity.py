"""How many players one box holds (issue 22): simulated players who behave like people, raised step by step until the
heartbeat's p99 passes 100 ms or an error appears. With the helpers of bench.py (b) and cluster.py.

A player keeps one connection for the heartbeat (/refrash every 5 s) and plays on the others' shared pool: a DM turn
every 30 s through a model answering in 1 s (bench/InstantModel.java, which holds no thread while it waits), /status
after each turn, a craft about every 5 minutes and a duel about every 5 minutes (challenging or challenged) (a challenge, its accept, then both
sides' moves until the battle ends, each round narrated by the same model). The load comes from one Python process on
the same machine, so its own CPU and its event loop's lateness are reported beside the server's; its garbage collector
runs between steps, not while a step is measured.
"""
import asyncio
import gc
import json
import os
import random
import subprocess
import time

import cluster

HEARTBEAT_S = 5
TURN_S = 30
P99_LIMIT_MS = 100
STEPS = [1000, 2500, 5000, 7500, 10000, 15000, 20000]


class Conn:
    """One kept-alive HTTP/1.1 connection; a call that fails closes it and the next one opens a new one."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def call(self, path, body, timeout=30):
        for attempt in range(2):  # a kept-alive connection the server closed while idle is opened again, as browsers do
            reused = self.writer is not None
            try:
                return await asyncio.wait_for(self._call(path, body), timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as e:
                self.close()
                if not reused or attempt == 1 or isinstance(e, asyncio.IncompleteReadError) and e.partial:
                    return 0, {}
            except (OSError, asyncio.TimeoutError, ValueError):
                self.close()
                return 0, {}
        return 0, {}

    async def _call(self, path, body):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = json.dumps(body).encode()
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                          .encode() + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        if b"transfer-encoding: chunked" in lower:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(chunk[:-2])
            payload = b"".join(parts)
        else:
            i = lower.find(b"content-length:")
            n = int(lower[i + 15:lower.find(b"\r\n", i)]) if i >= 0 else 0
            payload = await self.reader.readexactly(n) if n else b""
        if b"connection: close" in lower:
            self.close()
        return status, json.loads(payload) if payload else {}

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Pool:
    """Connections shared by the players' activities (a page opens more than one; the server sees the same)."""

    def __init__(self, ports, size):
        self.idle = asyncio.Queue()
        for i in range(size):
            self.idle.put_nowait(Conn(ports[i % len(ports)]))

    async def call(self, path, body, timeout=60):
        conn = await self.idle.get()
        try:
            return await conn.call(path, body, timeout)
        finally:
            self.idle.put_nowait(conn)


class Crowd:
    def __init__(self, b, ports):
        self.b, self.ports = b, ports
        self.pool = Pool(ports, 1500)
        self.names = []
        self.busy = set()  # in a duel
        self.beats = []  # heartbeat latencies (ms) while measuring
        self.lags = []  # the load generator's own lateness (ms): how late a 10 ms sleep of its event loop wakes
        self.measuring = False
        self.errors = {}
        self.counts = {}
        self.stop = asyncio.Event()

    def fail(self, what):
        self.errors[what] = self.errors.get(what, 0) + 1

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def ok(self, what, status, reply, allowed=(200,)):
        self.count(what)
        if status != 200 or reply.get("status_code") not in allowed:
            self.fail(f"{what} {status}/{reply.get('status_code')}")
            return False
        return True

    async def join(self, names):
        sem = asyncio.Semaphore(32)

        async def one(n):
            async with sem:
                st, r = await self.pool.call("/signup", {"email": f"{self.b.md5(n)[:16]}@bench.local", "username": n,
                                                         "password": self.b.md5("pw-" + n), "ip": "127.0.0.1:9"})
                self.ok("signup", st, r)
        await asyncio.gather(*(one(n) for n in names))
        for i, n in enumerate(names):
            asyncio.ensure_future(self.heartbeat(n, Conn(self.ports[(len(self.names) + i) % len(self.ports)])))
            asyncio.ensure_future(self.play(n))
        self.names += names

    async def watch_lag(self):
        """The generator's own event loop lateness: a heartbeat's time includes it, so it is reported beside."""
        while not self.stop.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            if self.measuring:
                self.lags.append((time.perf_counter() - t0) * 1000 - 10)

    async def heartbeat(self, name, conn):
        await asyncio.sleep(random.uniform(0, HEARTBEAT_S))
        while not self.stop.is_set():
            t0 = time.perf_counter()
            st, r = await conn.call("/refrash", {"role": name})
            if self.measuring:
                self.beats.append((time.perf_counter() - t0) * 1000)
                self.ok("heartbeat", st, r)
            for cid in r.get("id_list") or []:  # a challenge: accepted, as the page would
                asyncio.ensure_future(self.accept(name, cid))
            await asyncio.sleep(max(0.0, HEARTBEAT_S - (time.perf_counter() - t0)))

    async def play(self, name):
        await asyncio.sleep(random.uniform(0, TURN_S))
        while not self.stop.is_set():
            t0 = time.perf_counter()
            if name not in self.busy:
                roll = random.random()
                if roll < 0.05 and len(self.names) > 10:  # a duel about every 10 minutes as challenger, 5 in all
                    await self.challenge(name)
                else:
                    st, r = await self.pool.call("/main", {"role": name, "text": "What news from the harbour today?"})
                    self.measuring and self.ok("turn", st, r)
                    st, r = await self.pool.call("/status", {"role": name})
                    self.measuring and self.ok("status", st, r)
                    if roll > 0.9:
                        st, r = await self.pool.call("/merge", {"role": name, "mode": 1, "num": 5, "des": "a small shield"})
                        self.measuring and self.ok("craft", st, r, (200, 422))
            await asyncio.sleep(max(0.0, TURN_S - (time.perf_counter() - t0)))

    async def challenge(self, name):
        other = random.choice(self.names)
        if other == name or other in self.busy:
            return
        self.busy.update((name, other))
        try:
            st, r = await self.pool.call("/challenge", {"role1": name, "role2": other})
            if st == 200 and r.get("status_code") == 200 and r.get("status"):
                self.count("duel")
                await self.fight(name, r["id"])
            elif st == 200 and r.get("status_code") == 200:  # not answered within the challenge's wait: a player moves on
                self.count("challenge unanswered")
            elif st != 200 or r.get("status_code") not in (409, 423):  # offline or already fighting: a player would try later
                self.fail(f"challenge {st}/{r.get('status_code')}")
        finally:
            self.busy.discard(name)

    async def accept(self, name, cid):
        if self.stop.is_set():
            return
        self.busy.add(name)
        try:
            st, r = await self.pool.call("/accept_challenge", {"role": name, "id": cid})
            if st == 200 and r.get("status_code") == 200:
                await self.fight(name, cid)
        finally:
            self.busy.discard(name)

    async def fight(self, name, cid):
        for _ in range(12):
            st, r = await self.pool.call("/battle", {"role": name, "id": cid, "text": "I strike from the mist"}, timeout=120)
            if not self.ok("battle move", st, r, (200, 409)) or r.get("status"):
                return

    def report_step(self):
        beats = sorted(self.beats)
        p50 = beats[len(beats) // 2] if beats else 0
        p99 = beats[int(len(beats) * 0.99)] if beats else 0
        lags = sorted(self.lags)
        late99 = lags[int(len(lags) * 0.99)] if lags else 0
        return p50, p99, sum(self.errors.values()), (late99, lags[-1] if lags else 0)


def status_sum(pids, field):
    """The sum of a /proc/<pid>/status figure (its first number) over `pids`: VmRSS in kB, Threads."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def ramp(b, label, servers, pg, hold, steps):
    """Raises the crowd step by step; returns the last step held (p99 within the limit, no error) and its figures."""
    ports = [s.port for s in servers]

    async def run():
        crowd = Crowd(b, ports)
        asyncio.ensure_future(crowd.watch_lag())
        held = None
        for target in steps:
            await crowd.join([f"C{i:05d}" for i in range(len(crowd.names), target)])
            await asyncio.sleep(HEARTBEAT_S * 3)  # every newcomer's first beats and turns are past
            # Python's own collector paused this process for 230-460 ms every 15-20 s at 5,000 players (its oldest
            # generation walks every coroutine): those pauses were the heartbeat's p99. It runs between the steps only.
            gc.collect()
            gc.freeze()
            gc.disable()
            crowd.beats, crowd.lags, crowd.errors, crowd.counts, crowd.measuring = [], [], {}, {}, True
            server_pids = [s.proc.pid for s in servers]
            db_pids = pg.pids() if pg else []
            c0, me0, t0 = cluster.cpu_seconds(server_pids + db_pids), cluster.cpu_seconds([os.getpid()]), time.monotonic()
            await asyncio.sleep(hold)
            crowd.measuring = False
            gc.enable()
            elapsed = time.monotonic() - t0
            cores = (cluster.cpu_seconds(server_pids + db_pids) - c0) / elapsed
            load_cores = (cluster.cpu_seconds([os.getpid()]) - me0) / elapsed
            p50, p99, errors, late = crowd.report_step()
            line = (f"heartbeat p50 {p50:.1f} ms, p99 {p99:.1f} ms, {errors} errors; server{' + PostgreSQL' if pg else ''} "
                    f"{cores:.2f} cores, RSS {status_sum(server_pids, 'VmRSS') / 1024:.0f} MB, {status_sum(server_pids, 'Threads')} threads; load generator "
                    f"{load_cores:.2f} cores, its event loop's lateness p99 {late[0]:.1f} ms, max {late[1]:.0f} ms; in {hold} s: {crowd.counts.get('heartbeat', 0)} heartbeats, {crowd.counts.get('turn', 0)} "
                    f"DM turns, {crowd.counts.get('craft', 0)} crafts, {crowd.counts.get('duel', 0)} duels"
                    f" ({crowd.counts.get('challenge unanswered', 0)} challenges unanswered within their wait)")
            print(f"  {label}, {target} players: {line}" + (f" {crowd.errors}" if errors else ""), flush=True)
            if p99 > P99_LIMIT_MS or errors:
                break
            held = (target, line)
        crowd.stop.set()
        return held

    return asyncio.run(run())


def part_capacity(b, java, hold, steps=None):
    steps = steps or STEPS
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"\n== Players per box ({version}; each step held {hold} s)", flush=True)
    model_port = b.free_port()
    model = subprocess.Popen([java, os.path.join(os.path.dirname(os.path.abspath(__file__)), "InstantModel.java"), str(model_port), "1000"],
                             stdout=subprocess.PIPE, text=True)
    model.stdout.readline()
    settings = {"narrator.provider": "openai", "narrator.base_url": f"http://127.0.0.1:{model_port}/v1", "narrator.api_key": "sk-bench",
                "game.language": "en", "auth.bcrypt_cost": 4,  # cost 4: only the sign-ups of the set-up are cheaper
                "narrator.max_concurrent_calls": 512}  # model calls in flight: 10,000 players need about 400 with 1-s answers
    try:
        for label, count in (("SQLite, 1 instance (./run.sh's JVM settings)", 0), ("PostgreSQL, 3 instances", 3)):
            pg = cluster.Postgres(b) if count else None
            here = dict(settings)
            if pg:
                here.update({"storage.url": pg.url, "storage.user": "postgres"})
            jvm, env = b.run_sh(java)
            servers = [b.Server(java, jvm, env, **here, **{"server.instance_id": f"i{i}"}) for i in range(max(1, count))]
            try:
                held = ramp(b, label, servers, pg, hold, steps)
                b.report(f"players held for {hold} s, {label}, {version}",
                         f"{held[0]} ({held[1]})" if held else f"fewer than {steps[0]}")
            finally:
                for s in servers:
                    with open(os.path.join(s.dir, "server.log"), errors="replace") as f:
                        errors = [line.rstrip() for line in f if "ERROR" in line or "Exception" in line]
                    for line in errors[:12]:
                        print(f"    server log: {line[:300]}", flush=True)
                    s.stop()
                if pg:
                    pg.stop()
    finally:
        model.terminate()
