package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import taleweaver.Jobs;
import taleweaver.web.Json;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Members parked on {@code /party_wait} (SPEC §16), holding no thread: a future per wait, completed when the party has
 * news (a change committed here, or another instance's signal) or when the wait runs out (on the jobs' workers). While
 * a party has waits here, the events its changes committed here are kept (the last {@link #RECENT}) and handed to each
 * wait it wakes ({@link News}): a wait that finds in them every event above its {@code after} up to one the member is
 * waiting for answers without reading the party again; any other wait reads.
 * A streamed wait also hears the round's telling as it is written: the words so far when it starts listening, then
 * each piece, whether the telling runs here or on another instance (its pieces relayed in batches).
 */
public final class PartyWaits {
    /** How many of a party's latest events are kept for its waits: a round of four is five. */
    static final int RECENT = 16;

    private final ConcurrentHashMap<String, Parked> waiting = new ConcurrentHashMap<>();

    /** A party's parked waits, and the events committed here since the first of them parked (the latest, by number). */
    private static final class Parked {
        final Set<CompletableFuture<News>> waits = ConcurrentHashMap.newKeySet();
        private final java.util.TreeMap<Integer, JsonNode> recent = new java.util.TreeMap<>();

        synchronized News heard(List<JsonNode> events) {
            for (var e : events) recent.put(e.path("n").asInt(), e);
            while (recent.size() > RECENT) recent.pollFirstEntry();
            return new News(List.copyOf(recent.values()));
        }
    }

    /** Events committed here, by number, maybe with gaps (another instance's, or one committed before any wait parked). */
    record News(List<JsonNode> events) {
        /** The events numbered from {@code after + 1} on with no gap: those a wait above {@code after} can be told as they are. */
        List<JsonNode> above(int after) {
            var out = new java.util.ArrayList<JsonNode>();
            for (var e : events) {
                int n = e.path("n").asInt();
                if (n == after + 1 + out.size()) out.add(e);
                else if (n > after + 1 + out.size()) break;
            }
            return out;
        }
    }
    private final ConcurrentHashMap<String, Set<java.util.function.Consumer<String>>> listeners = new ConcurrentHashMap<>();
    /**
     * The latest telling heard of in each party and its words so far (here or relayed), known by its claim's stamp (a
     * party's claims are stamped in the order they were made, across quests: a round's number starts again with each).
     */
    private final ConcurrentHashMap<String, Telling> tellings = new ConcurrentHashMap<>();

    /**
     * How long a telling's words are kept at most (a telling ends by the model's deadline, long before): on an instance
     * that did not tell it nothing else lets them go, and a party may not tell again.
     */
    static final long TELLING_KEPT_MILLIS = 10 * 60_000L;

    private static final class Telling {
        final long stamp;
        final long heard = System.currentTimeMillis();
        final StringBuilder text = new StringBuilder();

        Telling(long stamp) {
            this.stamp = stamp;
        }
    }
    private final Jobs jobs;

    public PartyWaits(Jobs jobs) {
        this.jobs = jobs;
        jobs.every("party tellings", TELLING_KEPT_MILLIS, 60_000, () -> forgetTellings(System.currentTimeMillis() - TELLING_KEPT_MILLIS));
    }

    /** Lets go of the words of tellings first heard before {@code before}. */
    void forgetTellings(long before) {
        tellings.values().removeIf(t -> t.heard < before);
    }

    private volatile boolean closing;

    /** A wait for news of the party, at most {@code millis} (null when shutting down: answer now); {@link #unpark} it if unneeded. */
    CompletableFuture<News> park(String partyId, long millis) {
        if (closing) return null;
        var woken = new CompletableFuture<News>();
        waiting.compute(partyId, (k, parked) -> { // added inside: a last wait leaving meanwhile cannot drop it with the party's entry
            var p = parked == null ? new Parked() : parked;
            p.waits.add(woken);
            return p;
        });
        var timeout = jobs.after(millis, () -> woken.complete(null));
        if (timeout == null) woken.complete(null);
        woken.whenComplete((v, e) -> {
            if (timeout != null) timeout.cancel(false); // woken by news: its timer goes now, not in 30 s
            unpark(partyId, woken);
        });
        return woken;
    }

    void unpark(String partyId, CompletableFuture<News> woken) {
        waiting.computeIfPresent(partyId, (k, parked) -> {
            parked.waits.remove(woken);
            return parked.waits.isEmpty() ? null : parked;
        });
        woken.complete(null);
    }

    /**
     * The party has news: everyone waiting on it here reads it, each on the jobs' workers (the caller may be the one
     * thread that hears other instances' signals, or the one that committed a round: neither should read for all).
     */
    public void wake(String partyId) {
        wake(partyId, null);
    }

    /** The same, with the events of the change that was committed here (null or empty: none to add). */
    void wake(String partyId, List<PartyDao.Event> written) {
        gathering.remove(partyId); // every wait hears all there is now: a gathered wake still to come has nothing to add
        var parked = waiting.get(partyId);
        if (parked == null) return;
        var news = parked.heard(parsed(written));
        @SuppressWarnings("unchecked")
        CompletableFuture<News>[] woken = parked.waits.toArray(CompletableFuture[]::new);
        for (var w : woken) {
            if (!jobs.run(() -> w.complete(news))) w.complete(news);
        }
    }

    private static List<JsonNode> parsed(List<PartyDao.Event> written) {
        return written == null ? List.of() : written.stream().map(e -> Json.parse(e.data())).toList();
    }

    /**
     * How long a declaration's news may wait for the next ones': a round's declarations come in a burst, which under
     * load the one writer spreads over a hundred milliseconds or more (the bench's rounds of four: about 7 waits a
     * round at 100 ms, 4 here once warm).
     */
    static final long DECLARATIONS_GATHERED_MILLIS = 250;
    /** The parties whose waits a declaration's timer will wake, each with that timer's mark. */
    private final ConcurrentHashMap<String, Object> gathering = new ConcurrentHashMap<>();

    /**
     * A declaration's news ({@code acted}): the waits are woken once for the burst of declarations that usually
     * completes a round, rather than once for each (each wake is a reply and a new wait).
     */
    public void wakeSoon(String partyId) {
        wakeSoon(partyId, null);
    }

    /** The same, with the events of the declaration committed here, kept for the wake. */
    void wakeSoon(String partyId, List<PartyDao.Event> written) {
        var parked = waiting.get(partyId);
        if (parked == null) return;
        parked.heard(parsed(written));
        var mark = new Object();
        if (gathering.putIfAbsent(partyId, mark) != null) return;
        // woken by then for another reason (the round told, a member joined): the waits heard this declaration with it
        if (jobs.after(DECLARATIONS_GATHERED_MILLIS, () -> { if (gathering.remove(partyId, mark)) wake(partyId); }) == null) {
            gathering.remove(partyId, mark);
            wake(partyId);
        }
    }

    /** Signals may have been missed: every wait reads again. */
    public void wakeAll() {
        waiting.keySet().forEach(this::wake);
    }

    /** Shutting down: every wait is answered with what there is now, and no new one parks. */
    public void close() {
        closing = true;
        wakeAll();
    }

    /**
     * A streamed wait: hears the words so far of the telling its first read found under way ({@code telling}, its claim's
     * stamp; 0: none, so words kept of a telling already resolved are not heard again), then each new piece, until
     * {@link #unlisten}.
     */
    void listen(String partyId, long telling, java.util.function.Consumer<String> listener) {
        listeners.compute(partyId, (k, set) -> { // added inside, as a wait is parked
            var all = set == null ? ConcurrentHashMap.<java.util.function.Consumer<String>>newKeySet() : set;
            all.add(listener);
            return all;
        });
        Telling t = tellings.get(partyId);
        if (t != null && t.stamp == telling) {
            String sofar;
            synchronized (t) {
                sofar = t.text.toString();
            }
            if (!sofar.isEmpty()) listener.accept(sofar);
        }
    }

    void unlisten(String partyId, java.util.function.Consumer<String> listener) {
        listeners.computeIfPresent(partyId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * A piece of the telling claimed at {@code stamp} that starts at character {@code offset}: passed on to the listeners
     * here once (a piece already heard, relayed twice or late, is not repeated).
     */
    public void told(String partyId, long stamp, int offset, String piece) {
        Telling t = tellings.compute(partyId, (k, was) -> was == null || was.stamp < stamp ? new Telling(stamp) : was);
        String fresh;
        synchronized (t) {
            if (t.stamp != stamp || offset > t.text.length()) return; // an older telling's piece, or one past a gap
            int skip = t.text.length() - offset;
            if (skip >= piece.length()) return;
            fresh = piece.substring(skip);
            t.text.append(fresh);
        }
        var set = listeners.get(partyId);
        if (set != null) for (var l : set) l.accept(fresh);
    }

    /** The telling claimed at {@code stamp} is over (its resolution committed, or its claim gone). */
    public void toldAll(String partyId, long stamp) {
        tellings.computeIfPresent(partyId, (k, t) -> t.stamp <= stamp ? null : t);
    }

    /** Another instance's batch of a telling (target "party\nstamp\noffset\ntext"), passed on here. */
    public static void relayed(String target, PartyWaits waits) {
        String[] parts = target.split("\n", 4);
        if (parts.length < 4) return;
        try {
            waits.told(parts[0], Long.parseLong(parts[1]), Integer.parseInt(parts[2]), parts[3]);
        } catch (NumberFormatException ignored) {
            // not a batch of ours
        }
    }

    public int parked() {
        return waiting.values().stream().mapToInt(p -> p.waits.size()).sum();
    }
}
