package taleweaver.narrator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** narrator.daily_tokens_per_player's counting: a new budget each UTC day, and no count lost to a failed write. */
class TokenLedgerTest {
    @TempDir
    Path dir;

    private static final long DAY = 86_400_000L;

    @Test
    void aNewDayIsANewBudgetAndYesterdaysCountIsWrittenToYesterday() {
        try (var db = TestConfig.database(dir)) {
            db.write(h -> h.execute("insert into players(id, name, name_key, email, password_hash, created_at) values (1, 'Ann', 'ann', 'a@b.c', 'x', 0)"));
            var now = new AtomicLong(20_000 * DAY + DAY - 60_000); // a minute before midnight UTC
            var ledger = new TokenLedger(db, 100, now::get);
            ledger.record(1, 100);
            assertEquals(100, ledger.spentToday(1));
            assertFalse(ledger.hasBudget(1), "the day's budget is spent");
            String yesterday = ledger.today();

            now.addAndGet(120_000);
            assertEquals(0, ledger.spentToday(1), "after midnight");
            assertTrue(ledger.hasBudget(1));
            ledger.flush();
            assertEquals(100, spent(db, yesterday));
            assertEquals(0, spent(db, ledger.today()));
        }
    }

    @Test
    void theCountsOfAFailedWriteGoWithTheNext() {
        try (var db = TestConfig.database(dir)) {
            db.write(h -> h.execute("insert into players(id, name, name_key, email, password_hash, created_at) values (1, 'Ann', 'ann', 'a@b.c', 'x', 0)"));
            var ledger = new TokenLedger(db, 1000);
            ledger.record(1, 120);
            db.write(h -> h.execute("alter table token_usage rename to token_usage_away"));
            assertThrows(RuntimeException.class, ledger::flush, "the table is away");
            ledger.record(1, 30);
            db.write(h -> h.execute("alter table token_usage_away rename to token_usage"));
            ledger.flush();
            assertEquals(150, spent(db, ledger.today()), "the failed write's 120 and the 30 after it");
            assertEquals(150, ledger.spentToday(1));
        }
    }

    /** Ann's total of {@code day} as written. */
    private static int spent(taleweaver.db.Database db, String day) {
        return db.read(h -> TokenDao.spent(h, 1L, day));
    }
}
