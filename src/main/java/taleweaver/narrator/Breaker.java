package taleweaver.narrator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * The model's circuit breaker (SPEC §10): {@link #FAILURES_TO_OPEN} failed turns in a row open it; while it is open,
 * turns are answered offline at once, and one probe at a time, at most every {@code retryDownMillis}, tries the
 * model; its first success closes the breaker. Opening and closing are logged once each.
 */
final class Breaker {
    private static final Logger log = LoggerFactory.getLogger(Breaker.class);
    static final int FAILURES_TO_OPEN = 3;

    private final long retryDownMillis;
    private final LongSupplier clock;
    private int failuresInARow;
    private boolean open, probing;
    private long nextProbeAt;

    Breaker(long retryDownMillis, LongSupplier clock) {
        this.retryDownMillis = retryDownMillis;
        this.clock = clock;
    }

    /** Whether a call may go to the model now (while open: only the one probe that is due). */
    synchronized boolean allow() {
        if (!open) return true;
        if (probing || clock.getAsLong() < nextProbeAt) return false;
        probing = true;
        nextProbeAt = clock.getAsLong() + retryDownMillis;
        return true;
    }

    synchronized void succeeded() {
        failuresInARow = 0;
        probing = false;
        if (open) {
            open = false;
            log.info("the model answers again: the breaker is closed");
        }
    }

    synchronized void failed() {
        failuresInARow++;
        if (open) nextProbeAt = clock.getAsLong() + retryDownMillis; // a failed probe: the next one a full wait later
        probing = false;
        if (!open && failuresInARow >= FAILURES_TO_OPEN) {
            open = true;
            nextProbeAt = clock.getAsLong() + retryDownMillis;
            log.warn("the model failed {} turns in a row: the breaker is open, turns are answered offline (a probe every {} s)",
                    failuresInARow, retryDownMillis / 1000);
        }
    }

    synchronized boolean isOpen() { return open; }
}
