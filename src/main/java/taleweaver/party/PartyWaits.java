package taleweaver.party;

import taleweaver.Jobs;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Members parked on {@code /party_wait} (SPEC §16), holding no thread: a future per wait, completed when the party has
 * news (a change committed here, or another instance's signal) or when the wait runs out (on the jobs' workers).
 */
public final class PartyWaits {
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Jobs jobs;

    public PartyWaits(Jobs jobs) {
        this.jobs = jobs;
    }

    /** A wait for news of the party, at most {@code millis}; call {@link #unpark} if it is not needed after all. */
    CompletableFuture<Void> park(String partyId, long millis) {
        var woken = new CompletableFuture<Void>();
        waiting.computeIfAbsent(partyId, k -> ConcurrentHashMap.newKeySet()).add(woken);
        if (jobs.after(millis, () -> woken.complete(null)) == null) woken.complete(null);
        woken.whenComplete((v, e) -> unpark(partyId, woken));
        return woken;
    }

    void unpark(String partyId, CompletableFuture<Void> woken) {
        waiting.computeIfPresent(partyId, (k, set) -> {
            set.remove(woken);
            return set.isEmpty() ? null : set;
        });
        woken.complete(null);
    }

    /** The party has news: everyone waiting on it here reads it. */
    public void wake(String partyId) {
        var set = waiting.get(partyId);
        if (set != null) for (var w : set.toArray(CompletableFuture[]::new)) w.complete(null);
    }

    /** Shutting down, or signals may have been missed: every wait reads again. */
    public void wakeAll() {
        waiting.keySet().forEach(this::wake);
    }

    public int parked() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
