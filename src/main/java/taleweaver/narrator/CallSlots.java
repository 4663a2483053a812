package taleweaver.narrator;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * At most {@code max} model calls in flight; the others wait in a queue of futures, holding no thread. A waiter that
 * gave up (its turn's deadline passed, so its future was cancelled) is skipped when a slot frees.
 */
final class CallSlots {
    private final int max;
    private int used;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

    CallSlots(int max) {
        this.max = max;
    }

    /** Completes when a slot is this caller's; every completed acquire is paired with one {@link #release}. */
    synchronized CompletableFuture<Void> acquire() {
        if (used < max) {
            used++;
            return CompletableFuture.completedFuture(null);
        }
        var turn = new CompletableFuture<Void>();
        waiting.add(turn);
        return turn;
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            do {
                next = waiting.poll();
            } while (next != null && next.isDone());
            if (next == null) {
                used--;
                return;
            }
        }
        if (!next.complete(null)) release(); // it gave up just now: the slot goes to the one after
    }

    synchronized int inUse() { return used; }

    synchronized int queued() { return waiting.size(); }
}
