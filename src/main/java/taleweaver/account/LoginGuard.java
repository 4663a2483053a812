package taleweaver.account;

import taleweaver.db.Database;

/**
 * Counts login attempts, in the database so that every instance sees the same count (SPEC §15). An attempt is counted
 * before its password is hashed, by one atomic increment that returns the new count, so parallel guesses cannot all
 * pass a check made before any of them failed; a right password then takes its attempt back. {@code maxFailures}
 * for one account lock it for the lockout time, even for the right password; ten times that from one address lock the
 * address, so one NAT does not lock all its players. A count older than the lockout starts again, and attempts while
 * locked do not lengthen the lock.
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

    /** Milliseconds until the address may try again, without counting anything; 0 when it is not locked. */
    long addressLocked(String address, long now) {
        return db.read(h -> AccountDao.failures(h, "ip:" + address)).map(f -> wait(f.failures(), f.lastAt(), maxFailures * 10, now)).orElse(0L);
    }

    /**
     * Counts an attempt on the account from the address, before its password is checked: milliseconds until it may
     * try again when this attempt is one too many (it is then not checked at all), else 0.
     */
    long attempt(long accountId, String address, long now) {
        return db.write(h -> Math.max(count(h, "a:" + accountId, maxFailures, now), count(h, "ip:" + address, maxFailures * 10, now)));
    }

    private long count(org.jdbi.v3.core.Handle h, String key, int limit, long now) {
        var counted = AccountDao.countAttempt(h, key, now, lockoutMillis, limit);
        return counted.failures() > limit ? Math.max(1, counted.lastAt() + lockoutMillis - now) : 0L;
    }

    private long wait(int failures, long lastAt, int limit, long now) {
        if (now - lastAt > lockoutMillis || failures < limit) return 0L;
        return Math.max(1, lastAt + lockoutMillis - now);
    }

    /** The right password: the account starts again, and the address's count loses the attempt it was charged. */
    void succeeded(long accountId, String address) {
        db.write(h -> {
            AccountDao.forgetAttempts(h, "a:" + accountId);
            AccountDao.takeBackAttempt(h, "ip:" + address);
            return null;
        });
    }

    void sweep(long now) {
        db.write(h -> {
            AccountDao.forgetAttemptsBefore(h, now - lockoutMillis);
            return null;
        });
    }
}
