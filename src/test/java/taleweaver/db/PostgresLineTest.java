package taleweaver.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.TestPostgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL: callers busier than the pool wait for a connection in turn, not past the pool's 3 s into a 503; a write
 * the database rolls back to break a deadlock is written again.
 */
class PostgresLineTest {
    @TempDir
    Path dir;

    @Test
    void fortyCallersOnTwoConnectionsAllGetTheirTurn() throws Exception {
        var storage = TestConfig.of(dir, "storage.url=" + TestPostgres.freshUrl(), "storage.pool_size=2").storage();
        var callers = Executors.newFixedThreadPool(40);
        try (var db = new Database(storage)) {
            var done = new ArrayList<Future<Integer>>();
            // 40 reads of 0.2 s on 2 connections: the last one waits about 3.8 s for its turn
            for (int i = 0; i < 40; i++) {
                done.add(callers.submit(() -> db.read(h -> h.createQuery("select 1 from pg_sleep(0.2)").mapTo(Integer.class).one())));
            }
            int answered = 0;
            for (var d : done) answered += d.get(30, TimeUnit.SECONDS);
            assertEquals(40, answered, "every caller answered, none refused for want of a connection");
        } finally {
            callers.shutdownNow();
        }
    }

    /** Two writes taking the same two rows in opposite orders: the database breaks the deadlock, and both are written. */
    @Test
    void aWriteRolledBackToBreakADeadlockIsWrittenAgain() throws Exception {
        var storage = TestConfig.of(dir, "storage.url=" + TestPostgres.freshUrl(), "storage.pool_size=4").storage();
        var writers = Executors.newFixedThreadPool(2);
        try (var db = new Database(storage)) {
            db.write(h -> h.execute("create table pair(id int primary key, n int not null); insert into pair values (1, 0), (2, 0)"));
            var bothHoldOne = new java.util.concurrent.CountDownLatch(2);
            java.util.function.BiFunction<Integer, Integer, Future<Integer>> write = (first, second) -> writers.submit(() -> db.write(h -> {
                h.execute("update pair set n = n + 1 where id = ?", first);
                bothHoldOne.countDown();
                bothHoldOne.await(10, TimeUnit.SECONDS); // each holds its first row: the second update closes the circle
                return h.execute("update pair set n = n + 1 where id = ?", second);
            }));
            var one = write.apply(1, 2);
            var other = write.apply(2, 1);
            assertEquals(1, one.get(30, TimeUnit.SECONDS));
            assertEquals(1, other.get(30, TimeUnit.SECONDS));
            assertEquals(java.util.List.of(2, 2), db.read(h -> h.createQuery("select n from pair order by id").mapTo(Integer.class).list()),
                    "each row counted once by each write: the one rolled back was written again, not twice");
        } finally {
            writers.shutdownNow();
        }
    }
}
