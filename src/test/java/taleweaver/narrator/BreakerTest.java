package taleweaver.narrator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BreakerTest {
    @Test
    void oneProbeAtATimeWhileOpenAndTheFirstSuccessCloses() {
        var now = new AtomicLong(1_000_000);
        var breaker = new Breaker(15_000, now::get);
        for (int i = 0; i < Breaker.FAILURES_TO_OPEN - 1; i++) {
            assertTrue(breaker.allow());
            breaker.failed();
        }
        assertFalse(breaker.isOpen(), "two failures in a row leave it closed");
        assertTrue(breaker.allow());
        breaker.failed();
        assertTrue(breaker.isOpen());
        assertFalse(breaker.allow(), "open: answered offline at once");
        now.addAndGet(15_000);
        assertTrue(breaker.allow(), "the probe is due");
        assertFalse(breaker.allow(), "one probe at a time");
        now.addAndGet(20_000);
        assertFalse(breaker.allow(), "a probe still in flight (a slow model) is not joined by a second one");
        breaker.failed();
        assertFalse(breaker.allow(), "a failed probe waits for the next window");
        now.addAndGet(15_000);
        assertTrue(breaker.allow());
        breaker.succeeded();
        assertFalse(breaker.isOpen());
        assertTrue(breaker.allow() && breaker.allow(), "closed: every call goes");
    }

    @Test
    void aSuccessResetsTheCount() {
        var breaker = new Breaker(15_000, () -> 0L);
        breaker.failed();
        breaker.failed();
        breaker.succeeded();
        breaker.failed();
        breaker.failed();
        assertFalse(breaker.isOpen());
    }
}
