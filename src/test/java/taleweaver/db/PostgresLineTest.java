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

/** PostgreSQL: callers busier than the pool wait for a connection in turn, not past the pool's 3 s into a 503. */
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
}
