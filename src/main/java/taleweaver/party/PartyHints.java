package taleweaver.party;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The party each player was last found in on this instance. A member's declarations and waits follow one another all
 * quest long, and each would otherwise begin with a statement asking which party it is. A hint only: whoever uses one
 * checks it against the member rows it reads anyway, and a wrong one (the player left, was kicked, joined another
 * party, maybe on another instance) is dropped and the party asked for.
 */
final class PartyHints {
    /** Past this many players remembered, the hints start again (players who left, or never came back). */
    static final int MAX = 100_000;
    private final ConcurrentHashMap<Long, String> last = new ConcurrentHashMap<>();

    /** The party the player was last found in here, or null. */
    String of(long playerId) {
        return last.get(playerId);
    }

    /** The player was found a member of the party. */
    void found(long playerId, String partyId) {
        if (last.size() >= MAX && !last.containsKey(playerId)) last.clear();
        last.put(playerId, partyId);
    }

    /** The hint was wrong: asked for next time. (Leaving drops no hint: the next request finds out, on any instance alike.) */
    void wrong(long playerId, String partyId) {
        last.remove(playerId, partyId);
    }
}
