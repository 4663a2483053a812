#!/usr/bin/env python3
"""Writes src/main/resources/openapi.json, the OpenAPI 3.1 description of every route (served at GET /openapi.json).
Schemas are inline (no $ref) so each reply's schema can be checked on its own; the tests (web/OpenApiTest) check that
every route of web/Routes is here and that the server's real replies validate against these schemas.
Run: python3 docs/openapi.py"""
import json
import os

S, I, B, N = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
NS, NB64 = {"type": ["string", "null"]}, {"type": ["string", "null"], "description": "base64 PNG, no data: prefix"}
LIST = {"type": ["array", "null"], "items": S, "maxItems": 16}
STRS = {"type": "array", "items": S}


def obj(required=(), **props):
    return {"type": "object", "properties": props, "required": list(required)}


def reply(codes, required=(), **props):
    """A reply: status_code is one of `codes`; refusals also carry error, message and text."""
    props = dict(props, status_code={"type": "integer", "enum": sorted(set([200] + list(codes)))},
                 error=S, message=S, text=props.get("text", S))
    return obj(["status_code"] + list(required), **props)


ROLE = {"role": S}
SHEET = obj(["level", "exp", "exp_next", "matter", "energy", "hp", "max_hp", "attack", "defense", "rating"],
            **{k: I for k in ["level", "exp", "exp_next", "matter", "energy", "hp", "max_hp", "attack", "defense",
                              "rating", "tokens_today", "tokens_budget"]})
HP = {"type": "object", "additionalProperties": I}

