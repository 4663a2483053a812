"""Random concurrent party play against running servers (SPEC §16): many players sending random party requests at once.
Usage: python3 bench/party_fuzz.py PORT[,PORT...] [PLAYERS=10] [SECONDS=60]
Each request goes to one of the ports at random (instances on one PostgreSQL, or one port for SQLite); start the servers
with limits.requests_per_minute raised (every player is on 127.0.0.1) and party.round_seconds short, e.g. 5; with
narrator.base_url at bench/fuzz_model.py for a model that is slow, fails and breaks its streams. Kill an instance
mid-play and start it again: requests to it meanwhile are counted as 'down'.
Checks: no HTTP 500 and a status_code in every reply; at the end every member's view of their party the same (members,
leader, round, task), at most four, the leader a member; the events each player read never repeated or out of order,
rounds numbered one after another within a quest; every sheet's hp still full (a model that says someone loses hp
changes nothing). Prints the outcomes per route and PROBLEMS n."""
import json, random, sys, threading, time, urllib.request, hashlib, collections

PORTS = [int(p) for p in sys.argv[1].split(",")]; PORT = PORTS[0]; N = int(sys.argv[2]) if len(sys.argv) > 2 else 10; SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 60
BASE = f"http://127.0.0.1:{PORT}"
problems = []; counts = collections.Counter(); lock = threading.Lock()

