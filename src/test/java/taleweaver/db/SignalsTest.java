package taleweaver.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.TestPostgres;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wake-ups between instances on a real PostgreSQL: once each on the others, never on the sender, never if rolled back. */
class SignalsTest {
    @TempDir
    Path dir;

    @Test
    void aCommittedSignalIsHandledOnceByEveryOtherInstanceAndARolledBackOneNever() throws Exception {
        var storage = TestConfig.of(dir, "storage.url=" + TestPostgres.freshUrl()).storage();
        try (var db = new Database(storage); var a = new Signals(db, storage, "a"); var b = new Signals(db, storage, "b");
             var c = new Signals(db, storage, "c")) {
            var heardByA = new CopyOnWriteArrayList<String>();
            var heardByB = new CopyOnWriteArrayList<String>();
            var heardByC = new CopyOnWriteArrayList<String>();
            a.on(Signals.Kind.CHALLENGE, heardByA::add);
            b.on(Signals.Kind.CHALLENGE, heardByB::add);
            c.on(Signals.Kind.CHALLENGE, heardByC::add);
            a.start();
            b.start();
            c.start();
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                a.send(h, Signals.Kind.CHALLENGE, "rolled-back");
                throw new IllegalStateException("the write fails after sending");
            }));
            for (int i = 0; i < 5; i++) {
                String target = "challenge-" + i;
                db.write(h -> {
                    a.send(h, Signals.Kind.CHALLENGE, target);
                    return null;
                });
            }
            long end = System.nanoTime() + 10_000_000_000L;
            while ((heardByB.size() < 5 || heardByC.size() < 5) && System.nanoTime() < end) Thread.sleep(20);
            Thread.sleep(1500); // a second read of the table (the periodic one) must not hand them out again
            var expected = List.of("challenge-0", "challenge-1", "challenge-2", "challenge-3", "challenge-4");
            assertEquals(expected, heardByB, "in order, once each, without the rolled-back one");
            assertEquals(expected, heardByC);
            assertTrue(heardByA.isEmpty(), "the sender acted on its own change itself: " + heardByA);
        }
    }

    @Test
    void aSignalCommittedAfterANewerOneIsStillHandledOnce() throws Exception {
        var storage = TestConfig.of(dir, "storage.url=" + TestPostgres.freshUrl()).storage();
        try (var db = new Database(storage); var a = new Signals(db, storage, "a"); var b = new Signals(db, storage, "b")) {
            var heard = new CopyOnWriteArrayList<String>();
            b.on(Signals.Kind.CHALLENGE, heard::add);
            b.start();
            var sent = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var slow = new Thread(() -> db.write(h -> { // its id comes first, its commit last
                a.send(h, Signals.Kind.CHALLENGE, "older id, committed later");
                sent.countDown();
                await(release);
                return null;
            }));
            slow.start();
            assertTrue(sent.await(10, TimeUnit.SECONDS));
            db.write(h -> {
                a.send(h, Signals.Kind.CHALLENGE, "newer id");
                return null;
            });
            until(() -> heard.contains("newer id"));
            release.countDown();
            slow.join();
            until(() -> heard.contains("older id, committed later"));
            Thread.sleep(1500); // later reads (the periodic one) don't hand either out again
            assertEquals(List.of("newer id", "older id, committed later"), heard);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(condition.getAsBoolean(), "not heard within 10 s");
    }
}