ROUTES = {
    "/health": ("Is the server up (status ok, or db_down while the database cannot be reached); db is sqlite or postgresql; "
                "instance names this instance", obj(),
                reply([], ["status", "narrator", "images", "db", "instance"], status=S, narrator=S, images=S, db=S, instance=S)),
    "/signup": ("Create an account and log in", obj(["email", "username", "password", "ip"], email=S, username=S,
                password={"type": "string", "description": "the client's MD5 hex of the password"}, ip=S, image_data=NB64),
                reply([400, 409, 410, 422], token=NS, reason=S)),
    "/login": ("Log in", obj(["email", "password"], email=S, password=S, ip=S),
               reply([400, 401, 403, 404, 429], ["username"], username=S, token=NS, reason=S, minutes=I)),
    "/logout": ("End the session", obj(["role"], **ROLE), reply([])),
    "/legal": ("Is a name or description allowed", obj(["mode", "content"], mode={"enum": [0, 1]}, content=S),
               reply([], ["status"], status=B, reason=S)),
    "/status": ("The character sheet", obj(["role"], **ROLE),
                reply([], ["attribute", "stats"], attribute={"type": "object"}, stats=SHEET)),
    "/bag": ("Equipment", obj(["role"], **ROLE), reply([], ["equipments"], equipments={"type": "object", "additionalProperties":
             obj(["description", "count", "power"], description=S, count=I, power=I)})),
    "/skill": ("Skills", obj(["role"], **ROLE), reply([], ["skills"], skills={"type": "object", "additionalProperties":
               obj(["description", "power", "cost"], description=S, power=I, cost=I)})),
    "/time": ("The character's world clock", obj(["role"], **ROLE), reply([], ["time"], time=S)),
    "/main": ("Talk to the DM (streams with Accept: text/event-stream)", obj(["role"], role=S, text=S),
              reply([429], ["text", "role", "status"], text=S, role=S, status=B, subimg=NB64, task_name=S)),
    "/task_info": ("Common tasks on offer", obj(["role"], **ROLE), reply([], ["task_list"], task_list=STRS)),
    "/task_info_personal": ("The player's unfinished personal tasks", obj(["role"], **ROLE), reply([], ["task_list"], task_list=STRS)),
    "/task_request": ("Ask the DM for a personal task (streams)", obj(["role", "text"], role=S, text=S),
                      reply([409, 429], ["text", "role"], text=S, role=S, task_name=S)),
    "/select": ("Make a common task the active one (streams)", obj(["role", "task_name"], role=S, task_name=S),
                reply([404, 429], ["image_data", "text"], image_data=NB64, text=S)),
    "/select_personal": ("Make a personal task the active one (streams)", obj(["role", "task_name"], role=S, task_name=S),
                         reply([404, 429], ["image_data", "text"], image_data=NB64, text=S)),
    "/feedback": ("One turn in the active task (streams)", obj(["role"], role=S, text=S, items=LIST, skills=LIST, roles=LIST),
                  reply([409, 422, 429], ["text", "role", "status", "npc_status", "image_data"], text=S, role=S, status=B,
                        npc_status=B, image_data=NB64, reward={"type": "object"})),
    "/merge": ("Craft a skill (mode 0, energy) or equipment (mode 1, matter) (streams)",
               obj(["role", "mode", "num", "des"], role=S, mode={"enum": [0, 1]}, num=I, des=S),
               reply([422, 429], ["text"], text=S, success=B, item=obj(["name", "kind", "description", "power"],
                                                                         name=S, kind=S, description=S, power=I))),
    "/others": ("An event and the player's response (streams)", obj(["role", "info", "text"], role=S, info=S, text=S),
                reply([429], ["role", "text", "other"], role=S, text=S, other=S)),
    "/get_list": ("Online players", obj(["role"], role=S, images=B), reply([], ["roles"], roles=STRS,
                  image_data={"type": "array", "items": NB64})),
    "/refrash": ("Heartbeat: challenges and duel news", obj(["role"], role=S, battle_id=S, ip=S, ip_status=B),
                 reply([], ["id_list", "role_list", "accpec_id", "accpet_id", "accept_id", "role", "role_text", "system_text", "status"],
                       id_list=STRS, role_list=STRS, accpec_id=STRS, accpet_id=STRS, accept_id=STRS, role=NS, role_text=NS,
                       system_text=NS, status=B, round=I, hp=HP, winner=S,
                       party_invites={"type": "array", "items": obj(["party_id", "from"], party_id=S, **{"from": S})})),
    "/challenge": ("Challenge a player", obj(["role1", "role2"], role1=S, role2=S, image_data=NB64, wait=N),
                   reply([400, 404, 409, 423], ["status", "image_data", "id"], status=B, image_data=NB64, id=NS,
                         state={"enum": ["accepted", "rejected", "pending", "expired"]})),
    "/accept_challenge": ("Accept a challenge", obj(["role", "id"], role=S, id=S), reply([403, 404, 409, 410])),
    "/reject_challenge": ("Refuse a challenge", obj(["role", "id"], role=S, id=S), reply([403, 404, 409, 410])),
    "/accept_c": ("Answer a challenge without a role", obj(["id", "status"], id=S, status=B),
                  reply([403, 404, 409, 410], ["status"], status=B)),
    "/battle": ("A move in a duel (streams)", obj(["role", "id"], role=S, id=S, text=S, action=S, items=LIST, skills=LIST, wait=N),
                reply([403, 404, 409, 422], ["status"], role=S, action=S, result=S, status=B, round=I, hp=HP, winner=S, pending=B)),
    "/ladder": ("The duel ladder, best first", obj(["role"], role=S, limit=I), reply([], ["ladder"], ladder={"type": "array", "items":
                obj(["username", "rating", "wins", "losses", "draws"], username=S, rating=I, wins=I, losses=I, draws=I)})),
    "/chronicle": ("The world's public deeds, newest first", obj(["role"], role=S, limit=I), reply([], ["entries"], entries={"type": "array",
                   "items": obj(["time", "text"], time={"type": "string", "format": "date-time"}, text=S)})),
    "/admin/players": ("Host: players, online first", obj(online=B, offset=I, limit=I),
                       reply([], ["players", "total"], total=I, players={"type": "array", "items": obj(
                           ["username", "email", "level", "online", "last_seen", "banned_until", "tokens_today"], username=S,
                           email=S, level=I, online=B, last_seen=I, banned_until=I, tokens_today=I)})),
    "/admin/password": ("Host: set a player's password", obj(["username", "password"], username=S, password=S), reply([400, 404])),
    "/admin/ban": ("Host: ban for minutes (0 lifts)", obj(["username", "minutes"], username=S, minutes=I), reply([404])),
    "/admin/kick": ("Host: end a player's sessions", obj(["username"], username=S), reply([404])),
    "/admin/backup": ("Host: an online backup now (SQLite; on PostgreSQL 501 with a reason naming its own tools)", obj(), reply([500, 501], file=S, reason=S)),
    "/admin/status": ("Host: server figures", obj(), reply([], ["players_online", "narrator"], players_online=I, narrator=S,
                      model_tokens_today=I, database_bytes=I, uptime_seconds=I, version=S)),
}

EVENT = {"type": "object", "required": ["n", "kind"], "properties": {"n": I, "kind": {"enum": [
    "joined", "left", "lead", "passive", "active", "ready_check", "ready", "started", "acted", "resolved", "chat"]}}}
