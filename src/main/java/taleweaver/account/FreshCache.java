package taleweaver.account;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A bounded cache of what the database holds about players, with an expiry, whose values go stale as soon as their
 * player's {@link Stamps stamp} moves past the moment they were read (never brought back by a fill that raced a change).
 */
final class FreshCache<K, V> {
    private record Entry<V>(V value, long since) {}

    private final Stamps stamps;
    private final ToLongFunction<V> player;
    private final ConcurrentMap<K, Entry<V>> entries;

    FreshCache(Stamps stamps, ToLongFunction<V> player, int size, Duration expiry) {
        this.stamps = stamps;
        this.player = player;
        this.entries = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(expiry).<K, Entry<V>>build().asMap();
    }

    /** The value kept for {@code key} while fresh; else {@code load} (null: none), kept as of before it read. */
    V get(K key, Function<K, V> load) {
        Entry<V> e = entries.get(key);
        if (e != null && stamps.fresh(player.applyAsLong(e.value()), e.since())) return e.value();
        long since = stamps.now();
        V loaded = load.apply(key);
        if (loaded != null) entries.put(key, new Entry<>(loaded, since));
        return loaded;
    }

    /** A value this instance just wrote, good as of {@code since} (taken before the write began). */
    void put(K key, V value, long since) {
        entries.put(key, new Entry<>(value, since));
    }

    void remove(K key) {
        entries.remove(key);
    }

    void clear() {
        entries.clear();
    }
}
