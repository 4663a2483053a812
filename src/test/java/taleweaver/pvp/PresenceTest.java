package taleweaver.pvp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.account.Player;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * Several instances read the shared table every second: a player who closed the browser without logging out leaves
     * a row that says only "offline", and it goes once it is older than {@link Presence#FORGET_AFTER_MILLIS}.
     */
    @Test
    void sightingsLongGoneAreDeletedAndRecentOnesKept(@TempDir Path dir) {
        long[] ages = {Presence.FORGET_AFTER_MILLIS + 60_000, Presence.FORGET_AFTER_MILLIS - 60_000, 5_000};
        assertEquals(List.of(2L, 3L), keptAfterSharing(dir, new Presence(30), ages));
    }

    /** A party's idle check reads the rows too: they are kept for party.idle_minutes and a minute more (Services). */
    @Test
    void rowsAreKeptAsLongAsAPartyWaitsBeforePausing(@TempDir Path dir) {
        long keep = 31 * 60_000L;
        assertEquals(List.of(2L, 3L), keptAfterSharing(dir, new Presence(30, keep), keep + 60_000, keep - 60_000, 5_000));
    }

    /** Rows of players last seen {@code ages} ms ago, one sharing by {@code presence}: the players whose rows are left. */
    private static List<Long> keptAfterSharing(Path dir, Presence presence, long... ages) {
        try (var db = TestConfig.database(dir)) {
            long now = System.currentTimeMillis();
            db.write(h -> {
                for (int i = 0; i < ages.length; i++) {
                    h.execute("insert into players(id, name, name_key, email, password_hash, created_at) values (?, ?, ?, ?, 'x', 0)",
                            i + 1, "P" + i, "p" + i, "p" + i + "@x.org");
                    PresenceDao.share(h, i + 1, now - ages[i]);
                }
                return null;
            });
            presence.share(db);
            assertEquals(List.of("P2"), presence.others(-1).stream().map(Player::name).toList(), "who is online is read as before");
            return db.read(h -> h.createQuery("select player_id from presence order by player_id").mapTo(Long.class).list());
        }
    }
}
