package taleweaver.story;

import taleweaver.Jobs;
import taleweaver.Refusal;
import taleweaver.db.Database;
import taleweaver.narrator.TokenLedger;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Several instances (SPEC §15): a player's story turn holds a lease in the {@code lanes} table, so turns of one player
 * are one at a time across instances as {@link PlayerLane} keeps them here, model call included. The lease is a row
 * with an expiry, not a lock or a connection: nothing is held while the model thinks, and an instance that dies
 * holding one frees it when it expires. The holder renews it every third of its length for as long as the work under
 * it runs (a turn waiting for a remote picture may outlast any fixed length); an instance that dies stops renewing.
 * A turn that finds the lease taken tries again every {@link #RETRY_MILLIS} (no thread waits) until a lease's length
 * has passed, then is refused as busy. Tries and renewals run on {@link Jobs}' workers, never on its timer.
 *
 * <p>The lease also carries the player's model budget across instances: taking it reads the player's tokens of today,
 * giving it back writes what the turn spent, each in the same statement ({@link TokenLedger}).
 */
public final class TurnLease {
    static final long RETRY_MILLIS = 100;

    private final Database db;
    private final String instance;
    private final long leaseMillis;
    private final Jobs jobs;
    private final Supplier<String> busyText;
    private final TokenLedger ledger;

    public TurnLease(Database db, String instance, long leaseMillis, Jobs jobs, Supplier<String> busyText, TokenLedger ledger) {
        this.ledger = ledger;
        this.db = db;
        this.instance = instance;
        this.leaseMillis = leaseMillis;
        this.jobs = jobs;
        this.busyText = busyText;
    }

    /** {@code work} while holding the player's lease; the lease is given back when it ends, however it ends. */
    public <T> CompletableFuture<T> holding(long playerId, Supplier<CompletableFuture<T>> work) {
        String holder = instance + "/" + UUID.randomUUID();
        var held = new CompletableFuture<Void>();
        attempt(playerId, holder, System.currentTimeMillis() + leaseMillis, held);
        var renewing = new java.util.concurrent.atomic.AtomicBoolean(true);
        held.thenRun(() -> renew(playerId, holder, renewing));
        return held.thenCompose(v -> work.get()).whenComplete((v, e) -> {
            renewing.set(false);
            if (held.isDone() && !held.isCompletedExceptionally()) release(playerId, holder);
        });
    }

    /** Every third of the lease's length while the work runs: the lease is pushed out again. */
    private void renew(long playerId, String holder, java.util.concurrent.atomic.AtomicBoolean renewing) {
        jobs.after(leaseMillis / 3, () -> {
            if (!renewing.get()) return;
            try {
                db.write(h -> {
                    StoryDao.renewLease(h, playerId, holder, System.currentTimeMillis() + leaseMillis);
                    return null;
                });
            } catch (RuntimeException e) { // the next renewal tries again; the lease still has two thirds left
                org.slf4j.LoggerFactory.getLogger(TurnLease.class).warn("turn lease of player {} not renewed: {}", playerId, e.toString());
            }
            renew(playerId, holder, renewing);
        });
    }

    private void attempt(long playerId, String holder, long giveUpAt, CompletableFuture<Void> held) {
        try {
            long now = System.currentTimeMillis();
            String day = ledger.today();
            var spent = db.write(h -> StoryDao.takeLease(h, playerId, holder, now + leaseMillis, now, day));
            if (spent.isPresent()) {
                ledger.written(playerId, day, spent.get());
                held.complete(null);
            } else if (now >= giveUpAt) {
                held.completeExceptionally(new Refusal(429, "busy", busyText.get()));
            } else if (jobs.after(RETRY_MILLIS, () -> attempt(playerId, holder, giveUpAt, held)) == null) {
                held.completeExceptionally(new Refusal(429, "busy", busyText.get())); // shutting down
            }
        } catch (RuntimeException | Error e) {
            held.completeExceptionally(e);
        }
    }

    /** Gives the lease back and writes the tokens the turn spent, in one statement. */
    private void release(long playerId, String holder) {
        String day = ledger.today();
        int tokens = ledger.takeUnwritten(playerId, day);
        try {
            db.write(h -> {
                StoryDao.giveBackLease(h, db.dialect(), playerId, holder, day, tokens);
                return null;
            });
        } catch (RuntimeException e) { // the lease expires by itself; the tokens go with the next flush
            ledger.giveBack(playerId, day, tokens);
            org.slf4j.LoggerFactory.getLogger(TurnLease.class).warn("turn lease of player {} not given back: {}", playerId, e.toString());
        }
    }
}
