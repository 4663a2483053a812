package taleweaver.account;

import taleweaver.db.Database;

/**
 * Counts wrong passwords, in the database so that every instance sees the same count (SPEC §15). {@code maxFailures}
 * for one account lock it for the lockout time, even for the right password; ten times that from one address lock the
 * address, so one NAT does not lock all its players. A count older than the lockout starts again.
 */
final class LoginGuard {
    private final Database db;
    private final int maxFailures;
    private final long lockoutMillis;

    LoginGuard(Database db, int maxFailures, int lockoutMinutes) {
        this.db = db;
        this.maxFailures = maxFailures;
        this.lockoutMillis = lockoutMinutes * 60_000L;
    }

    /** Milliseconds until the account may try again; 0 when it is not locked. */
    long accountLocked(long accountId, long now) { return lockedFor("a:" + accountId, maxFailures, now); }
    long addressLocked(String address, long now) { return lockedFor("ip:" + address, maxFailures * 10, now); }

    void failed(long accountId, String address, long now) {
        db.write(h -> {
            for (String key : new String[]{"a:" + accountId, "ip:" + address}) {
                h.execute("insert into login_failures(key, failures, last_at) values (?, 1, ?) on conflict(key) do update set "
                        + "failures = case when ? - login_failures.last_at > ? then 1 else login_failures.failures + 1 end, last_at = ?",
                        key, now, now, lockoutMillis, now);
            }
            return null;
        });
    }

    void succeeded(long accountId) {
        db.write(h -> h.execute("delete from login_failures where key = ?", "a:" + accountId));
    }

    private long lockedFor(String key, int limit, long now) {
        return db.read(h -> h.createQuery("select failures, last_at from login_failures where key = ?").bind(0, key)
                .map((rs, ctx) -> {
                    long last = rs.getLong(2);
                    if (now - last > lockoutMillis || rs.getInt(1) < limit) return 0L;
                    return Math.max(1, last + lockoutMillis - now);
                }).findOne().orElse(0L));
    }

    void sweep(long now) {
        db.write(h -> h.execute("delete from login_failures where last_at < ?", now - lockoutMillis));
    }
}
