"""Bytes the server allocates per answer (`--only alloc`): a steady wrk load per route, the young generation's
collections counted by jstat around it. With TW_BASELINE_JAR the other jar is measured in the same run."""
import os
import re
import subprocess

ROUTES = ["/status", "/refrash", "/others", "/main", "/bag"]


def eden(pid):
    """Eden's capacity and use in kB, and the young collections so far."""
    head, values = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, check=True).stdout.split("\n")[:2]
    row = dict(zip(head.split(), values.split()))
    return float(row["EC"]), float(row["EU"]), int(row["YGC"])


def per_answer(server, script, path, seconds):
    """(bytes per answer, answers per second) of `path` under 16 connections; the young generation's size is fixed."""
    capacity, used0, young0 = eden(server.proc.pid)
    out = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{seconds}s", "-s", script, f"http://127.0.0.1:{server.port}{path}"],
                         capture_output=True, text=True).stdout
    _, used1, young1 = eden(server.proc.pid)
    answers = int(re.search(r"(\d+) requests in", out).group(1))
    return ((young1 - young0) * capacity + used1 - used0) * 1024 / answers, answers / seconds


def part_alloc(b, java, seconds):
    jars = [("this build", b.JAR)] + ([("TW_BASELINE_JAR", os.environ["TW_BASELINE_JAR"])] if os.environ.get("TW_BASELINE_JAR") else [])
    print(f"\n== Allocation per answer (64 players, wrk 16 connections, {seconds} s a route after as long warming it; Serial, young 96 MB)", flush=True)
    for label, jar in jars:
        b.JAR, kept = jar, b.JAR
        server = b.Server(java, ["-Xms256m", "-Xmx256m", "-Xmn96m", "-XX:+UseSerialGC"], None, **{"auth.bcrypt_cost": 4, "game.language": "en"})
        try:
            names = [f"A{i}" for i in range(64)]
            for name in names:
                b.signup(server.port, name)
            script = b.wrk_bodies("alloc", [{"role": name} for name in names], True)
            for path in ROUTES:
                per_answer(server, script, path, seconds)  # warm
                size, rate = per_answer(server, script, path, seconds)
                b.report(f"allocated per answer, {path}, {label}", f"{size / 1024:.1f} KB ({rate:,.0f} answers/s)")
        finally:
            server.stop()
            b.JAR = kept
