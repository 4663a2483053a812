package taleweaver.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQLite keeps each connection's prepared statements (KeptStatements); reads can share one read transaction; a write
 * begins and ends its own transaction with kept statements.
 */
class KeptStatementsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void sqliteOnly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "SQLite's statements and transactions");
    }

    /** The statement a query ran on. */
    private static Statement used(Handle h, String sql) {
        return h.createQuery(sql).map((rs, ctx) -> ctx.getStatement()).one();
    }

    @Test
    void aStatementIsKeptAndRunAgainWithNewArguments() {
        try (var db = TestConfig.database(dir)) {
            db.write(h -> h.execute("insert into images(key, png) values ('a', ?), ('b', ?)", new byte[]{1}, new byte[]{2, 2}));
            db.read(h -> {
                assertSame(used(h, "select 1 where 1 = 1"), used(h, "select 1 where 1 = 1"));
                String sql = "select length(png) from images where key = ?";
                assertEquals(1, h.createQuery(sql).bind(0, "a").mapTo(Integer.class).one());
                assertEquals(2, h.createQuery(sql).bind(0, "b").mapTo(Integer.class).one(), "bound anew, not the last run's value");
                assertEquals(List.of(), h.createQuery(sql).bind(0, "none").mapTo(Integer.class).list());
                return null;
            });
        }
    }

    @Test
    void theSameSqlInUseTwiceAtOnceGetsTwoStatements() {
        try (var db = TestConfig.database(dir)) {
            db.write(h -> h.execute("insert into images(key, png) values ('a', ?), ('b', ?)", new byte[]{1}, new byte[]{2}));
            String sql = "select key from images order by key";
            List<String> pairs = db.read(h -> h.createQuery(sql).map((rs, ctx) -> {
                Statement outer = ctx.getStatement();
                Statement inner = h.createQuery(sql).map((rs2, ctx2) -> ctx2.getStatement()).list().get(0);
                assertNotSame(outer, inner);
                return rs.getString(1) + "/" + h.createQuery(sql).mapTo(String.class).list();
            }).list());
            assertEquals(List.of("a/[a, b]", "b/[a, b]"), pairs, "the outer query's rows go on while the inner one runs");
        }
    }

    @Test
    void aKeptStatementReadHalfwayHoldsNoOldSnapshot() {
        try (var db = TestConfig.database(dir)) {
            db.write(h -> h.execute("insert into images(key, png) values ('a', ?), ('b', ?)", new byte[]{1}, new byte[]{2}));
            for (int i = 0; i < 3; i++) {
                // one row of several read, the statement kept: it must be reset, or its connection keeps reading the old file
                String first = db.read(h -> h.createQuery("select key from images order by key").mapTo(String.class).findFirst().orElseThrow());
                assertEquals("a", first);
                int n = i;
                db.write(h -> h.execute("insert into images(key, png) values (?, ?)", "new" + n, new byte[]{3}));
                int rows = images(db);
                assertEquals(3 + i, rows, "the write just committed is seen");
            }
        }
    }

    @Test
    void theLeastRecentlyUsedIsClosedPastTheLimit() throws Exception {
        try (var db = TestConfig.database(dir)) {
            Statement evicted = db.read(h -> {
                Statement first = used(h, "select 0");
                Statement recent = used(h, "select 1");
                for (int i = 2; i <= KeptStatements.PER_CONNECTION; i++) used(h, "select " + i);
                assertSame(recent, used(h, "select 1"), "still kept");
                Statement again = used(h, "select 0");
                assertNotSame(first, again, "the oldest was closed to make room");
                return first;
            });
            assertTrue(evicted.isClosed());
        }
    }

    @Test
    void generatedKeysStillComeBack() {
        try (var db = TestConfig.database(dir)) {
            for (int i = 0; i < 3; i++) {
                long id = db.write(h -> h.createUpdate("insert into signals(origin, kind, target, at) values ('x', 'ACCOUNT', '1', 0)")
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
                assertEquals(i + 1, id);
            }
        }
    }

    @Test
    void readsTogetherEndTheirTransactionEvenWhenTheyFail() {
        try (var db = TestConfig.database(dir)) {
            for (int i = 0; i < 20; i++) { // more than the pool holds: every connection has been through it
                assertThrows(IllegalStateException.class, () -> db.readTogether(h -> {
                    images(h);
                    throw new IllegalStateException("boom");
                }));
            }
            db.write(h -> h.execute("insert into images(key, png) values ('after', ?)", (Object) new byte[1]));
            int rows = db.readTogether(KeptStatementsTest::images);
            assertEquals(1, rows);
        }
    }

    @Test
    void readsTogetherInsideAWriteSeeItsRowsAndLeaveItOpen() {
        try (var db = TestConfig.database(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.execute("insert into images(key, png) values ('mine', ?)", (Object) new byte[1]);
                int seen = db.readTogether(KeptStatementsTest::images);
                assertEquals(1, seen, "the write's own row, on the write's handle");
                h.execute("insert into images(key, png) values ('more', ?)", (Object) new byte[1]);
                throw new IllegalStateException("then the write fails");
            }));
            int rows = images(db);
            assertEquals(0, rows, "the whole write rolled back: the reads did not commit it");
        }
    }

    @Test
    void readsTogetherSeeOneMoment() throws Exception {
        try (var db = TestConfig.database(dir)) {
            var inside = new java.util.concurrent.CountDownLatch(1);
            var written = new java.util.concurrent.CountDownLatch(1);
            var writer = new Thread(() -> {
                try {
                    inside.await();
                    db.write(h -> h.execute("insert into images(key, png) values ('late', ?)", (Object) new byte[1]));
                    written.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            List<Integer> counts = db.readTogether(h -> {
                int before = images(h);
                inside.countDown();
                try {
                    written.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return List.of(before, images(h));
            });
            writer.join();
            assertEquals(List.of(0, 0), counts, "the second read sees the same moment as the first");
            int rows = images(db);
            assertEquals(1, rows);
        }
    }

    /** Rows in the images table, as {@code h} sees them. */
    private static int images(Handle h) {
        return h.createQuery("select count(*) from images").mapTo(Integer.class).one();
    }

    private static int images(Database db) {
        return db.read(KeptStatementsTest::images);
    }

    /** {@code count} writes of one row each, keyed {@code prefix0, prefix1…}. */
    private static void writeImages(Database db, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            db.write(h -> h.execute("insert into images(key, png) values (?, ?)", key, new byte[1]));
        }
    }

    @Test
    void aWriteInsideAWriteIsPartOfIt() {
        try (var db = TestConfig.database(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.execute("insert into images(key, png) values ('outer', ?)", (Object) new byte[1]);
                db.write(inner -> inner.execute("insert into images(key, png) values ('inner', ?)", (Object) new byte[1]));
                throw new IllegalStateException("the outer write fails after the inner one");
            }));
            assertEquals(0, images(db), "the inner write rolled back with the outer one");
            db.write(h -> {
                h.execute("insert into images(key, png) values ('outer', ?)", (Object) new byte[1]);
                return db.write(inner -> inner.execute("insert into images(key, png) values ('inner', ?)", (Object) new byte[1]));
            });
            assertEquals(2, images(db));
        }
    }

    @Test
    void aFailedWriteLeavesItsConnectionOutsideAnyTransaction() throws Exception {
        try (var db = TestConfig.database(dir)) {
            for (int i = 0; i < 20; i++) { // more than the pool holds
                assertThrows(IllegalStateException.class, () -> db.write(h -> {
                    h.execute("insert into images(key, png) values ('lost', ?)", (Object) new byte[1]);
                    throw new IllegalStateException("boom");
                }));
            }
            writeImages(db, "kept", 20);
            var other = java.util.concurrent.Executors.newSingleThreadExecutor(); // another connection sees them committed
            try {
                assertEquals(20, other.submit(() -> images(db)).get());
            } finally {
                other.shutdown();
            }
        }
    }

    @Test
    void aWriteWhoseRollbackFailsStillReportsItsOwnFailure() {
        try (var db = TestConfig.database(dir)) {
            var failure = assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.execute("commit"); // the transaction is gone: the rollback that follows fails
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", failure.getMessage());
            writeImages(db, "after", 20);
            assertEquals(20, images(db));
        }
    }

    @Test
    void aWriteIsOneTransactionThatOthersSeeOnlyOnceItCommits() throws Exception {
        try (var db = TestConfig.database(dir)) {
            var inserted = new java.util.concurrent.CountDownLatch(1);
            var looked = new java.util.concurrent.CountDownLatch(1);
            var other = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var seenMeanwhile = other.submit(() -> {
                    inserted.await();
                    int seen = images(db);
                    looked.countDown();
                    return seen;
                });
                db.write(h -> {
                    h.execute("insert into images(key, png) values ('first', ?)", (Object) new byte[1]);
                    inserted.countDown();
                    try {
                        looked.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return h.execute("insert into images(key, png) values ('second', ?)", (Object) new byte[1]);
                });
                assertEquals(0, seenMeanwhile.get(), "nothing of the write is seen before it commits");
                assertEquals(2, other.submit(() -> images(db)).get());
            } finally {
                other.shutdown();
            }
        }
    }

    @Test
    void afterCommitRunsOnceTheOutermostWriteCommitsAndNeverOnRollback() {
        try (var db = TestConfig.database(dir)) {
            var ran = new java.util.ArrayList<String>();
            db.write(h -> {
                db.write(inner -> inner.afterCommit(() -> ran.add("inner")));
                assertEquals(List.of(), ran, "not before the outer write commits");
                return h.afterCommit(() -> ran.add("outer"));
            });
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.afterCommit(() -> ran.add("rolled back"));
                throw new IllegalStateException("boom");
            }));
            assertEquals(List.of("inner", "outer"), ran);
        }
    }
}