MEMBER = obj(["name", "level", "hp", "max_hp", "state", "ready", "acted"], name=S, level=I, hp=I, max_hp=I,
             state={"enum": ["active", "passive", "offline"]}, ready=B, acted=B)
ROUTES.update({
    "/party_create": ("Party: create one and lead it; read the code aloud", obj(["role"], role=S),
                      reply([409], ["party_id", "code"], party_id=NS, code=NS)),
    "/party_join": ("Party: join by code", obj(["role", "code"], role=S, code=S), reply([404, 409])),
    "/party_invite": ("Party: invite a player (they see it in the heartbeat)", obj(["role", "name"], role=S, name=S), reply([404, 409])),
    "/party_accept": ("Party: accept an invitation", obj(["role", "party_id"], role=S, party_id=S), reply([404, 409])),
    "/party_leave": ("Party: leave (the lead passes to the longest member)", obj(["role"], role=S), reply([404])),
    "/party_kick": ("Party: the leader removes a member", obj(["role", "name"], role=S, name=S), reply([403, 404, 409])),
    "/party_tasks": ("Party: the tasks the whole party may take", obj(["role"], role=S), reply([404], ["task_list"], task_list=STRS)),
    "/party_start": ("Party: the leader opens a ready check (again, with two ready: begin)", obj(["role", "task_name"], role=S, task_name=S),
                     reply([403, 404, 409])),
    "/party_ready": ("Party: answer the ready check", obj(["role"], role=S, ready=B), reply([404, 409])),
    "/party_act": ("Party: this round's action (replaceable until the round locks)", obj(["role", "text"], role=S, text=S, items=LIST, skills=LIST),
                   reply([404, 409, 422])),
    "/party_hold": ("Party: hold this round", obj(["role"], role=S), reply([404, 409])),
    "/party_say": ("Party: chat to the party (never reaches the DM)", obj(["role", "text"], role=S, text=S), reply([404, 422, 429])),
    "/party_status": ("Party: the scene as it is (for a reload or a reconnect)", obj(["role"], role=S),
                      reply([404], party_id=S, code=S, leader=S, members={"type": "array", "items": MEMBER}, task=NS, stage=I, goal=NS, round=I,
                            deadline={"type": ["string", "null"], "format": "date-time"}, recent={"type": "array", "items": {"type": "object"}},
                            last=I)),
    "/party_wait": ("Party: events numbered above after, parked up to wait seconds (streams the round's telling)",
                    obj(["role"], role=S, after=I, wait=N), reply([404], ["events", "last"], events={"type": "array", "items": EVENT}, last=I)),
})

ROUTES["/refresh"] = ("The same heartbeat under the spelling later clients use",) + ROUTES["/refrash"][1:]

ERROR = obj(["status_code", "error"], status_code=I, error=S, message=S, id=S)
HTTP_ERRORS = {
    "400": "the body is not a JSON object, a field is missing or of the wrong type, or over its length",
    "401": "not signed in as the role named (or a wrong admin token)",
    "404": "no such route (or admin off)", "413": "the body is over server.max_body_bytes",
    "429": "over a rate limit; see Retry-After", "503": "the server is shutting down"}


def operation(summary, request, ok):
    responses = {"200": {"description": "an outcome: status_code 200, or a refusal with its status_code",
                         "content": {"application/json": {"schema": ok}}}}
    for code, why in HTTP_ERRORS.items():
        responses[code] = {"description": why, "content": {"application/json": {"schema": ERROR}}}
    return {"summary": summary, "requestBody": {"required": False, "content": {"application/json": {"schema": request}}},
            "responses": responses}


def document():
    paths = {}
    for path, (summary, request, ok) in ROUTES.items():
        op = operation(summary, request, ok)
        paths[path] = {"post": op, "get": dict(op, description="GET with the same JSON body works too (original clients send that)")}
    paths["/metrics"] = {"get": {"summary": "Prometheus metrics (this machine or the admin token)",
                                 "responses": {"200": {"description": "Prometheus text", "content": {"text/plain": {"schema": S}}},
                                               "404": {"description": "to anyone else"}}}}
    paths["/openapi.json"] = {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "Taleweaver", "version": "1.0.0",
                     "description": "The game server of a multiplayer text RPG. Every route takes GET or POST with a JSON body "
                                    "and answers HTTP 200 with a status_code for every outcome the protocol describes; "
                                    "player routes are authorised by Authorization: Bearer <token> (or, by default, the address "
                                    "the player logged in from); /admin routes by the admin token."},
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "paths": paths}


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "openapi.json")
    with open(out, "w") as f:
        json.dump(document(), f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.normpath(out))
