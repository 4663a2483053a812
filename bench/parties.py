"""Party quests (SPEC §16): rounds of four-member parties through a model answering in 1 s, on one SQLite instance and
over three instances on PostgreSQL, and the server's CPU per party round against a solo DM turn. With the helpers of
bench.py (b), turns.py and cluster.py."""
import asyncio
import os
import random
import statistics
import subprocess
import threading
import time

import capacity  # its kept-alive connection, as a browser keeps one
import cluster
import turns

TASK = "The Flooded Well"
SPREAD = 1.0  # seconds within which a party's four members declare, in the latency figures
WAITS = [0]  # the members' /party_wait requests so far (a round's every wait is a reply and a new request)


class Model:
    """bench/InstantModel.java answering after `delay_ms`, in a process of its own (a Python stub would share the
    client's interpreter and cores' time with it). `written` notes when it sent each party round's answer, by party
    and round: the bench's members say the round's number in what they declare ("... (round 3)"), and the model prints
    the moment on the monotonic clock this process reads too, so each answer is matched to its round in any order."""

    def __init__(self, b, java, delay_ms):
        self.port = b.free_port()
        self.written = {}
        self.unmatched = 0
        self.proc = subprocess.Popen([java, os.path.join(os.path.dirname(__file__), "InstantModel.java"), str(self.port), str(delay_ms)],
                                     stdout=subprocess.PIPE, text=True)
        self.proc.stdout.readline()  # "ready"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "told":
                self.written[(parts[1], int(parts[2]))] = int(parts[3])

    def settings(self):
        return {"narrator.provider": "openai", "narrator.base_url": f"http://127.0.0.1:{self.port}/v1", "narrator.api_key": "sk-bench",
                "narrator.daily_tokens_per_player": 100000000, "game.language": "en", "auth.bcrypt_cost": 4}

    def close(self):
        self.proc.kill()


async def form(b, ports, party, errors):
    """Party `party`: four members (member i on ports[i % len(ports)]), formed by code and started, everyone ready."""
    names = [f"{party}{i}" for i in range(4)]
    on = {n: ports[i % len(ports)] for i, n in enumerate(names)}
    for n in names:
        st, r = await b.raw(on[n], "/signup", {"email": f"{b.md5(n)[:16]}@bench.local", "username": n, "password": b.md5("pw-" + n),
                                                "ip": "127.0.0.1:9"})
        errors[0] += st != 200 or r.get("status_code") != 200
    st, r = await b.raw(on[names[0]], "/party_create", {"role": names[0]})
    code = r.get("code")
    for n in names[1:]:
        st, r = await b.raw(on[n], "/party_join", {"role": n, "code": code})
        errors[0] += r.get("status_code") != 200
    return names, on


async def start(b, names, on, errors):
    st, r = await b.raw(on[names[0]], "/party_start", {"role": names[0], "task_name": TASK})
    errors[0] += r.get("status_code") != 200
    for n in names[1:]:
        st, r = await b.raw(on[n], "/party_ready", {"role": n, "ready": True})
        errors[0] += r.get("status_code") != 200


async def until_resolved(conn, name, after, round_no):
    """The moment (monotonic ns) `name` gets round `round_no`'s resolution through /party_wait."""
    while True:
        WAITS[0] += 1
        st, r = await conn.call("/party_wait", {"role": name, "after": after, "wait": 30}, timeout=45)
        if st != 200 or r.get("status_code") != 200:
            raise RuntimeError(f"{name}: {st} {r}")
        after = r["last"]
        if any(e["kind"] == "resolved" and e["round"] == round_no for e in r["events"]):
            return time.monotonic_ns(), after


async def play(b, names, on, rounds, errors, latencies, model, spread=0.0):
    """`rounds` rounds: each member waits, then acts, each after a random delay up to `spread` seconds (people take
    their own time to type; 0: all at once, four requests in flight together); the round's latency is from the
    model's answer (or, offline, the last declaration) to the last member's resolution. Each member keeps two
    connections, as a browser does: one for its wait, one for what it sends."""
    rng = random.Random(names[0])
    waiting = {n: capacity.Conn(on[n]) for n in names}
    sending = {n: capacity.Conn(on[n]) for n in names}
    try:
        st, r = await sending[names[0]].call("/party_status", {"role": names[0]})
        after, first = r["last"], r["round"]
        for round_no in range(first, first + rounds):
            waits = [asyncio.ensure_future(until_resolved(waiting[n], n, after, round_no)) for n in names]
            await asyncio.sleep(0.05)
            sent = []

            async def act(n):  # nobody meets a need: the quest goes on for as many rounds as asked
                await asyncio.sleep(rng.random() * spread)
                st, r = await sending[n].call("/party_act", {"role": n, "text": f"I look around the well (round {round_no})",
                                                              "items": [], "skills": []})
                errors[0] += st != 200 or r.get("status_code") != 200
                sent.append(time.monotonic_ns())
            await asyncio.gather(*(act(n) for n in names))
            done = await asyncio.gather(*waits)
            after = max(a for _, a in done)
            last_done = max(t for t, _ in done)
            for _ in range(20):  # the model's line may still be on its way through the pipe
                if not model or (names[0][:-1], round_no) in model.written:
                    break
                await asyncio.sleep(0.05)
            if model and (names[0][:-1], round_no) not in model.written:
                model.unmatched += 1  # its answer not seen: no figure rather than a wrong one
                continue
            model_at = model.written[(names[0][:-1], round_no)] if model else sent[-1]
            latencies.append((last_done - model_at) / 1e9)  # seconds, as turns.pct takes them
    finally:
        for c in list(waiting.values()) + list(sending.values()):
            c.close()


