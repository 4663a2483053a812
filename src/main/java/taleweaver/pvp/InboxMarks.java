package taleweaver.pvp;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.Handle;
import taleweaver.db.Signals;

import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The heartbeat's change mark (SPEC §15): the challenge part of a player's {@code /refrash} is read from the database
 * once and then answered from memory until something changes it — a challenge to or from the player sent, answered
 * or run out, a battle of theirs started, first moved in or ended. Whatever writes such a change marks the player in
 * its transaction ({@link #changed}); on PostgreSQL the mark also reaches the other instances as a signal. A quiet
 * heartbeat touches no table.
 */
public final class InboxMarks {
    private record Kept(ChallengeService.Inbox inbox, long until, long generation) {}

    private final Signals signals;
    private final ConcurrentMap<Long, Kept> kept = Caffeine.newBuilder().maximumSize(100_000).<Long, Kept>build().asMap();
    private final ConcurrentMap<Long, Long> generations = Caffeine.newBuilder().maximumSize(100_000).<Long, Long>build().asMap();

    public InboxMarks(Signals signals) {
        this.signals = signals;
    }

    /**
     * The player's inbox: the one kept, while nothing changed it and {@code now} is before its first expiry; else
     * {@code read} (which returns the inbox and when its first challenge expires), kept unless a change raced it.
     */
    ChallengeService.Inbox inbox(long playerId, long now, Supplier<Read> read) {
        long generation = generations.getOrDefault(playerId, 0L);
        Kept k = kept.get(playerId);
        if (k != null && k.generation() == generation && now < k.until()) return k.inbox();
        Read fresh = read.get();
        if (generations.getOrDefault(playerId, 0L) == generation) kept.put(playerId, new Kept(fresh.inbox(), fresh.until(), generation));
        return fresh.inbox();
    }

    /**
     * The player's party invitations (SPEC §16), kept the same way: read once, then answered from memory until a change
     * marks the player (an invitation sent, used, or its party gone).
     */
    public List<?> invites(long playerId, Supplier<List<?>> read) {
        long generation = generations.getOrDefault(playerId, 0L);
        KeptInvites k = invites.get(playerId);
        if (k != null && k.generation() == generation) return k.invites();
        List<?> fresh = read.get();
        if (generations.getOrDefault(playerId, 0L) == generation) invites.put(playerId, new KeptInvites(fresh, generation));
        return fresh;
    }

    private record KeptInvites(List<?> invites, long generation) {}

    private final ConcurrentMap<Long, KeptInvites> invites = Caffeine.newBuilder().maximumSize(100_000).<Long, KeptInvites>build().asMap();

    /**
     * A battle a player's heartbeat names that can no longer change for them: over with its last round delivered, or
     * not theirs at all (an id that does not exist yet becomes a battle only through an acceptance, which marks both).
     */
    record Settled(boolean over, long generation) {}

    private final ConcurrentMap<String, Settled> settled = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(java.time.Duration.ofMinutes(10)).<String, Settled>build().asMap(); // read again now and then, whatever happens

    /** What is settled of the battle for the player, or null (read it). */
    Settled settled(long playerId, String battleId) {
        Settled known = settled.get(playerId + "#" + battleId);
        return known != null && known.generation() == generations.getOrDefault(playerId, 0L) ? known : null;
    }

    /** The player's mark now: taken before a read, so a change committed meanwhile makes what was read stale. */
    long generation(long playerId) {
        return generations.getOrDefault(playerId, 0L);
    }

    void settle(long playerId, String battleId, boolean over, long generation) {
        if (generations.getOrDefault(playerId, 0L) == generation) settled.put(playerId + "#" + battleId, new Settled(over, generation));
    }

    /** An inbox as read, and until when it holds (the earliest expiry in it). */
    record Read(ChallengeService.Inbox inbox, long until) {}

    /** Inside the write that changes these players' inboxes: marked here when it commits, and on every other instance. */
    public void changed(Handle h, long... players) {
        for (long p : players) {
            signals.send(h, Signals.Kind.INBOX, String.valueOf(p));
            h.afterCommit(() -> forget(p));
        }
    }

    /** Another instance changed this player's inbox (or this one did, once committed). */
    public void forget(long playerId) {
        generations.merge(playerId, 1L, Long::sum);
        kept.remove(playerId);
        invites.remove(playerId);
    }

    /** The signals were out of reach for a while: read every inbox again. */
    public void forgetAll() {
        generations.replaceAll((p, g) -> g + 1);
        kept.clear();
        invites.clear();
    }
}
