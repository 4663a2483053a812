package taleweaver.party;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The party each player was last found in on this instance. A member's declarations and waits follow one another all
 * quest long, and each would otherwise begin with a statement asking which party it is. A hint only: whoever uses one
 * checks it against the member rows it reads anyway, and a wrong one (the player left, was kicked, joined another
 * party, maybe on another instance) is dropped and the party asked for.
 */
final class PartyHints {
    private final ConcurrentHashMap<Long, String> last = new ConcurrentHashMap<>();

    /** The party the player was last found in here, or null. */
    String of(long playerId) {
        return last.get(playerId);
    }

    /** The player was found a member of the party. */
    void found(long playerId, String partyId) {
        last.put(playerId, partyId);
    }

    /** The hint was wrong: asked for next time. */
    void wrong(long playerId, String partyId) {
        last.remove(playerId, partyId);
    }
}