async def loop_lag(lags):
    """How late this client's event loop wakes (seconds): a resolution is stamped only when the loop gets to it, so
    the latency figure includes this much of the client's own delay."""
    while True:
        t = time.monotonic()
        await asyncio.sleep(0.01)
        lags.append(time.monotonic() - t - 0.01)


def sample_peaks(procs, peak, stop):
    """The highest threads and RSS seen, each summed over the instances at one moment."""
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], sum(p.threads() for p in procs))
            peak[1] = max(peak[1], sum(turns.rss_mb(p.proc.pid) for p in procs))
        except OSError:
            pass
        time.sleep(0.2)


def parties_through_a_model(b, java, version, count, instances, jvm, env, warm_up=60):
    """`count` parties of 4 play 3 rounds each through a model answering in 1 s, timed after `warm_up` seconds of rounds
    (measured cold, the three JVMs of the cluster spent a third of their CPU in the JIT's compilers)."""
    stub = Model(b, java, 1000)
    pg = cluster.Postgres(b) if instances > 1 else None
    settings = dict(stub.settings())
    if pg:
        settings.update({"storage.url": pg.url, "storage.user": "postgres"})
    servers = [b.Server(java, jvm, env, **settings, **{"server.instance_id": f"i{i}"}) for i in range(instances)]
    try:
        ports = [s.port for s in servers]
        errors, latencies = [0], []
        parties = [f"G{i:03d}x" for i in range(count)]

        async def everyone():
            sem = asyncio.Semaphore(32)

            async def formed(p):
                async with sem:
                    return await form(b, ports, p, errors)
            teams = await asyncio.gather(*(formed(p) for p in parties))
            await asyncio.sleep(1.5)  # presence reaches every instance
            for names, on in teams:
                await start(b, names, on, errors)
            return teams

        teams = asyncio.run(everyone())
        before = sum(s.threads() for s in servers)
        peak, stop = [0, 0.0], threading.Event()
        sampler = threading.Thread(target=sample_peaks, args=(servers, peak, stop))
        sampler.start()
        try:
            async def warming():
                await asyncio.gather(*(play(b, names, on, 2, errors, [], None, SPREAD) for names, on in teams))
            deadline = time.monotonic() + warm_up  # a host's server is warm: the JIT has compiled the rounds' code
            while time.monotonic() < deadline:
                asyncio.run(warming())
            lags = []

            async def rounds():
                watch = asyncio.ensure_future(loop_lag(lags))
                await asyncio.gather(*(play(b, names, on, 3, errors, latencies, stub, SPREAD) for names, on in teams))
                watch.cancel()
            asyncio.run(rounds())
        finally:
            stop.set()
            sampler.join()
        where = "one instance, SQLite" if instances == 1 else f"{instances} instances, PostgreSQL"
        b.report(f"{count} parties of 4 x 3 rounds, model 1 s, {where}, after {warm_up} s of rounds ({version})",
                 f"{errors[0]} errors; {len(latencies)} rounds timed ({stub.unmatched} unmatched); last member's resolution after the model's answer p50 {turns.pct(latencies, 0.5):.0f} ms, "
                 f"p99 {turns.pct(latencies, 0.99):.0f} ms (target <= {100 if instances == 1 else 350} ms; the model answers 64 "
                 f"calls at a time, so later rounds queue); threads {before} -> {peak[0]} (+{peak[0] - before}); RSS peak "
                 f"{peak[1]:.0f} MB{' per instance summed' if instances > 1 else ''} (targets: +100, 350 MB); the client's own lateness "
                 f"(its event loop, which stamps each resolution) p90 {turns.pct(lags, 0.9):.0f} ms, p99 {turns.pct(lags, 0.99):.0f} ms")
    finally:
        for s in servers:
            s.stop()
        if pg:
            pg.stop()
        stub.close()


