package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import taleweaver.Jobs;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a wake hands the waits: the events committed here while they waited, by number. A wait answers from them only
 * what follows its {@code after} with no gap; an event it lacks (another instance's) is read, never skipped.
 */
class PartyWaitsTest {
    private static PartyDao.Event event(int n) {
        return new PartyDao.Event(n, "chat", "{\"n\":" + n + ",\"kind\":\"chat\",\"name\":\"Ann\",\"text\":\"" + n + "\"}");
    }

    private static List<Integer> numbers(List<JsonNode> events) {
        return events.stream().map(e -> e.path("n").asInt()).toList();
    }

    @Test
    void aWaitTakesTheEventsItWasHandedOnlyUpToAGap() throws Exception {
        var jobs = new Jobs();
        try {
            var waits = new PartyWaits(jobs);
            var woken = waits.park("p", 30_000);
            waits.wake("p", List.of(event(5), event(7), event(8))); // 6 was committed on another instance: not here
            var news = woken.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(5), numbers(news.above(4)), "up to the gap");
            assertEquals(List.of(), numbers(news.above(5)), "6 is missing: the wait reads rather than skip it");
            assertEquals(List.of(7, 8), numbers(news.above(6)));
            assertEquals(List.of(), numbers(news.above(8)), "nothing above the newest");
        } finally {
            jobs.close();
        }
    }

    @Test
    void aPartyWithNoWaitsKeepsNothing() throws Exception {
        var jobs = new Jobs();
        try {
            var waits = new PartyWaits(jobs);
            waits.wake("p", List.of(event(1)));
            var later = waits.park("p", 30_000);
            waits.wake("p", List.of(event(2)));
            assertEquals(List.of(2), numbers(later.get(10, TimeUnit.SECONDS).above(1)));
            assertEquals(List.of(), numbers(later.get().above(0)), "1 came before any wait: not kept");
            PartyTest.await(() -> waits.parked() == 0); // each leaves as it is woken, on the thread that woke it
        } finally {
            jobs.close();
        }
    }

    /**
     * A streamed wait hears again only the words of the telling its first read found under way (by its claim's stamp),
     * not those kept of one already resolved; a later telling is heard whatever its round's number (a new quest's
     * round 1 after an old quest's round 5), and a late piece of an older telling by nobody.
     */
    @Test
    void aStreamedWaitHearsTheTellingUnderWayAndNoOlderOne() {
        var jobs = new Jobs();
        try {
            var waits = new PartyWaits(jobs);
            waits.told("p", 100, 0, "The rope holds. ");
            var resolvedAlready = new StringBuilder();
            var underWay = new StringBuilder();
            waits.listen("p", 0, resolvedAlready::append); // its read found no round being told: 100's words are over
            waits.listen("p", 100, underWay::append);
            assertEquals("", resolvedAlready.toString());
            assertEquals("The rope holds. ", underWay.toString());
            waits.told("p", 200, 0, "Next quest. ");
            waits.told("p", 100, 16, "Too late.");
            assertEquals("Next quest. ", resolvedAlready.toString());
            assertEquals("The rope holds. Next quest. ", underWay.toString());
            waits.forgetTellings(System.currentTimeMillis() + 1); // kept too long: let go
            var later = new StringBuilder();
            waits.listen("p", 200, later::append);
            assertEquals("", later.toString(), "its words are no longer kept");
        } finally {
            jobs.close();
        }
    }

    /** A wait parking as the party's last other wait leaves is still woken: it is not dropped with the party's entry. */
    @Test
    void aWaitParkingAsTheLastOneLeavesIsStillWoken() throws Exception {
        var jobs = new Jobs();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var waits = new PartyWaits(jobs);
            for (int trial = 0; trial < 5000; trial++) {
                var leaving = waits.park("p", 30_000);
                var start = new java.util.concurrent.CountDownLatch(1);
                var left = pool.submit(() -> { start.await(); waits.unpark("p", leaving); return null; });
                var parking = pool.submit(() -> { start.await(); return waits.park("p", 30_000); });
                start.countDown();
                left.get(10, TimeUnit.SECONDS);
                var parked = parking.get(10, TimeUnit.SECONDS);
                waits.wake("p");
                parked.get(10, TimeUnit.SECONDS); // woken, not left to its 30 s
            }
            PartyTest.await(() -> waits.parked() == 0); // each leaves as it is woken, on the thread that woke it
        } finally {
            pool.shutdownNow();
            jobs.close();
        }
    }
    /**
     * Pieces of a telling reach the listeners here once each and in order, however they arrive (relayed batches from
     * another instance may come twice, overlapping or after a gap): a piece past a gap is dropped, not spliced in with
     * words missing, and a repeated one adds nothing. The end of an older telling leaves a newer one's words, which a
     * wait listening from then on still hears.
     */
    @Test
    void aTellingsPiecesAreHeardOnceInOrderAndAnOlderEndLeavesANewerOne() {
        var jobs = new Jobs();
        try {
            var waits = new PartyWaits(jobs);
            var heard = new java.util.ArrayList<String>();
            waits.listen("p", 0, heard::add);
            waits.told("p", 1, 0, "The rope ");
            waits.told("p", 1, 15, "the water."); // "creaks over " never came: not spliced in
            waits.told("p", 1, 0, "The rope "); // relayed twice
            waits.told("p", 1, 4, "rope creaks "); // overlapping: only what is new
            assertEquals(List.of("The rope ", "creaks "), heard);
            waits.told("p", 2, 0, "Next round.");
            waits.toldAll("p", 1); // the first telling's resolution, committed after the second began
            var later = new java.util.ArrayList<String>();
            waits.listen("p", 2, later::add);
            assertEquals(List.of("Next round."), later, "the newer telling's words so far");
        } finally {
            jobs.close();
        }
    }
}
