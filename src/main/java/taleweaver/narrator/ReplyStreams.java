package taleweaver.narrator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a player's reply is being streamed while one of their story actions runs. A player's story actions run
 * one at a time (the lane), so one listener per player is unambiguous; the model's narrator passes it the text as
 * the model writes it. Nothing here knows HTTP: a listener is just somewhere the words go.
 */
public final class ReplyStreams {
    private final ConcurrentHashMap<Long, Consumer<String>> listeners = new ConcurrentHashMap<>();

    /** Runs {@code work} with {@code listener} (when not null) hearing the player's reply as it is written. */
    public <T> CompletableFuture<T> during(long playerId, Consumer<String> listener, Supplier<CompletableFuture<T>> work) {
        if (listener == null) return work.get();
        listeners.put(playerId, listener);
        CompletableFuture<T> running;
        try {
            running = work.get();
        } catch (RuntimeException e) {
            listeners.remove(playerId, listener);
            throw e;
        }
        return running.whenComplete((v, e) -> listeners.remove(playerId, listener));
    }

    Consumer<String> of(long playerId) {
        return listeners.get(playerId);
    }
}
