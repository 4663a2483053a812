package taleweaver.pvp;

import org.junit.jupiter.api.Test;
import taleweaver.account.Player;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTest {
    private final Player ann = new Player(1, "Ann");

    @Test
    void aRequestInProgressKeepsItsPlayerOnlineButNotForever() {
        var presence = new Presence(30);
        long start = System.currentTimeMillis();
        presence.begin(ann); // a parked wait that never ends (the client vanished)
        assertTrue(presence.online(1, start + 60_000), "past the 30 s timeout, the request still in progress counts");
        assertFalse(presence.online(1, start + Presence.LONGEST_REQUEST_MILLIS + 1_000), "but not for longer than the longest request");
    }

    @Test
    void aFinishedRequestCountsForTheTimeout() {
        var presence = new Presence(30);
        long start = System.currentTimeMillis();
        presence.begin(ann);
        presence.end(ann);
        assertTrue(presence.online(1, start + 20_000));
        assertFalse(presence.online(1, start + 40_000));
        presence.begin(ann);
        presence.offline(ann);
        assertFalse(presence.online(1, System.currentTimeMillis()), "/logout: offline at once, even mid-request");
    }
}