def call(path, body, timeout=40, stream=False):
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Accept": "text/event-stream"} if stream else {})}
    req = urllib.request.Request(f"http://127.0.0.1:{random.choice(PORTS)}" + path, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            st, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        st, raw = e.code, e.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
        with lock: counts[(path, 0, 'down')] += 1
        return 0, {}
    if b"event: " in raw[:64]:  # server-sent events (a refusal comes as plain JSON): the reply is the 'done' event's data
        done = [b for b in raw.split(b"\n\n") if b.startswith(b"event: done")]
        raw = done[-1].split(b"data: ", 1)[1] if done else b"no done event: " + raw[-200:]
    try:
        j = json.loads(raw)
    except Exception:
        j = None
    with lock:
        counts[(path, st, j.get("status_code") if isinstance(j, dict) else None)] += 1
        if st >= 500 or not isinstance(j, dict) or "status_code" not in j:
            problems.append((path, body, st, raw[:300]))
    return st, j or {}

names = [f"Fz{i}{random.randint(100,999)}" for i in range(N)]
tokens = {}
for n in names:
    st, j = call("/signup", {"email": f"{n}@x.org", "username": n, "password": hashlib.md5(n.encode()).hexdigest(), "ip": "127.0.0.1:9"})
    tokens[n] = j["token"]

codes = {}  # party codes seen
seen_rounds = collections.defaultdict(list)  # (player, party_id) -> resolved round numbers seen in waits
stop = time.time() + SECONDS

dueled = set()  # players who sent or got a challenge someone accepted, maybe: their hp may be mid-battle at the end
battles = {}


def player(n):
    rng = random.Random(n); after = 0; party = None
    def c(path, **kw):
        return call(path, {"role": n, "token": tokens[n], **kw})
    while time.time() < stop:
        op = rng.choices(["create", "join", "invite", "accept", "leave", "kick", "tasks", "start", "ready", "act", "hold", "say",
                          "wait", "status", "logout", "challenge", "answer", "move"],
                         [2, 4, 2, 3, 1, 1, 1, 3, 6, 14, 4, 3, 8, 3, 0.3, 0.6, 1, 2])[0]
        if op == "create":
            st, j = c("/party_create")
            if j.get("status_code") == 200: codes[j["party_id"]] = j["code"]
        elif op == "join" and codes:
            c("/party_join", code=rng.choice(list(codes.values())))
        elif op == "invite":
            c("/party_invite", name=rng.choice(names))
        elif op == "accept":
            st, j = c("/refrash")
            for inv in j.get("party_invites", []):
                c("/party_accept", party_id=inv["party_id"]); break
        elif op == "leave":
            st, j = c("/party_leave")
            if j.get("status_code") == 200: after = 0; seen_rounds[(n, party)].append(None)
        elif op == "kick":
            c("/party_kick", name=rng.choice(names))
        elif op == "tasks":
            c("/party_tasks")
        elif op == "start":
            st, j = c("/party_tasks")
            if j.get("task_list"):
                t = rng.choice(j["task_list"]); c("/party_start", task_name=t if isinstance(t, str) else t.get("name", t.get("task_name")))
        elif op == "ready":
            c("/party_ready", ready=rng.random() < 0.9)
        elif op == "act":
            c("/party_act", text=rng.choice(["I hold the rope", "I climb down", "I calm the dog", "I haul it up", "I read the ledger",
                                             "I distract the guard", "I carry water", "I look around"]), items=[], skills=[])
        elif op == "hold":
            c("/party_hold")
        elif op == "say":
            c("/party_say", text="hello " + str(rng.random()))
        elif op == "wait":
            st, j = c("/party_status")
            if j.get("status_code") == 200:
                pid = j["party_id"]
                if pid != party: party, after = pid, 0; seen_rounds[(n, pid)].append(None)
                st, w = call("/party_wait", {"role": n, "token": tokens[n], "after": after, "wait": rng.choice([0, 1, 2])},
                             stream=rng.random() < 0.5)
                for e in w.get("events", []):
                    if e.get("kind") == "resolved":
                        seen_rounds[(n, pid)].append((e["n"], e["round"], e.get("finished")))
                if w.get("status_code") == 200: after = max(after, w["last"])
        elif op == "challenge":  # duels meet the party's rules: none during a quest (423), a dueller followed passively
            other = rng.choice(names)
            st, j = call("/challenge", {"role1": n, "role2": other, "token": tokens[n], "wait": 0})
            if j.get("status_code") == 200: dueled.update((n, other))
        elif op == "answer":
            st, j = c("/refrash")
            for cid in j.get("id_list", [])[:1]:
                route = rng.choice(["/accept_challenge", "/accept_challenge", "/reject_challenge"])
                st, a = c(route, id=cid)
                if route == "/accept_challenge" and a.get("status_code") == 200: battles.setdefault(n, set()).add(cid)
        elif op == "move":
            st, j = c("/refrash")
            for bid in j.get("accept_id", []) + list(battles.get(n, [])):
                st, b = c("/battle", id=bid, text="I swing", items=[], skills=[], wait=0)
                battles.setdefault(n, set()).add(bid)
                if b.get("status") is True: battles[n].discard(bid)
                break
        elif op == "status":
            c("/party_status")
        elif op == "logout":
            c("/logout")
            st, j = call("/login", {"email": f"{n}@x.org", "password": hashlib.md5(n.encode()).hexdigest(), "ip": "127.0.0.1:9"})
            if j.get("token"): tokens[n] = j["token"]

threads = [threading.Thread(target=player, args=(n,)) for n in names]
for t in threads: t.start()
for t in threads: t.join()

# consistency at rest
views = {}
for n in names:
    st, j = call("/party_status", {"role": n, "token": tokens[n]})
    if j.get("status_code") == 200: views[n] = j
by_party = collections.defaultdict(list)
for n, v in views.items(): by_party[v["party_id"]].append(n)
for pid, ms in by_party.items():
    v = views[ms[0]]; listed = sorted(m["name"] for m in v["members"])
    if sorted(ms) != listed: problems.append(("members differ", pid, sorted(ms), listed))
    if v["leader"] not in listed: problems.append(("leader not member", pid, v["leader"], listed))
    if len(listed) > 4: problems.append(("too many", pid, listed))
    for m in ms[1:]:
        w = views[m]
        if (w["leader"], w["round"], w["task"], sorted(x["name"] for x in w["members"])) != (v["leader"], v["round"], v["task"], listed):
            problems.append(("views differ", pid, m, ms[0]))
for (n, pid), rs in seen_rounds.items():
    segs = [[]]; prev = None
    for r in rs:
        if r is None: segs.append([]); prev = None; continue
        segs[-1].append(r[0])
        if prev is not None and not prev[2] and r[1] != prev[1] + 1: problems.append(("round numbers", n, pid, prev, r))
        prev = r
    for ns in segs:
        if len(ns) != len(set(ns)) or ns != sorted(ns): problems.append(("events repeated/out of order", n, pid, rs))
for n in names:
    st, j = call("/status", {"role": n, "token": tokens[n]})
    st_ = j.get("stats", {})
    if n not in dueled and st_.get("hp") != st_.get("max_hp"): problems.append(("hp changed", n, st_))

print("requests", sum(counts.values()), "parties at rest", len(by_party), "resolutions seen", sum(len(v) for v in seen_rounds.values()))
outcomes = collections.Counter()
for (p, st, sc), k in counts.items(): outcomes[(p, sc)] += k
for k, v in sorted(outcomes.items(), key=lambda kv: kv[0][0] + str(kv[0][1])): print(" ", k, v)
print("PROBLEMS", len(problems))
for p in problems[:20]: print(p)
