package taleweaver.account;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The account caches: a change that commits between a read and the cache's fill is never undone by the fill. */
class FreshCacheTest {
    private final Stamps stamps = new Stamps(1000);
    private final FreshCache<String, Long> owners = new FreshCache<>(stamps, owner -> owner, 1000, Duration.ofMinutes(1));

    @Test
    void aLogoutCommittedDuringTheReadMakesTheFilledValueStale() {
        var reads = new AtomicInteger();
        // the read sees the session; before the fill, a logout of player 7 commits (here or on another instance)
        assertEquals(7L, owners.get("token", k -> {
            reads.incrementAndGet();
            stamps.changed(7);
            return 7L;
        }));
        assertNull(owners.get("token", k -> {
            reads.incrementAndGet();
            return null; // the database no longer has it
        }), "read again, not answered from the racing fill");
        assertEquals(2, reads.get());
    }

    @Test
    void aFreshValueIsKeptAndAChangeAfterItIsSeenAtOnce() {
        var reads = new AtomicInteger();
        owners.get("token", k -> (long) (7 + 0 * reads.incrementAndGet()));
        owners.get("token", k -> (long) (7 + 0 * reads.incrementAndGet()));
        assertEquals(1, reads.get(), "kept while nothing changed");
        stamps.changed(8);
        owners.get("token", k -> (long) (7 + 0 * reads.incrementAndGet()));
        assertEquals(1, reads.get(), "another player's change leaves it alone");
        stamps.changed(7);
        owners.get("token", k -> (long) (7 + 0 * reads.incrementAndGet()));
        assertEquals(2, reads.get());
        stamps.changedAll();
        owners.get("token", k -> (long) (7 + 0 * reads.incrementAndGet()));
        assertEquals(3, reads.get(), "missed signals: everything is read again");
    }

    @Test
    void aStampPushedOutOfTheBoundedMapStillMakesOlderValuesStale() {
        var small = new Stamps(2);
        var cache = new FreshCache<String, Long>(small, owner -> owner, 1000, Duration.ofMinutes(1));
        var reads = new AtomicInteger();
        cache.get("a", k -> (long) (1 + 0 * reads.incrementAndGet()));
        small.changed(1);
        for (long p = 100; p < 200; p++) small.changed(p); // player 1's stamp is pushed out
        cache.get("a", k -> (long) (1 + 0 * reads.incrementAndGet()));
        assertEquals(2, reads.get());
    }
}
