package taleweaver.web;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets keyed by address or by role: {@code perMinute} requests a minute, refilled smoothly.
 * A refused request takes nothing from the bucket.
 */
public final class RateLimiter {
    private final double capacity;
    private final double perMilli;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute) {
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
    }

    /** 0 when the request may go ahead (and is counted); else the whole seconds to wait. */
    public long acquire(String key, long nowMillis) {
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(capacity, nowMillis));
        synchronized (b) {
            b.tokens = refilled(b, nowMillis);
            b.at = nowMillis;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return secondsUntilOne(b.tokens);
        }
    }

    /** Returns a request {@link #acquire} counted that turned out not to count (the right admin token, say). */
    public void giveBack(String key) {
        Bucket b = buckets.get(key);
        if (b == null) return;
        synchronized (b) {
            b.tokens = Math.min(capacity, b.tokens + 1);
        }
    }

    /** Drops buckets that have refilled completely: they hold no information. */
    public void sweep(long nowMillis) {
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                return refilled(b, nowMillis) >= capacity;
            }
        });
    }

    /** The bucket's tokens at {@code nowMillis} (call holding its lock). */
    private double refilled(Bucket b, long nowMillis) {
        return Math.min(capacity, b.tokens + (nowMillis - b.at) * perMilli);
    }

    private long secondsUntilOne(double tokens) {
        return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli / 1000.0));
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
