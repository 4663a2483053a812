"""Model turns under real conditions (SPEC §10/§11): the figures of the model-turns issue, with the helpers of bench.py."""
import asyncio
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time


class ModelStub:
    """An OpenAI-compatible model: answers after `delay` s, never (`hung`), or streams its reply in `pieces` pieces
    spaced `gap` s apart (the first at once)."""

    def __init__(self, delay=0.0, hung=False, pieces=0, gap=0.0):
        stub = self
        self.sizes = []  # characters of each prompt received
        self.last = b"{}"

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.last = raw  # the last question, as sent: asked again directly, it prices the stub's own part
                body = json.loads(raw or b"{}")
                stub.sizes.append(sum(len(m.get("content", "")) for m in body.get("messages", [])))
                if hung:
                    time.sleep(3600)
                if delay:
                    time.sleep(delay)
                text = "The mist stirs over Lanternford, and the old keeper lifts his lamp to greet you warmly."
                content = json.dumps({"text": text})
                if body.get("stream") and pieces:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
                    step = max(1, len(content) // pieces)
                    for i in range(0, len(content), step):
                        chunk = {"choices": [{"index": 0, "delta": {"content": content[i:i + step]}}]}
                        self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                        self.wfile.flush()
                        time.sleep(gap)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.close_connection = True
                    return
                out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
                                  "usage": {"total_tokens": 50}}).encode()
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(out)).encode() + b"\r\n\r\n" + out)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 4096
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def settings(self):
        return {"narrator.provider": "openai", "narrator.base_url": f"http://127.0.0.1:{self.port}/v1",
                "narrator.api_key": "sk-bench", "narrator.daily_tokens_per_player": 100000000, "game.language": "en",
                "auth.bcrypt_cost": 4}

    def close(self):
        self.httpd.shutdown()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compiler_seconds(pid):
    """CPU time of the JIT compiler threads: a figure per answer is only fair once this stops growing."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            if "Compiler" not in open(f"/proc/{pid}/task/{tid}/comm").read():
                continue
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def listen_overflows():
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    names, values = lines[0].split(), lines[1].split()
    return int(values[names.index("ListenOverflows")])


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def many_players(b, java, version, jvm, label, env=None):
    """1,000 players x 3 DM turns through a model answering in 1 s: errors, latency, threads and RSS."""
    stub = ModelStub(delay=1.0)
    s = b.Server(java, jvm, env, **stub.settings())  # default max_concurrent_calls: 64
    try:
        players = [f"M{i:04d}" for i in range(1000)]
        asyncio.run(b.signups(s.port, players))
        time.sleep(1)
        before, peak = s.threads(), [0, 0.0]
        latencies, errors, fallback = [], [0], [0]

        async def turns():
            async def one(name):
                for _ in range(3):
                    t0 = time.perf_counter()
                    st, r = await b.raw(s.port, "/main", {"role": name, "text": "what news?"})
                    latencies.append(time.perf_counter() - t0)
                    if st != 200 or r.get("status_code") != 200:
                        errors[0] += 1
                    elif "mist stirs" not in r.get("text", ""):
                        fallback[0] += 1
            await asyncio.gather(*(one(p) for p in players))

        done = threading.Event()

        def sample():
            while not done.is_set() and s.proc.poll() is None:
                peak[0] = max(peak[0], s.threads())
                peak[1] = max(peak[1], rss_mb(s.proc.pid))
                time.sleep(0.2)
        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            asyncio.run(turns())
        except Exception:
            shutil.copy(os.path.join(s.dir, "server.log"), "/tmp/tw-bench-failed-server.log")
            print("the server's log: /tmp/tw-bench-failed-server.log")
            raise
        finally:
            done.set()
            sampler.join()
        b.report(f"1,000 players x 3 DM turns, model 1 s, {label} ({version})",
                 f"{errors[0]} errors, {fallback[0]} answered offline (queued past the 20 s deadline: 64 calls at a time); p50 {pct(latencies, 0.5):.0f} ms, p99 {pct(latencies, 0.99):.0f} ms; "
                 f"threads {before} -> {peak[0]} (+{peak[0] - before}; target <= +100); RSS peak {peak[1]:.0f} MB (target <= 350)")
    finally:
        s.stop()
        stub.close()


def wrk_players(b, port, path, bodies, seconds, connections=16):
    """wrk with `connections` connections, each request the next player's body in turn (more players than connections:
    no player has two turns at once); returns (answers per second, non-2xx answers)."""
    script = b.wrk_bodies("wrk-players", bodies, in_turn=True)
    return b.wrk_rate(subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "-s", script,
                                      f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout)


def cpu_per_answer(b, java, seconds, jvm=None, label="default JVM settings", env=None):
    """Server CPU per answer in the steady state (process CPU time / answers): a DM turn over a model that answers at
    once (bench/InstantModel.java, which costs little CPU itself) and a /status, in the same run. Under load: 16
    connections over 64 players; then one request at a time from the 64 players in turn, each on its own kept-alive
    connection, where every answer also wakes the threads that serve it (issue 22's spread-out players)."""
    port = b.free_port()
    model = subprocess.Popen([java, os.path.join(os.path.dirname(os.path.abspath(__file__)), "InstantModel.java"), str(port)],
                             stdout=subprocess.PIPE, text=True)
    try:
        model.stdout.readline()  # "ready"
        settings = ModelStub.settings(type("Fast", (), {"port": port})())
        s = b.Server(java, jvm, env, **settings)
        try:
            names = [f"C{i:02d}" for i in range(64)]
            for n in names:
                b.signup(s.port, n)
            turns = [{"role": n, "text": "hello there, what news?"} for n in names]
            looks = [{"role": n} for n in names]
            # warm-up: a minute of turns, so the JIT has compiled what they run before anything is counted (after 20 s
            # its threads were still a tenth of the CPU; their share of the measured window is printed)
            wrk_players(b, s.port, "/main", turns, 60)
            wrk_players(b, s.port, "/status", looks, seconds)
            figures = {}
            for path, bodies in (("/main", turns), ("/status", looks)):
                windows = []  # three windows: their median is the figure, their range the noise beside it
                for _ in range(3):
                    time.sleep(1)
                    cpu0, jit0 = cpu_seconds(s.proc.pid), compiler_seconds(s.proc.pid)
                    rps, bad = wrk_players(b, s.port, path, bodies, seconds)
                    spent = cpu_seconds(s.proc.pid) - cpu0
                    windows.append((spent / (rps * seconds) * 1000, (compiler_seconds(s.proc.pid) - jit0) / max(spent, 1e-9) * 100, rps, bad))
                windows.sort()
                figures[path] = windows[1] + (windows[0][0], windows[2][0])
            reply = b.call(s.port, "/main", turns[0])[1]
            assert "mist stirs" in reply.get("text", ""), reply  # the model's answer, not the offline narrator's
            # the 64 players each on a kept-alive connection of their own, their requests arriving one at a time (each
            # wakes the server, as spread-out players' requests do), in turn
            # wrk's load settled the JIT for busy threads; one request at a time runs other paths (a thread woken for
            # each request), whose compiling took as much CPU as the requests in the first pass: that pass is printed
            # apart, the figure is the median of the three after it, each with the JIT's share
            conns = [http.client.HTTPConnection("127.0.0.1", s.port, timeout=60) for _ in names]
            one = {}
            for path, bodies, count in (("/main", turns, 3008), ("/status", looks, 5056)):
                passes = []
                for n in range(4):
                    cpu0, jit0 = cpu_seconds(s.proc.pid), compiler_seconds(s.proc.pid)
                    for i in range(count):
                        b.call(s.port, path, bodies[i % len(names)], conn=conns[i % len(names)])
                    spent = cpu_seconds(s.proc.pid) - cpu0
                    passes.append((spent / count * 1000, (compiler_seconds(s.proc.pid) - jit0) / max(spent, 1e-9) * 100))
                first, measured = passes[0], sorted(passes[1:])
                one[path] = measured[1] + (measured[0][0], measured[2][0]) + first
            for c in conns:
                c.close()
        finally:
            s.stop()
    finally:
        model.terminate()
    turn, status = figures["/main"], figures["/status"]
    b.report(f"server CPU per answer, {label} (process CPU time / answers, after a minute's warm-up)",
             f"DM turn over an instant model **{turn[0]:.2f} ms** under load (median of three {seconds} s windows, range "
             f"{turn[4]:.2f}-{turn[5]:.2f}; {turn[2]:.0f} turns/s, {turn[3]} non-2xx; JIT threads {turn[1]:.0f} % of it; target "
             f"<= 0.5 ms); /status {status[0]:.3f} ms ({status[2]:.0f}/s); DM turn / /status "
             f"{turn[0] / status[0]:.1f}; one request at a time (64 players, a connection each; the median of three passes after a first one, their range, the JIT's share; targets 1.0 and 0.25 ms): "
             f"DM turn **{one['/main'][0]:.2f} ms** ({one['/main'][2]:.2f}-{one['/main'][3]:.2f}, JIT {one['/main'][1]:.0f} %; the first pass "
             f"{one['/main'][4]:.2f} ms, JIT {one['/main'][5]:.0f} %), /status **{one['/status'][0]:.3f} ms** ({one['/status'][2]:.3f}-"
             f"{one['/status'][3]:.3f}, JIT {one['/status'][1]:.0f} %; the first pass {one['/status'][4]:.3f} ms, JIT {one['/status'][5]:.0f} %)")


def part_model(b, java, seconds):
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"\n== Model turns on {version}: many players, a hung model, slow clients, bursts, CPU, streaming", flush=True)

    # 1,000 players x 3 DM turns through a model answering in 1 s: in a 256 MB heap (the condition), and with
    # the settings ./run.sh starts the server with (a 512 MB VPS)
    many_players(b, java, version, ["-Xmx256m"], "-Xmx256m")
    run_sh_jvm, run_sh_env = b.run_sh(java)
    many_players(b, java, version, run_sh_jvm, "./run.sh's settings", run_sh_env)

    cpu_per_answer(b, java, seconds)
    cpu_per_answer(b, java, seconds, run_sh_jvm, "./run.sh's settings", run_sh_env)

    # a hung model: the first turns wait out the deadline, then the breaker answers at once
    stub = ModelStub(hung=True)
    s = b.Server(java, **stub.settings())
    try:
        b.signup(s.port, "Hung")
        times = []
        for _ in range(10):
            t0 = time.perf_counter()
            b.call(s.port, "/main", {"role": "Hung", "text": "hello"})
            times.append(time.perf_counter() - t0)
        health = b.call(s.port, "/health")[1]["narrator"]
        b.report("hung model: 1st / 10th turn", f"{times[0]:.1f} s / {times[9] * 1000:.0f} ms "
                                                  f"(targets <= 21 s / < 100 ms); /health narrator: {health}")
    finally:
        s.stop()
        stub.close()

    # slow clients, a burst, CPU per answer, streaming: one server over an instant (streaming) model
    stub = ModelStub(pieces=20, gap=0.1)
    s = b.Server(java, **stub.settings())
    try:
        b.signup(s.port, "Loader")
        stalled = []
        for _ in range(1000):
            c = socket.create_connection(("127.0.0.1", s.port))
            c.sendall(b"POST /status HTTP/1.1\r\nHost: b\r\nContent-Length: 100\r\n\r\n{\"role\":")
            stalled.append(c)
        p50, p99, _ = b.probe(s.port, "/status", {"role": "Loader"}, min(seconds, 5))
        for c in stalled:
            c.close()
        b.report("/status beside 1,000 connections stalled mid-body", f"p99 {p99:.2f} ms, p50 {p50:.2f} ms at 400 req/s (target p99 < 50 ms)")

        overflows = listen_overflows()

        async def burst():
            async def one():
                t0 = time.perf_counter()
                reader, writer = await asyncio.open_connection("127.0.0.1", s.port)
                writer.write(b"GET /health HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
                await writer.drain()
                out = await reader.read()
                writer.close()
                return time.perf_counter() - t0, out.startswith(b"HTTP/1.1 200")
            return await asyncio.gather(*(one() for _ in range(1000)))
        results = asyncio.run(burst())
        b.report("1,000 connections at once", f"{listen_overflows() - overflows} listen overflows (target 0); "
                                               f"{sum(ok for _, ok in results)} answered 200; slowest {max(t for t, _ in results) * 1000:.0f} ms")

        b.signup(s.port, "Reader")
        firsts, wholes = [], []
        for _ in range(5):
            conn = socket.create_connection(("127.0.0.1", s.port))
            body = json.dumps({"role": "Reader", "text": "hello"}).encode()
            t0 = time.perf_counter()
            conn.sendall(b"POST /main HTTP/1.1\r\nHost: b\r\nAccept: text/event-stream\r\nConnection: close\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            first, data = None, b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
                if first is None and b"event: delta" in data:
                    first = time.perf_counter() - t0
            wholes.append(time.perf_counter() - t0)
            firsts.append(first or wholes[-1])
            conn.close()
        b.report("streamed /main: first word vs whole reply (model: first token at once, 20 pieces 0.1 s apart)",
                 f"first delta after {min(firsts) * 1000:.0f}-{max(firsts) * 1000:.0f} ms, whole reply after "
                 f"{min(wholes) * 1000:.0f}-{max(wholes) * 1000:.0f} ms (target: first within 500 ms)")
    finally:
        s.stop()
        stub.close()
