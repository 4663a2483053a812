package taleweaver.db;

import taleweaver.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {
    @Test
    void createsTheFileInWalModeAndRecordsMigrationsOnce(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "a SQLite file");
        Path file = dir.resolve("sub/folder/game.db");
        try (var db = new Database(file.toString())) {
            assertTrue(Files.exists(file));
            assertEquals("wal", db.read(h -> h.createQuery("pragma journal_mode").mapTo(String.class).one()));
            int applied = db.read(h -> h.createQuery("select count(*) from schema_migrations").mapTo(Integer.class).one());
            assertEquals(Database.MIGRATIONS.length, applied);
        }
        try (var db = new Database(file.toString())) {
            List<String> names = db.read(h -> h.createQuery("select name from schema_migrations order by version").mapTo(String.class).list());
            assertEquals(List.of(Database.MIGRATIONS), names);
            assertTrue(db.healthy());
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.execute("insert into images(key, png) values ('half', ?)", (Object) new byte[1]);
                throw new IllegalStateException("boom");
            }));
            int rows = db.read(h -> h.createQuery("select count(*) from images").mapTo(Integer.class).one());
            assertEquals(0, rows);
        }
    }

    /**
     * SQLite: every write goes through one connection of its own, whose page cache another connection's write never
     * empties; reads take the pool's. With all eight of the pool's held by reads, writes from two threads still go
     * through at once, on the same connection, and a read afterwards sees both.
     */
    @Test
    void writesGoThroughOneConnectionOfTheirOwn(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "SQLite's one writer");
        try (var db = new Database(dir.resolve("game.db").toString())) {
            var readers = java.util.concurrent.Executors.newFixedThreadPool(8);
            var holding = new java.util.concurrent.CountDownLatch(8);
            var release = new java.util.concurrent.CountDownLatch(1);
            try {
                var reads = new java.util.ArrayList<java.util.concurrent.Future<java.sql.Connection>>();
                for (int i = 0; i < 8; i++) {
                    reads.add(readers.submit(() -> db.read(h -> {
                        holding.countDown();
                        release.await();
                        return h.getConnection().unwrap(java.sql.Connection.class);
                    })));
                }
                holding.await();
                var writers = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    var used = new java.util.ArrayList<java.sql.Connection>();
                    for (String key : List.of("one", "two")) {
                        used.add(writers.submit(() -> db.write(h -> {
                            h.execute("insert into images(key, png) values (?, ?)", key, new byte[1]);
                            return h.getConnection().unwrap(java.sql.Connection.class);
                        })).get(2, java.util.concurrent.TimeUnit.SECONDS)); // the pool's own wait is 3 s
                    }
                    assertTrue(used.get(0) == used.get(1), "both writes on the writer");
                    release.countDown();
                    for (var read : reads) assertTrue(read.get() != used.get(0), "reads on the pool's connections");
                } finally {
                    writers.shutdown();
                }
            } finally {
                release.countDown();
                readers.shutdown();
            }
            int rows = db.read(h -> h.createQuery("select count(*) from images").mapTo(Integer.class).one());
            assertEquals(2, rows);
        }
    }

    /** A write after the database is closed fails, rather than opening a connection that nothing would close. */
    @Test
    void noWriteAfterClose(@TempDir Path dir) {
        var db = TestConfig.database(dir);
        db.close();
        assertThrows(RuntimeException.class, () -> db.write(h -> h.execute("insert into images(key, png) values ('late', ?)", (Object) new byte[1])));
    }

    /** A round's resolution ({@code writeFirst}) goes before every ordinary write queued behind the one being written. */
    @Test
    void aWriteOthersWaitOnOvertakesTheQueuedOnes(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "SQLite's one writer");
        try (var db = new Database(dir.resolve("game.db").toString())) {
            var order = java.util.Collections.synchronizedList(new java.util.ArrayList<String>());
            var holding = new java.util.concurrent.CountDownLatch(1);
            var release = new java.util.concurrent.CountDownLatch(1);
            Thread first = new Thread(() -> db.write(h -> {
                order.add("first");
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            first.start();
            holding.await();
            var waiting = new java.util.ArrayList<Thread>();
            for (String name : List.of("next", "later", "resolution")) {
                Thread t = new Thread(() -> {
                    if (name.equals("resolution")) db.writeFirst(h -> order.add(name));
                    else db.write(h -> order.add(name));
                });
                t.start();
                while (t.getState() != Thread.State.WAITING) Thread.onSpinWait(); // queued before the next one starts
                waiting.add(t);
            }
            release.countDown();
            first.join();
            for (Thread t : waiting) t.join();
            assertEquals(List.of("first", "resolution", "next", "later"), order);
        }
    }
}
