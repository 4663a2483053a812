package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import taleweaver.Refusal;
import taleweaver.account.Player;
import taleweaver.db.Database;
import taleweaver.web.Json;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /party_wait} (SPEC §16): the party's events numbered above {@code after}, at once when there are some, else
 * parked (no thread) until there are or the wait runs out. The wait is parked before the events are read, so an event
 * committed in between wakes it rather than being missed.
 */
public final class PartyFeed {
    /** The most events one reply carries; the client asks again from {@code last}. */
    static final int BATCH = 100;

    public record Events(List<JsonNode> events, int last) {}

    private final Database db;
    private final PartyWaits waits;

    public PartyFeed(Database db, PartyWaits waits) {
        this.db = db;
        this.waits = waits;
    }

    /** {@code stream} (may be null): where the round's telling goes, as it is written, while this wait lasts. */
    public CompletableFuture<Events> await(Player p, int after, int waitSeconds, java.util.function.Consumer<String> stream) {
        String partyId = db.read(h -> new PartyStore(h, false).partyOf(p.id()))
                .orElseThrow(() -> new Refusal(404, "not_in_party", "you are not in a party"));
        long until = System.currentTimeMillis() + waitSeconds * 1000L;
        if (stream == null) return next(partyId, after, until);
        waits.listen(partyId, stream);
        return next(partyId, after, until).whenComplete((v, e) -> waits.unlisten(partyId, stream));
    }

    private CompletableFuture<Events> next(String partyId, int after, long until) {
        long left = until - System.currentTimeMillis();
        var woken = left > 0 ? waits.park(partyId, left) : null;
        Events now = read(partyId, after);
        if (!now.events().isEmpty() || woken == null) {
            if (woken != null) waits.unpark(partyId, woken);
            return CompletableFuture.completedFuture(now);
        }
        return woken.thenCompose(v -> next(partyId, after, until));
    }

    private Events read(String partyId, int after) {
        return db.read(h -> {
            var s = new PartyStore(h, false);
            var events = s.events(partyId, Math.max(0, after), BATCH).stream().map(e -> Json.parse(e.data())).toList();
            int last = s.party(partyId).map(PartyStore.Party::lastEvent).orElse(after);
            return new Events(events, events.isEmpty() ? last : events.get(events.size() - 1).path("n").asInt());
        });
    }
}
