package taleweaver.account;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Bounded caches of what the database holds: accounts by name key, session owners by token hash, names by id. The
 * first two expire, and go stale the moment a change to their player is stamped ({@link #changed}: after it commits
 * here, or from another instance's signal), so a logout or kick racing a read is never undone by the read's fill:
 * a value is stamped with the clock from before its read ({@link #now}).
 */
final class AccountCache {
    static final int CACHED = 100_000;
    private static final Duration EXPIRY = Duration.ofMinutes(1);

    private final Stamps stamps = new Stamps(CACHED * 2);
    private final FreshCache<String, Account> byKey = new FreshCache<>(stamps, Account::id, CACHED, EXPIRY);
    private final FreshCache<String, Long> sessions = new FreshCache<>(stamps, owner -> owner, CACHED, EXPIRY);
    private final ConcurrentMap<Long, String> namesById = Caffeine.newBuilder().maximumSize(CACHED).<Long, String>build().asMap();

    /** The clock to stamp a value with: read it before the database read whose result is cached. */
    long now() {
        return stamps.now();
    }

    Account account(String key, Function<String, Account> read) {
        return byKey.get(key, read);
    }

    void account(String key, Account account, long since) {
        byKey.put(key, account, since);
    }

    Long sessionOwner(String tokenHash, Function<String, Long> read) {
        return sessions.get(tokenHash, read);
    }

    void session(String tokenHash, long playerId, long since) {
        sessions.put(tokenHash, playerId, since);
    }

    void sessionEnded(String tokenHash) {
        sessions.remove(tokenHash);
    }

    /** Names never change: kept once read. */
    String name(long id, Function<Long, String> read) {
        String known = namesById.get(id);
        if (known != null) return known;
        String name = read.apply(id);
        if (name != null) namesById.put(id, name);
        return name;
    }

    /** What is cached of this player is read again when next needed. */
    void changed(long playerId) {
        stamps.changed(playerId);
    }

    void changedAll() {
        stamps.changedAll();
    }
}
