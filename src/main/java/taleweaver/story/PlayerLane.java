package taleweaver.story;

import taleweaver.Refusal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One story action at a time per player: a second one waits its turn (chained, no thread held), a third
 * while two are queued is refused with a friendly line. This keeps at most one model call in flight per
 * player and makes each player's story changes happen in order.
 */
public final class PlayerLane {
    static final int MAX_QUEUED = 2;

    private final ConcurrentHashMap<Long, Lane> lanes = new ConcurrentHashMap<>();
    private final Supplier<String> busyText;
    /** Several instances: the lease that keeps the player's turns one at a time across them too; null on SQLite. */
    private final TurnLease lease;

    public PlayerLane(Supplier<String> busyText) {
        this(busyText, null);
    }

    public PlayerLane(Supplier<String> busyText, TurnLease lease) {
        this.busyText = busyText;
        this.lease = lease;
    }

    private static final class Lane {
        CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
        int queued;
    }

    public <T> CompletableFuture<T> run(long playerId, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result;
        Lane lane;
        while (true) {
            lane = lanes.computeIfAbsent(playerId, id -> new Lane());
            synchronized (lane) {
                if (lanes.get(playerId) != lane) continue; // retired while we looked it up
                if (lane.queued >= MAX_QUEUED) throw new Refusal(429, "busy", busyText.get());
                lane.queued++;
                result = lane.tail.handle((v, e) -> null).thenCompose(v -> lease == null ? start(work) : lease.holding(playerId, () -> start(work)));
                lane.tail = result;
                break;
            }
        }
        Lane mine = lane;
        result.whenComplete((v, e) -> {
            synchronized (mine) {
                if (--mine.queued == 0) lanes.remove(playerId, mine);
            }
        });
        return result;
    }

    private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
