package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import taleweaver.account.Player;
import taleweaver.db.Database;
import taleweaver.web.Json;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /party_status} and {@code /party_wait} (SPEC §16): the scene as it is, and the party's events numbered above {@code after}, at once when there are some, else
 * parked (no thread) until there are or the wait runs out. The wait is parked before the events are read, so an event
 * committed in between wakes it rather than being missed.
 */
public final class PartyFeed {
    /** The most events one reply carries; the client asks again from {@code last}. */
    static final int BATCH = 100;

    public record Events(List<JsonNode> events, int last) {}

    private final Database db;
    private final PartyWaits waits;
    private final taleweaver.pvp.Presence presence;
    private final PartyHints hints;
    private final PartyContent content;

    PartyFeed(Database db, PartyWaits waits, taleweaver.pvp.Presence presence, PartyHints hints, PartyContent content) {
        this.hints = hints;
        this.content = content;
        this.db = db;
        this.waits = waits;
        this.presence = presence;
    }

    /**
     * {@code /party_status}: the party as it is now, so a reloaded page or a reconnecting player finds the scene;
     * {@code goal} (beyond SPEC §16): what the stage under way asks, null outside a quest.
     */
    public record MemberView(String name, int level, int hp, int maxHp, String state, boolean ready, boolean acted) {}
    public record Status(String partyId, String code, String leader, List<MemberView> members, String task, int stage, String goal,
                         int round, String deadline, List<com.fasterxml.jackson.databind.JsonNode> recent, int last) {}

    public Status status(Player p) {
        return db.read(h -> {
            var s = PartyDao.reading(h);
            String id = s.partyOf(p.id()).orElseThrow(PartyService::notInParty);
            var party = s.party(id).orElseThrow();
            var acted = new java.util.HashSet<Long>();
            s.actions(id, party.round()).forEach(a -> acted.add(a.playerId()));
            var views = new java.util.ArrayList<MemberView>();
            String leader = "";
            for (var m : s.members(id)) {
                if (m.playerId() == party.leaderId()) leader = m.name();
                // a member in a duel follows passively until it ends (and is not waited for)
                String state = !presence.online(m.playerId()) ? "offline" : m.dueling() ? "passive" : m.state();
                views.add(new MemberView(m.name(), m.level(), m.hp(), m.maxHp(), state, m.ready(), acted.contains(m.playerId())));
            }
            // this quest's rounds; once it has ended (or paused), its last round too
            var recent = s.recentResolved(id, 3, party.phase().equals("playing") ? party.round() : party.round() + 1);
            String deadline = party.deadline() == null ? null : java.time.Instant.ofEpochMilli(party.deadline()).toString();
            boolean underWay = party.phase().equals("playing") || party.phase().equals("paused");
            String goal = underWay ? content.task(party.task()).map(t -> t.stages().get(party.stage()).goal()).orElse(null) : null;
            return new Status(id, party.code(), leader, views, party.phase().equals("forming") ? null : party.task(), party.stage(), goal,
                    party.round(), deadline, recent, party.lastEvent());
        });
    }


    /** {@code stream} (may be null): where the round's telling goes, as it is written, while this wait lasts. */
    public CompletableFuture<Events> await(Player p, int after, int waitSeconds, java.util.function.Consumer<String> stream) {
        return await(p, after, waitSeconds, stream, hints.of(p.id()));
    }

    private CompletableFuture<Events> await(Player p, int after, int waitSeconds, java.util.function.Consumer<String> stream, String hinted) {
        String partyId = hinted != null ? hinted : db.read(h -> PartyDao.reading(h).partyOf(p.id())).orElseThrow(PartyService::notInParty);
        long until = System.currentTimeMillis() + waitSeconds * 1000L;
        var first = first(partyId, p.id(), hinted != null, after, until);
        if (first == null) { // the hint was wrong: the party is asked for
            hints.wrong(p.id(), hinted);
            return await(p, after, waitSeconds, stream, null);
        }
        if (hinted == null) hints.found(p.id(), partyId); // a hint that held is kept as it is
        // a round's words are heard while a quest is played: not a telling that outlived its quest (a member left mid-round)
        if (stream == null || !first.playing()) return first.events();
        waits.listen(partyId, first.telling(), stream); // after the membership is known: the words so far, then each piece
        return first.events().whenComplete((v, e) -> waits.unlisten(partyId, stream));
    }