def cpu_per_round(b, java, version, seconds, warm_up=90):
    """Server CPU per party round (4 declarations, one telling, every member's waits) against a solo DM turn, same
    server, same model answering at once, every client on kept-alive connections as a browser is. Warmed for `warm_up`
    seconds of both first (the JIT compiles meanwhile); then three windows of each, alternating, and their medians. The
    JIT's compiler threads still take a share of each window on two cores after minutes (printed): their time is left
    out of the figures, as a cost of warming up rather than of a round."""
    model = Model(b, java, 0)
    try:
        for label, settings in (("offline narrator", {"game.language": "en"}), ("model", model.settings())):
            s = b.Server(java, **settings)
            try:
                errors = [0]
                parties = [f"C{i:02d}x" for i in range(32)]

                async def setup():
                    teams = await asyncio.gather(*(form(b, [s.port], p, errors) for p in parties))
                    for names, on in teams:
                        await start(b, names, on, errors)
                    return teams
                teams = asyncio.run(setup())
                requests = [0]

                async def party_rounds(n):
                    await asyncio.gather(*(play(b, names, on, n, errors, [], None) for names, on in teams))

                async def solo_turns(n):
                    async def one(name):
                        conn = capacity.Conn(s.port)
                        try:
                            for _ in range(n):
                                st, r = await conn.call("/main", {"role": name, "text": "what news?"})
                                errors[0] += st != 200
                        finally:
                            conn.close()
                    await asyncio.gather(*(one(names[0]) for names, _ in teams))

                async def heartbeats(n):  # the cheapest request a player makes: what any request costs at least
                    async def one(name):
                        conn = capacity.Conn(s.port)
                        try:
                            for _ in range(n):
                                st, r = await conn.call("/refrash", {"role": name})
                                errors[0] += st != 200
                        finally:
                            conn.close()
                    await asyncio.gather(*(one(names[1]) for names, _ in teams))

                deadline = time.monotonic() + warm_up
                while time.monotonic() < deadline:  # warm-up: on two cores C2 still compiles party code after 30 s
                    asyncio.run(party_rounds(3))
                    asyncio.run(solo_turns(20))
                    asyncio.run(heartbeats(20))
                figures = {"round": [], "turn": [], "beat": []}
                jit = {"round": [], "turn": [], "beat": []}
                sql = {"round": [], "turn": [], "beat": []}
                waits = []
                for _ in range(3):
                    for kind, work, per in (("round", lambda: asyncio.run(party_rounds(6)), 6), ("turn", lambda: asyncio.run(solo_turns(40)), 40),
                                            ("beat", lambda: asyncio.run(heartbeats(40)), 40)):
                        q0, w0 = cluster.statements(b, s.port), WAITS[0]
                        c0, j0 = turns.cpu_seconds(s.proc.pid), turns.compiler_seconds(s.proc.pid)
                        work()
                        spent, compiling = turns.cpu_seconds(s.proc.pid) - c0, turns.compiler_seconds(s.proc.pid) - j0
                        sql[kind].append((cluster.statements(b, s.port) - q0) / (len(teams) * per))
                        if kind == "round":
                            waits.append((WAITS[0] - w0) / (len(teams) * per))
                        figures[kind].append((spent - compiling) * 1000 / (len(teams) * per))  # the JIT's threads apart: a warm-up's cost
                        jit[kind].append(compiling / max(spent, 1e-9) * 100)
                round_ms, turn_ms, beat_ms = (statistics.median(figures[k]) for k in ("round", "turn", "beat"))
                b.report(f"CPU per party round vs a solo DM turn, {label} ({version})",
                         f"{round_ms:.2f} ms per round of 4 (with its waits; windows {', '.join(f'{x:.2f}' for x in figures['round'])}; "
                         f"JIT threads {max(jit['round']):.0f} % at most) vs {turn_ms:.2f} ms per DM turn "
                         f"({', '.join(f'{x:.2f}' for x in figures['turn'])}; JIT {max(jit['turn']):.0f} %): "
                         f"{round_ms / turn_ms:.2f}x (target <= 2x); statements {statistics.median(sql['round']):.1f} per round, "
                         f"{statistics.median(sql['turn']):.1f} per turn; {statistics.median(waits):.1f} waits per round (4 at least); {errors[0]} errors")
                b.report(f"  the floor: a heartbeat ({label}, {version})",
                         f"{beat_ms:.2f} ms per /refrash ({', '.join(f'{x:.2f}' for x in figures['beat'])}; JIT {max(jit['beat']):.0f} %): "
                         f"a round's 8 requests (4 declarations, 4 waits) cost at least {8 * beat_ms / turn_ms:.2f}x a DM turn at that price, "
                         f"the round itself is {round_ms / beat_ms:.1f} heartbeats")
            finally:
                s.stop()
    finally:
        model.close()


def part_parties(b, java, seconds):
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"\n== Party quests ({version})", flush=True)
    jvm, env = b.run_sh(java)  # a 256 MB heap, as ./run.sh starts the server (a 512 MB VPS)
    parties_through_a_model(b, java, version, 250, 1, jvm, env)
    parties_through_a_model(b, java, version, 100, 3, jvm, env)
    cpu_per_round(b, java, version, seconds)
