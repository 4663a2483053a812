package taleweaver.party;

import taleweaver.Jobs;
import taleweaver.character.CharacterDao;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.pvp.Presence;
import taleweaver.world.Chronicle;
import taleweaver.world.Memories;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Resolving a party's rounds (SPEC §16). A round resolves as soon as every active member who is online has acted or
 * held, or at its deadline (whoever did neither holds). It is resolved exactly once whichever instance gets there: a
 * claim moves the party to the next round in one conditional update (declarations from then on count for the next
 * round), the round is told by one narrator call outside any transaction, and the telling is committed only while the
 * claim is still this one's. A claim whose instance died is taken over after {@code staleMillis} by any instance's
 * periodic check (told offline then), so no acknowledged declaration is lost and the round still resolves once.
 */
public final class PartyRounds {
    /** A claim older than this (the longest a telling may take, and some) is taken to belong to a dead instance. */
    private final long staleMillis;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartyRounds.class);

    private final Database db;
    private final PartyService parties;
    private final PartyNarrator narrator;
    private final Presence presence;
    private final Jobs jobs;
    private final PartyWaits waits;
    private final taleweaver.db.Signals signals;
    private final int roundSeconds;
    private final long idleMillis;
    private final long startedAt = System.currentTimeMillis();
    private final String dm;
    private final String joint;

    public PartyRounds(Database db, PartyService parties, PartyNarrator narrator, Presence presence, Jobs jobs, PartyWaits waits,
                       taleweaver.db.Signals signals, int roundSeconds, long staleMillis, int idleMinutes, String dm, String language) {
        this.idleMillis = idleMinutes * 60_000L;
        this.staleMillis = staleMillis;
        this.waits = waits;
        this.signals = signals;
        this.db = db;
        this.parties = parties;
        this.narrator = narrator;
        this.presence = presence;
        this.jobs = jobs;
        this.roundSeconds = roundSeconds;
        this.dm = dm;
        this.joint = language.equals("zh") ? "、" : ", ";
        parties.rounds(this);
    }

    String dm() { return dm; }

    /** Each party's next deadline here: a round resolved early cancels its timer rather than leave it to fire idle. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ScheduledFuture<?>> deadlines =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A quest began or a round was resolved: its deadline is kept here too (any instance's check also finds it). */
    void opened(String partyId) {
        var self = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>>();
        var timer = jobs.after(roundSeconds * 1000L + 50, () -> {
            deadlines.remove(partyId, self.get()); // fired: not kept for a party that may never open another round
            due(partyId);
        });
        self.set(timer);
        var before = timer == null ? deadlines.remove(partyId) : deadlines.put(partyId, timer);
        if (before != null) before.cancel(false);
    }

    /** The quest ended: no deadline of it is kept. */
    private void closed(String partyId) {
        var before = deadlines.remove(partyId);
        if (before != null) before.cancel(false);
    }

    /** Members came or went: the open round may now have all it waits for. */
    void afterChange(String partyId) {
        db.read(h -> parties.store(h).party(partyId)).ifPresent(p -> {
            if (p.phase().equals("playing") && p.resolving() == null) resolve(partyId, p.round(), false);
        });
    }

    /**
     * Several instances, every few seconds: rounds past their deadline whose timer was another instance's (one that
     * died), and claims whose instance went quiet. Each instance's own rounds keep their deadlines by its timers.
     */
    public void check() {
        long now = System.currentTimeMillis();
        for (String partyId : db.read(h -> parties.store(h).due(now, now - staleMillis))) due(partyId);
    }

    /**
     * At start: every quest under way gets its deadline kept here again (overdue ones and stale claims at once). On one
     * instance (SQLite) a round found being told was being told by this server's last run, which died with it: it is
     * taken over now rather than after {@code staleMillis}, so its members do not wait half a minute for a round they
     * had all declared. Several instances leave a fresh claim to its staleness, as another instance may be telling it.
     */
    public void resume() {
        long now = System.currentTimeMillis();
        boolean alone = !db.dialect().shared();
        for (var p : db.read(h -> parties.store(h).playing())) {
            if (alone && p.resolving() != null) {
                due(p.id(), now + 1);
                continue;
            }
            long left = p.deadline() == null ? staleMillis : p.deadline() - now;
            if (left <= 0) due(p.id()); else jobs.after(left + 50, () -> due(p.id()));
        }
    }

    private void due(String partyId) {
        due(partyId, System.currentTimeMillis() - staleMillis);
    }

    /** The party's round, if due: told at its deadline, or taken over when its claim is older than {@code staleBefore}. */
    private void due(String partyId, long staleBefore) {
        try {
            var party = db.read(h -> parties.store(h).party(partyId)).orElse(null);
            if (party == null || !party.phase().equals("playing")) return;
            long now = System.currentTimeMillis();
            if (party.resolving() != null) {
                int round = party.resolving();
                if (db.write(h -> parties.store(h).retake(partyId, round, staleBefore, now))) {
                    LOG.warn("party {} round {}: its resolution went quiet; told here", partyId, round);
                    var claimed = db.read(h -> scene(parties.store(h), partyId, round, now));
                    if (claimed != null) commit(partyId, round, claimed, narrator.offline(claimed.scene()));
                }
            } else if (party.deadline() != null && party.deadline() <= now) {
                if (allAway(partyId, now)) pause(partyId, party.round());
                else resolve(partyId, party.round(), true);
            }
        } catch (RuntimeException e) {
            LOG.warn("party {}: {}", partyId, e.toString());
        }
    }

    /** Every member away longer than party.idle_minutes, and nobody declared this round: the quest pauses. */
    private boolean allAway(String partyId, long now) {
        return db.read(h -> {
            var s = parties.store(h);
            var party = s.party(partyId).orElse(null);
            if (party == null || !s.actions(partyId, party.round()).isEmpty()) return false;
            return s.members(partyId).stream().allMatch(m -> lastHeard(h, m.playerId()) <= now - idleMillis);
        });
    }

    /**
     * When a member was last heard from. On PostgreSQL, on any instance, by their shared row, kept for
     * party.idle_minutes and more (this instance's copy of the rows holds only those still online, and nothing of those
     * heard by an instance since gone). On one instance, here, and not before this server started: its memory of who
     * was here went with the last run.
     */
    private long lastHeard(org.jdbi.v3.core.Handle h, long playerId) {
        return db.dialect().shared() ? presence.lastSeen(h, playerId) : Math.max(presence.lastSeen(playerId), startedAt);
    }

    private void pause(String partyId, int round) {
        parties.change(partyId, s -> {
            var party = s.party(partyId).orElse(null);
            if (party == null || party.round() != round || party.resolving() != null || !party.phase().equals("playing")) return null;
            s.pause(partyId); // no event: §16's kinds have none; /party_status shows the task with no deadline
            return null;
        });
    }

    /**
     * A round claimed for resolution: the scene to tell and what each member did; {@code lastEvent}, the party's newest
     * event when it was claimed (-1: not known), so its commit knows whether anything happened meanwhile; {@code stamp},
     * the claim's time as written on the party's row: its commit writes only while the row still carries it (not once
     * the quest has ended, nor into a later quest's round of the same number, nor after another instance took it over).
     */
    record Claimed(PartyNarrator.Scene scene, List<Long> actedIds, Map<Long, List<String>> skills, int lastEvent, long stamp) {}

    private void resolve(String partyId, int round, boolean deadline) {
        Claimed claimed = parties.change(partyId, s -> {
            var party = s.party(partyId).orElse(null);
            return party == null || party.round() != round ? null : claim(s, party, s.members(partyId), deadline, party.lastEvent(), -1);
        });
        if (claimed != null) tell(partyId, round, claimed);
    }

    /**
     * Inside a write on the party, given its row and members as read in that write: claims its open round when it has
     * all it waits for (or {@code deadline}), counting each member's round; null when it is not this caller's to
     * resolve. A declaration that completes a round claims it in its own transaction, so whoever is woken by it already
     * finds the round being told. {@code lastEvent}: the party's newest event, as written in this transaction so far;
     * {@code declarer}: who declared in it since the members were read (-1: nobody).
     */
    Claimed claim(PartyDao s, PartyDao.Party party, List<PartyDao.Member> members, boolean deadline, int lastEvent, long declarer) {
        if (!party.phase().equals("playing") || party.resolving() != null) return null;
        String partyId = party.id();
        int round = party.round();
        // awaited: an active member, online, who has not declared and is not in a duel (a member in a duel follows
        // passively until it ends)
        boolean awaited = members.stream().anyMatch(m -> m.state().equals("active") && !m.declared() && m.playerId() != declarer
                && !m.dueling() && presence.online(s.handle(), m.playerId()));
        if (!deadline && awaited) return null;
        var actions = s.actions(partyId, round);
        if (!deadline && actions.isEmpty()) return null;
        var declaredIds = new java.util.HashSet<Long>();
        actions.forEach(a -> declaredIds.add(a.playerId()));
        long now = System.currentTimeMillis();
        if (!s.claim(partyId, round, now)) return null;
        boolean statesChanged = false;
        var counted = new ArrayList<PartyDao.Counted>();
        for (var m : members) { // the round as counted
            boolean acted = actions.stream().anyMatch(a -> a.playerId() == m.playerId() && a.kind().equals("act"));
            counted.add(new PartyDao.Counted(m.playerId(), acted, m.state().equals("active") && !declaredIds.contains(m.playerId()) && !m.dueling()));
        }
        s.counted(partyId, counted);
        for (int i = 0; i < members.size(); i++) { // two holds by timeout in a row make a passive follower
            var m = members.get(i);
            if (counted.get(i).timedOut() && m.timeouts() + 1 >= 2) {
                s.setState(partyId, m.playerId(), "passive");
                lastEvent = s.event(partyId, "passive", Map.of("name", m.name()), now);
                statesChanged = true;
            }
        }
        // the scene shows each member's state: read again only when one changed (their sheets are as read)
        return scene(s, party, round, actions, statesChanged ? s.members(partyId) : members, lastEvent, now);
    }

    /** Tells a claimed round (one narrator call, outside any transaction), then commits it. */
    void tell(String partyId, int round, Claimed claimed) {
        var relay = new TellingRelay(partyId, round, claimed.stamp(), waits, db, signals, jobs);
        narrator.tell(claimed.scene(), relay)
                .exceptionally(e -> narrator.offline(claimed.scene()))
                .thenAccept(told -> {
                    relay.flush();
                    commit(partyId, round, claimed, told);
                })
                .exceptionally(e -> {
                    LOG.warn("party {} round {} not committed: {}", partyId, round, e.toString());
                    return null;
                });
    }

    /** What the claimed round is, judged by the server: who did what, which needs it met, whether the stage is reached. */
    private Claimed scene(PartyDao s, String partyId, int round, long stamp) {
        return scene(s, s.party(partyId).orElseThrow(), round, s.actions(partyId, round), s.members(partyId), -1, stamp);
    }

    /** The same from the party's row (its task and stage, which a claim leaves) and the round's actions; the members as counted. */
    private Claimed scene(PartyDao s, PartyDao.Party party, int round, List<PartyDao.Action> actions, List<PartyDao.Member> members, int lastEvent,
                          long stamp) {
        String partyId = party.id();
        var task = parties.content().task(party.task()).orElseThrow();
        var stage = task.stages().get(party.stage());
        var declared = new ArrayList<PartyNarrator.Declared>();
        var lower = new ArrayList<String>();
        var actedIds = new ArrayList<Long>();
        var skills = new LinkedHashMap<Long, List<String>>();
        var acting = new ArrayList<PartyDao.Action>();
        for (var m : members) {
            var a = actions.stream().filter(x -> x.playerId() == m.playerId()).findFirst().orElse(null);
            if (a != null && a.kind().equals("act")) {
                acting.add(a);
                lower.add((a.text() + " " + String.join(" ", a.items()) + " " + String.join(" ", a.skills())).toLowerCase(Locale.ROOT));
                actedIds.add(m.playerId());
                skills.put(m.playerId(), a.skills());
            }
        }
        int[] needs = PartyContent.assign(stage, lower);
        boolean met = java.util.Arrays.stream(needs).filter(n -> n >= 0).count() == stage.needs().size();
        for (var m : members) {
            var a = actions.stream().filter(x -> x.playerId() == m.playerId()).findFirst().orElse(null);
            if (a != null && a.kind().equals("act")) {
                declared.add(new PartyNarrator.Declared(m.name(), "act", a.text(), a.items(), a.skills(), needs[acting.indexOf(a)], false));
            } else if (a != null || m.state().equals("active")) {
                declared.add(new PartyNarrator.Declared(m.name(), "hold", "", List.of(), List.of(), -1, a == null));
            }
        }
        boolean finished = met && party.stage() == task.stages().size() - 1;
        String summary = String.join(" ", task.stages().subList(0, party.stage()).stream().map(PartyContent.Stage::done).toList());
        long seed = (partyId.hashCode() * 31L + round);
        var names = new LinkedHashMap<Long, String>();
        members.forEach(m -> names.put(m.playerId(), m.name()));
        var ofEachOther = narrator.asksModel() ? Memories.ofEachOther(s.handle(), names) : List.<String>of();
        var resolved = s.recentResolved(partyId, PartyNarrator.RECENT_ROUNDS, round);
        var recent = resolved.stream().map(e -> e.path("text").asText("")).toList();
        return new Claimed(new PartyNarrator.Scene(task, party.stage(), declared, members, met, finished, recent, summary, ofEachOther, seed,
                roundsOnStage(resolved, party.stage())),
                actedIds, skills, lastEvent, stamp);
    }

    /**
     * How many rounds of this quest were played on {@code stage} before this one, as far as its newest resolutions tell
     * (each carries the stage it left the party on): the round that reached the stage was played on the one before.
     */
    static int roundsOnStage(List<com.fasterxml.jackson.databind.JsonNode> newest, int stage) {
        int streak = 0;
        for (int i = newest.size() - 1; i >= 0 && newest.get(i).path("stage").asInt() == stage; i--) streak++;
        return Math.max(0, stage > 0 ? streak - 1 : streak);
    }

    /** The round's telling and effects, once, while the claim is still this one's; the next round's deadline begins. */
    private void commit(String partyId, int round, Claimed claimed, PartyNarrator.Told told) {
        var scene = claimed.scene();
        int resolvedAs = parties.resolution(partyId, s -> {
            long now = System.currentTimeMillis();
            int stage = scene.stageMet() && !scene.finished() ? scene.stage() + 1 : scene.stage();
            // the claim is still this one's (else nothing is written): the round is resolved first
            if (!s.resolved(partyId, round, claimed.stamp(), stage, scene.finished() ? null : now + roundSeconds * 1000L)) return -1;
            // sheets change on their rows as committed now, held (PostgreSQL): a DM turn or a duel's round meanwhile is
            // kept. One lock for all, in id order: the energy spent, and the reward's members on the last round
            var paying = claimed.actedIds().stream().filter(id -> !claimed.skills().get(id).isEmpty());
            var all = scene.finished() ? s.members(partyId).stream().map(PartyDao.Member::playerId) : Stream.<Long>empty();
            db.lockPlayers(s.handle(), Stream.concat(paying, all).mapToLong(Long::longValue).toArray());
            var sheets = Daos.on(s.handle(), CharacterDao.class);
            for (long id : claimed.actedIds()) spendEnergy(s, sheets, id, claimed.skills().get(id));
            var event = new LinkedHashMap<String, Object>();
            event.put("round", round);
            event.put("actions", scene.declared().stream().map(d -> Map.of("name", d.name(), "text", d.acted() ? d.text() : "")).toList());
            event.put("text", told.text());
            event.put("speaker", told.speaker());
            event.put("narration", told.narration()); // the DM's part, for a client that shows the character apart
            if (!told.npcSays().isBlank()) event.put("npc", Map.of("name", told.npc(), "text", told.npcSays()));
            event.put("stage", stage);
            event.put("finished", scene.finished());
            if (scene.finished()) {
                event.put("reward", reward(s, sheets, partyId, scene, now));
                s.end(partyId);
            }
            return s.event(partyId, "resolved", event, now);
        });
        waits.toldAll(partyId, claimed.stamp());
        if (resolvedAs < 0) return;
        if (!scene.finished()) {
            opened(partyId);
            // the next round may already have every declaration: only when something happened while it was told
            if (claimed.lastEvent() < 0 || resolvedAs != claimed.lastEvent() + 1) afterChange(partyId);
        } else {
            closed(partyId);
        }
    }

    private void spendEnergy(PartyDao s, CharacterDao sheets, long playerId, List<String> skills) {
        if (skills == null || skills.isEmpty()) return;
        int cost = 0;
        for (var k : sheets.skills(playerId)) if (skills.contains(k.name())) cost += k.cost();
        Sheet sheet = CharacterDao.sheet(s.handle(), playerId).orElseThrow();
        CharacterDao.update(s.handle(), sheet.withResources(0, -Math.min(cost, sheet.energy()))); // checked when declared; never below zero
    }

    /** The task's reward to each member who acted in at least half the rounds, exactly once (this transaction ends the quest). */
    private Map<String, Object> reward(PartyDao s, CharacterDao sheets, String partyId, PartyNarrator.Scene scene, long now) {
        var party = s.party(partyId).orElseThrow();
        var members = s.members(partyId);
        var r = scene.task().reward();
        var out = new LinkedHashMap<String, Object>();
        List<String> names = members.stream().map(PartyDao.Member::name).toList();
        for (var m : members) { // their rows held since the telling began
            if (m.acted() * 2 < party.roundsPlayed()) continue;
            Sheet was = CharacterDao.sheet(s.handle(), m.playerId()).orElseThrow();
            Sheet sheet = was.gainExp(r.exp()).withResources(r.matter(), 0).rested().later(WorldClock.TASK_DONE);
            CharacterDao.update(s.handle(), sheet);
            for (var item : r.items()) sheets.addEquipment(m.playerId(), item.name(), item.description(), item.power(), now);
            out.put(m.name(), Map.of("exp", r.exp(), "matter", r.matter(), "items", r.items().stream().map(i -> i.name()).toList()));
            var others = names.stream().filter(n -> !n.equals(m.name())).toList();
            Memories.remember(s.handle(), m.playerId(), Memories.Kind.TASK,
                    parties.content().say("memory", now, "task", scene.task().name(), "others", String.join(joint, others)),
                    scene.task().npcs().stream().map(n -> n.name()).toList(), "party:" + scene.task().name());
        }
        Chronicle.write(s.handle(), party.leaderId(), parties.content().say("chronicle", now, "task", scene.task().name(),
                "names", String.join(joint, names)));
        return out;
    }
}
