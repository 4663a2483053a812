package taleweaver.account;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each player's account or sessions last changed, on one clock that only moves forward. A value read from the
 * database at clock {@code since} is still good while no change to its player has been stamped after it began: so a
 * kick or logout that commits between a read and the cache's fill makes the filled value stale at once. A player's
 * stamp pushed out of the bounded map raises the floor, so every value older than it is read again.
 */
final class Stamps {
    private final AtomicLong clock = new AtomicLong();
    private volatile long floor;
    private final ConcurrentMap<Long, Long> changed;

    Stamps(int kept) {
        changed = Caffeine.newBuilder().maximumSize(kept)
                .<Long, Long>evictionListener((player, stamp, cause) -> raiseFloor(stamp == null ? clock.get() : stamp))
                .build().asMap();
    }

    /** Taken before a read: the value read is good unless its player changes after this. */
    long now() {
        return clock.get();
    }

    /** After a change to the player has committed (here or on another instance). */
    void changed(long player) {
        changed.put(player, clock.incrementAndGet());
    }

    /** Everything read before now is read again (signals were missed). */
    void changedAll() {
        raiseFloor(clock.incrementAndGet());
    }

    boolean fresh(long player, long since) {
        return since >= Math.max(floor, changed.getOrDefault(player, 0L));
    }

    private synchronized void raiseFloor(long stamp) {
        if (stamp > floor) floor = stamp;
    }
}
