package taleweaver.account;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts wrong passwords. {@code maxFailures} for one account lock it for the lockout time, even for the right
 * password; ten times that from one address lock the address, so one NAT does not lock all its players.
 */
final class LoginGuard {
    private final int maxFailures;
    private final long lockoutMillis;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

    LoginGuard(int maxFailures, int lockoutMinutes) {
        this.maxFailures = maxFailures;
        this.lockoutMillis = lockoutMinutes * 60_000L;
    }

    /** Milliseconds until the account may try again; 0 when it is not locked. */
    long accountLocked(long accountId, long now) { return lockedFor("a:" + accountId, maxFailures, now); }
    long addressLocked(String address, long now) { return lockedFor("ip:" + address, maxFailures * 10, now); }

    void failed(long accountId, String address, long now) {
        count("a:" + accountId, now);
        count("ip:" + address, now);
    }

    void succeeded(long accountId) {
        failures.remove("a:" + accountId);
    }

    private long lockedFor(String key, int limit, long now) {
        Failures f = failures.get(key);
        if (f == null) return 0;
        synchronized (f) {
            if (now - f.last > lockoutMillis) {
                failures.remove(key, f);
                return 0;
            }
            return f.count >= limit ? Math.max(1, f.last + lockoutMillis - now) : 0;
        }
    }

    private void count(String key, long now) {
        Failures f = failures.computeIfAbsent(key, k -> new Failures());
        synchronized (f) {
            if (now - f.last > lockoutMillis) f.count = 0;
            f.count++;
            f.last = now;
        }
    }

    void sweep(long now) {
        failures.entrySet().removeIf(e -> now - e.getValue().last > lockoutMillis);
    }

    private static final class Failures {
        int count;
        long last;
    }
}
