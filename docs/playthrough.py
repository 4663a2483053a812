#!/usr/bin/env python3
"""Plays Taleweaver with the offline narrator and writes what was said as docs/playthrough-<lang>.md: a greeting, lore,
a task to its reward, crafting, encounters (a face met twice), a second player who hears the first one's news, the
DM recalling the first player's deeds, three players finishing a party quest together, and the chronicle.

  python3 docs/playthrough.py            # both languages, using target/server.jar
Starts its own server on a free port with a throw-away database; nothing leaves 127.0.0.1.
"""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = {
    "zh": {"hero": "林风", "task": "迷雾灯塔",
           "lines": ["", "这个世界是什么样的？", "老苏是谁？", "我现在状态如何？", "我接受任务迷雾灯塔"],
           "turns": ["今天海边怎么一个人都没有？", "老人家别急，我先去港口找阿芷打听一下哪里有灯油。", "这桶油有多重？",
                     "我把油桶扛在肩上，小心地爬上塔楼的楼梯。", "我在灯芯旁打了个响指，用火花术点燃它！"],
           "items": [[], [], ["旅人短剑"], [], []],
           "skills": [[], [], [], [], ["火花术"]],
           "craft": (1, 40, "一面能挡住海风的轻盾"),
           "events": [(6, "我帮忙把水桶捞上来。"), (3, "我给他一个公道的价钱，帮他把货摆好。"), (6, "我又来帮您打水了。")],
           "friend": "阿青", "friend_task": "失踪的信鸽",
           "friend_lines": ["", "最近有什么新鲜事？"], "back": ["", "我做过什么？"],
           "third": "小满", "party_task": "塌井救犬", "chat": "我来望风，你们动手！",
           "rounds": [{"林风": "我先下井看看", "阿青": "我也往下爬", "小满": None},
                      {"林风": "我把绳子绑在老树上，死死拉住", "阿青": "我顺着绳子爬下井去", "小满": None},
                      {"林风": "我轻轻吹口哨安抚饼饼", "阿青": "我抱住小狗，喊上面往上拉", "小满": "我使劲把绳子往上拉"}]},
    "en": {"hero": "Rowan", "task": "The Fogbound Lighthouse",
           "lines": ["", "What is this world like?", "Tell me about the lighthouse", "How am I doing?", "I accept The Fogbound Lighthouse"],
           "turns": ["Why is the quay so empty today?", "Don't worry, old man. I'll ask Zhi at the harbour where to find lamp oil.",
                     "How heavy is this barrel?", "I haul the barrel on my shoulder and climb the tower stairs, step by careful step.",
                     "At the wick I snap my fingers and light it with a Spark!"],
           "items": [[], [], ["Traveller's Dagger"], [], []],
           "skills": [[], [], [], [], ["Spark"]],
           "craft": (1, 40, "a light shield that turns the sea wind"),
           "events": [(6, "I help fish the bucket out."), (3, "I give him a fair price and help set out his wares."),
                      (6, "I help you draw water again.")],
           "friend": "Maple", "friend_task": "The Missing Pigeon",
           "friend_lines": ["", "Any news?"], "back": ["", "What have I done?"],
           "third": "Moss", "party_task": "The Flooded Well", "chat": "I'll keep watch, you two get to work!",
           "rounds": [{"Rowan": "I look down the well", "Maple": "I climb down too", "Moss": None},
                      {"Rowan": "I tie the rope to the old oak and hold it fast", "Maple": "I climb down the rope into the well", "Moss": None},
                      {"Rowan": "I whistle softly to calm Biscuit", "Maple": "I hold the dog and call up to them", "Moss": "I haul the rope up hand over hand"}]},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def party(call, signup, s, zh):
    """Three players finish a party quest: formed by code, a ready check, rounds declared by each, the telling."""
    hero, friend, third = s["hero"], s["friend"], s["third"]
    signup(third)
    out = [f"## {'组队任务：' if zh else 'A party quest: '}{s['party_task']}", ""]
    code = call("/party_create", role=hero)["code"]
    call("/party_join", role=friend, code=code)
    call("/party_invite", role=hero, name=third)
    invite = call("/refrash", role=third)["party_invites"][0]
    call("/party_accept", role=third, party_id=invite["party_id"])
    out += [f"*{hero}{'创建了队伍，队伍码' if zh else ' makes a party, code'} {code}; {friend}{'用队伍码加入' if zh else ' joins by code'}; "
            f"{third}{'接受了邀请。' if zh else ' accepts an invitation.'}*", ""]
    call("/party_start", role=hero, task_name=s["party_task"])
    call("/party_ready", role=friend, ready=True)
    call("/party_ready", role=third, ready=True)
    events = call("/party_wait", role=hero, after=0, wait=0)["events"]
    started = [e for e in events if e["kind"] == "started"][0]
    out += [f"> **{started['speaker']}:** {started['text']}", ">", f"> *{started['goal']}*", ""]
    call("/party_say", role=third, text=s["chat"])
    out += [f"*{'队伍聊天' if zh else 'Party chat'} — {third}: {s['chat']}*", ""]
    last = events[-1]["n"]
    for number, round_ in enumerate(s["rounds"], 1):
        for name, text in round_.items():
            if text is None:
                call("/party_hold", role=name)
            else:
                call("/party_act", role=name, text=text, items=[], skills=[])
        reply = call("/party_wait", role=hero, after=last, wait=5)
        last = reply["last"]
        for e in reply["events"]:
            if e["kind"] != "resolved":
                continue
            out += [f"**{'第' + str(number) + '回合' if zh else 'Round ' + str(number)}**", ""]
            for a in e["actions"]:
                out += [f"> **{a['name']}:** {a['text'] or ('（按兵不动）' if zh else '(holds)')}", ">"]
            out += [f"> **{e['speaker']}:** {e['text']}", ""]
            if e.get("reward"):
                out += [f"*{'奖励' if zh else 'Rewards'}: {json.dumps(e['reward'], ensure_ascii=False)}*", ""]
    return out


def play(language):
    work = tempfile.mkdtemp(prefix="tw-play-")
    port = free_port()
    proc = subprocess.Popen(["java", "-jar", os.path.join(ROOT, "target", "server.jar"), "--set", f"server.port={port}",
                             "--set", "server.host=127.0.0.1", "--set", f"game.language={language}",
                             "--set", f"storage.database={work}/play.db"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def call(path, **body):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="GET")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    try:
        for _ in range(100):
            try:
                call("/health")
                break
            except OSError:
                time.sleep(0.2)
        s = SCRIPT[language]
        hero = s["hero"]
        zh = language == "zh"
        out = [f"# {'游戏实录' if zh else 'A playthrough'} ({language})", "",
               ("由 `python3 docs/playthrough.py` 用离线叙述者真实运行生成。" if zh else
                "Made by `python3 docs/playthrough.py` from a real run of the offline narrator."), ""]
        def signup(name):
            call("/signup", email=f"{hashlib.md5(name.encode()).hexdigest()[:10]}@example.org", username=name,
                 password=hashlib.md5(b"pw").hexdigest(), ip="127.0.0.1:9")

        def talk(name, lines):
            said = []
            for line in lines:
                r = call("/main", role=name, text=line)
                said += [f"> **{name}:** {line or ('（沉默）' if zh else '(says nothing)')}", ">", f"> **{r['role']}:** {r['text']}", ""]
                if r["status"]:
                    said += [f"*{'任务开始' if zh else 'Task started'}: {r['task_name']}*", ""]
            return said

        signup(hero)
        out += [f"## {'与主持人交谈' if zh else 'Talking to the game master'}", ""] + talk(hero, s["lines"])
        out += [f"## {s['task']}", ""]
        seen = []
        for text, items, skills in zip(s["turns"], s["items"], s["skills"]):
            r = call("/feedback", role=hero, text=text, items=items, skills=skills, roles=seen)
            if r["npc_status"]:
                seen.append(r["role"])
            used = f" *({', '.join(items + skills)})*" if items or skills else ""
            out += [f"> **{hero}:** {text}{used}", ">", f"> **{r['role']}:** {r['text']}", ""]
            if "reward" in r:
                out += [f"*{'奖励' if zh else 'Reward'}: {json.dumps(r['reward'], ensure_ascii=False)}*", ""]
        st = call("/status", role=hero)["attribute"]
        out += [f"*{json.dumps(st, ensure_ascii=False)}*", ""]
        mode, num, des = s["craft"]
        r = call("/merge", role=hero, mode=mode, num=num, des=des)
        out += [f"## {'锻造' if zh else 'Crafting'}", "", f"> **{hero}:** {des} ({num})", ">", f"> {r['text']}", ""]
        out += [f"## {'路上的相遇' if zh else 'Encounters on the road'}", ""]
        with open(os.path.join(ROOT, "src", "main", "resources", "content", f"{language}.json"), encoding="utf-8") as f:
            encounters = json.load(f)["encounters"]
        for index, text in s["events"]:
            info = encounters[index]["text"]  # as the browser client offers them
            r = call("/others", role=hero, info=info, text=text)
            out += [f"*{info}*", "", f"> **{hero}:** {text}", ">", f"> **{r['role']}:** {r['text']}", ">", f"> *{r['other']}*", ""]
        out += [f"*{call('/time', role=hero)['time']}*", ""]

        friend = s["friend"]
        signup(friend)
        out += [f"## {'另一位旅人' if zh else 'Another traveller'}", ""] + talk(friend, s["friend_lines"])
        opening = call("/select", role=friend, task_name=s["friend_task"])["text"]
        out += [f"### {s['friend_task']}", "", f"*{'一个不爱说话的玩家，每回合只说' if zh else 'A quiet player who only ever says'} "
                f"“{'……' if zh else '...'}”*", "", f"> {opening}", ""]
        turns = 0
        while True:
            turns += 1
            r = call("/feedback", role=friend, text="……" if zh else "...", items=[], skills=[], roles=[])
            out += [f"> **{r['role']}:** {r['text']}", ">"]
            if r["status"]:
                break
        out[-1] = ""
        out += [f"*{friend}{'用了' if zh else ' finishes '}{'' if zh else chr(34) + s['friend_task'] + chr(34) + ' in '}{turns}"
                f"{'个回合完成了「' + s['friend_task'] + '」。' if zh else ' turns.'}*", ""]
        out += [f"## {'重逢' if zh else 'Back in town'}", ""] + talk(hero, s["back"])
        out += party(call, signup, s, zh)
        out += [f"## {'小镇大事记' if zh else 'The chronicle'}", ""]
        for e in call("/chronicle", role=hero)["entries"]:
            out += [f"- {e['text']}"]
        out += [""]
        with open(os.path.join(ROOT, "docs", f"playthrough-{language}.md"), "w") as f:
            f.write("\n".join(out))
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for lang in ("zh", "en"):
        play(lang)
        print(f"wrote docs/playthrough-{lang}.md")
