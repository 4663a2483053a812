package taleweaver.narrator;

import taleweaver.Metrics;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The offline narrator when it is the configured one: each story turn it tells counts as an "offline" turn. */
public final class CountingNarrator implements Narrator {
    private final Narrator inner;
    private final Metrics metrics;

    public CountingNarrator(Narrator inner, Metrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    private <T> CompletableFuture<T> counted(CompletableFuture<T> turn) {
        metrics.turn("offline");
        return turn;
    }

    @Override public CompletableFuture<DmReply> dm(DmScene scene) { return counted(inner.dm(scene)); }
    @Override public CompletableFuture<TurnReply> turn(TurnScene scene) { return counted(inner.turn(scene)); }
    @Override public CompletableFuture<TaskDraft> personalTask(WishScene scene) { return counted(inner.personalTask(scene)); }
    @Override public CompletableFuture<CraftDraft> craft(CraftScene scene) { return counted(inner.craft(scene)); }
    @Override public CompletableFuture<EventReply> event(EventScene scene) { return counted(inner.event(scene)); }
    @Override public CompletableFuture<String> battle(BattleScene scene) { return counted(inner.battle(scene)); }
    @Override public CompletableFuture<Optional<String>> moderate(String description) { return inner.moderate(description); }
    @Override public String name() { return inner.name(); }
}