    /** A wait as its first read left it, whether the party was playing a quest then and the round told then (its claim's stamp; 0: none). */
    private record First(CompletableFuture<Events> events, boolean playing, long telling) {}

    /** The wait's first read, which also says whether the player is still a member: null when a hint's party is not theirs. */
    private First first(String partyId, long playerId, boolean hinted, int after, long until) {
        long left = until - System.currentTimeMillis();
        var woken = left > 0 ? waits.park(partyId, left) : null;
        Read now = read(partyId, after, playerId);
        if (hinted && !now.member()) {
            if (woken != null) waits.unpark(partyId, woken);
            return null;
        }
        return new First(then(partyId, after, until, woken, now), now.playing(), now.telling());
    }

    /**
     * The events above {@code after}, waiting for some until {@code until}. A wait woken only by declarations while
     * the round they completed is being told waits on through the telling (seconds at most, never past its own
     * {@code wait}): the resolution is what its member is waiting for, and a streamed one hears the words meanwhile.
     * Each round then costs a member one wait instead of two.
     */
    private CompletableFuture<Events> next(String partyId, int after, long until, PartyWaits.News news) {
        var told = told(news, after);
        if (!told.isEmpty()) return CompletableFuture.completedFuture(new Events(told, told.get(told.size() - 1).path("n").asInt()));
        long left = until - System.currentTimeMillis();
        var woken = left > 0 ? waits.park(partyId, left) : null;
        return then(partyId, after, until, woken, read(partyId, after, -1));
    }

    /** Given what was read after parking {@code woken} (null: no time left): answer now, or wait on. */
    private CompletableFuture<Events> then(String partyId, int after, long until, CompletableFuture<PartyWaits.News> woken, Read now) {
        boolean onlyDeclarations = now.events().stream().allMatch(PartyFeed::declaration);
        boolean keepWaiting = now.telling() != 0 && onlyDeclarations;
        if ((!now.events().isEmpty() && !keepWaiting) || woken == null) {
            if (woken != null) waits.unpark(partyId, woken);
            return CompletableFuture.completedFuture(new Events(now.events(), now.last()));
        }
        if (now.events().isEmpty()) return woken.thenCompose(news -> next(partyId, after, until, news));
        var before = now.events();
        return woken.thenCompose(news -> next(partyId, now.last(), until, news)).thenApply(later -> {
            var all = new java.util.ArrayList<>(before);
            all.addAll(later.events());
            return new Events(all, Math.max(later.last(), now.last()));
        });
    }

    /**
     * What a wait above {@code after} can be told from the events handed to its wake, without reading: those that come
     * right after it with no gap, when one of them is more than a declaration (a wait that finds only declarations may
     * wait on for the round's telling, which a read says); else nothing.
     */
    private static List<JsonNode> told(PartyWaits.News news, int after) {
        var above = news == null ? List.<JsonNode>of() : news.above(after);
        return above.stream().allMatch(PartyFeed::declaration) ? List.of() : above;
    }

    private static boolean declaration(JsonNode event) {
        return event.path("kind").asText().equals("acted");
    }

    /** {@code telling}: the stamp of the claim of the round being told (0: none). */
    private record Read(List<JsonNode> events, int last, boolean playing, long telling, boolean member) {}

    /** {@code playerId}: whose membership the read also says (-1: nobody's). */
    private Read read(String partyId, int after, long playerId) {
        var feed = db.read(h -> PartyDao.reading(h).feed(partyId, Math.max(0, after), BATCH, playerId));
        if (feed == null) return new Read(List.of(), after, false, 0, false); // the party is gone
        var events = feed.events().stream().map(e -> Json.parse(e.data())).toList();
        return new Read(events, events.isEmpty() ? feed.lastEvent() : events.get(events.size() - 1).path("n").asInt(), feed.playing(), feed.telling(),
                feed.member());
    }
}
