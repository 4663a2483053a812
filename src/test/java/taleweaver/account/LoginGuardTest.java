package taleweaver.account;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login counts' sweep (every minute, from the housekeeping) forgets only the counts whose lockout is over. */
class LoginGuardTest {
    @TempDir
    Path dir;

    @Test
    void theSweepForgetsOnlyCountsOlderThanTheLockout() {
        try (var db = TestConfig.database(dir)) {
            var guard = new LoginGuard(db, 2, 10);
            long start = 1_000_000_000_000L, minute = 60_000L;
            guard.attempt(1, "10.0.0.1", start);
            guard.attempt(1, "10.0.0.1", start);
            assertTrue(guard.attempt(1, "10.0.0.1", start) > 0, "the third attempt is one too many");

            guard.sweep(start + minute);
            assertTrue(guard.attempt(1, "10.0.0.1", start + minute) > 0, "a minute on, the sweep left the lock alone");
            assertEquals(4, failures(db, "a:1"));

            guard.sweep(start + 12 * minute);
            assertEquals(0, failures(db, "a:1"), "over ten minutes after the count last moved, it is gone");
            assertEquals(0, failures(db, "ip:10.0.0.1"));
        }
    }

    private static int failures(taleweaver.db.Database db, String key) {
        return db.read(h -> AccountDao.failures(h, key)).map(AccountDao.Failures::failures).orElse(0);
    }
}
