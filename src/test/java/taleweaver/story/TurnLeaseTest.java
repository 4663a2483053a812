package taleweaver.story;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Jobs;
import taleweaver.Refusal;
import taleweaver.TestConfig;
import taleweaver.db.Database;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The turn lease (SPEC §15) outlives whatever runs under it, and its waits run on the jobs' workers, not the timer. */
class TurnLeaseTest {
    @TempDir
    Path dir;
    final Jobs jobs = new Jobs();
    Database db;

    @AfterEach
    void close() {
        jobs.close();
        if (db != null) db.close();
    }

    /** The test's database with a player whose id is 7. */
    private Database player7() {
        var opened = TestConfig.database(dir);
        opened.write(h -> h.execute("insert into players(id, name, name_key, email, password_hash, created_at) values (7, 'Ann', 'ann', 'a@x.org', 'x', 0)"));
        return opened;
    }

    @Test
    void aTurnLongerThanTheLeaseKeepsItAndNoOtherInstanceRunsOneMeanwhile() throws Exception {
        db = player7();
        var here = new TurnLease(db, "one", 300, jobs, () -> "busy", new taleweaver.narrator.TokenLedger(db, 1000));
        var there = new TurnLease(db, "two", 300, jobs, () -> "busy", new taleweaver.narrator.TokenLedger(db, 1000));
        var slow = new CompletableFuture<String>(); // a turn waiting for its picture, far past the lease's length
        var first = here.holding(7, () -> slow);
        // the other instance tries for a whole lease's length (and more) while the first turn goes on
        for (int i = 0; i < 3; i++) {
            var second = there.holding(7, () -> CompletableFuture.completedFuture("second"));
            var e = assertThrows(CompletionException.class, second::join);
            assertInstanceOf(Refusal.class, e.getCause(), "refused as busy, never run beside the first");
        }
        slow.complete("first");
        assertEquals("first", first.get(10, TimeUnit.SECONDS));
        assertEquals("after", there.holding(7, () -> CompletableFuture.completedFuture("after")).get(10, TimeUnit.SECONDS),
                "given back when the turn ends");
    }

    /** What a turn spent under the lease is what the next turn, on another instance, finds: no flush in between. */
    @Test
    void theTokensATurnSpentAreWrittenWithTheLeaseAndReadWithTheNext() throws Exception {
        db = player7();
        var ledgerHere = new taleweaver.narrator.TokenLedger(db, 1000);
        var ledgerThere = new taleweaver.narrator.TokenLedger(db, 1000);
        var here = new TurnLease(db, "one", 5_000, jobs, () -> "busy", ledgerHere);
        var there = new TurnLease(db, "two", 5_000, jobs, () -> "busy", ledgerThere);
        assertEquals(0, there.holding(7, () -> CompletableFuture.completedFuture(ledgerThere.spentToday(7))).get(10, TimeUnit.SECONDS));
        here.holding(7, () -> {
            ledgerHere.record(7, 600);
            return CompletableFuture.completedFuture(null);
        }).get(10, TimeUnit.SECONDS);
        assertEquals(600, there.holding(7, () -> CompletableFuture.completedFuture(ledgerThere.spentToday(7))).get(10, TimeUnit.SECONDS),
                "the other instance had read 0 before; taking the lease reads 600");
        there.holding(7, () -> {
            ledgerThere.record(7, 500);
            return CompletableFuture.completedFuture(null);
        }).get(10, TimeUnit.SECONDS);
        assertEquals(false, here.holding(7, () -> CompletableFuture.completedFuture(ledgerHere.hasBudget(7))).get(10, TimeUnit.SECONDS),
                "1,100 of 1,000");
        assertEquals(1100, (int) db.read(h -> h.createQuery("select tokens from token_usage where player_id = 7").mapTo(Integer.class).one()),
                "written when each lease was given back");
    }

    @Test
    void aTurnThatWaitedForTheLeaseRunsOnTheWorkersNotTheTimer() throws Exception {
        db = player7();
        var here = new TurnLease(db, "one", 5_000, jobs, () -> "busy", new taleweaver.narrator.TokenLedger(db, 1000));
        var gate = new CompletableFuture<String>();
        var first = here.holding(7, () -> gate);
        var ranOn = new CompletableFuture<String>();
        var second = here.holding(7, () -> {
            ranOn.complete(Thread.currentThread().getName());
            return CompletableFuture.completedFuture("second");
        });
        jobs.after(50, () -> gate.complete("first"));
        assertEquals("second", second.get(10, TimeUnit.SECONDS));
        assertEquals("first", first.get(10, TimeUnit.SECONDS));
        assertNotEquals("timers", ranOn.get(), "a blocking turn never runs on the thread that keeps every deadline");
    }

    @Test
    void aJobThatBlocksDelaysNoOtherTimer() throws Exception {
        var blocked = new CompletableFuture<Void>();
        jobs.after(0, blocked::join); // a job stuck on a slow database
        var deadline = new CompletableFuture<String>();
        jobs.after(20, () -> deadline.complete(Thread.currentThread().getName()));
        assertNotEquals("timers", deadline.get(10, TimeUnit.SECONDS), "run on a worker while another job blocks");
        blocked.complete(null);
    }
}
