package taleweaver.pvp;

import taleweaver.account.Player;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online (SPEC §6): a player with a request in progress (a parked wait counts), or whose last
 * authorised request is younger than the timeout. Kept in memory: after a restart everyone is offline
 * until they are heard from again.
 */
public final class Presence {
    /** A request "in progress" for longer than this (a client that vanished mid-wait) no longer keeps its player online. */
    static final long LONGEST_REQUEST_MILLIS = 180_000;

    private final long timeoutMillis;
    private final ConcurrentHashMap<Long, State> states = new ConcurrentHashMap<>();

    public Presence(int timeoutSeconds) {
        this.timeoutMillis = timeoutSeconds * 1000L;
    }

    private static final class State {
        final Player player;
        volatile long lastSeen;
        int inFlight;

        State(Player player) { this.player = player; }
    }

    private State state(Player p) {
        return states.computeIfAbsent(p.id(), id -> new State(p));
    }

    /** Login, signup: online from now. */
    public void seen(Player p) {
        state(p).lastSeen = System.currentTimeMillis();
    }

    public void begin(Player p) {
        State s = state(p);
        synchronized (s) {
            s.inFlight++;
            s.lastSeen = System.currentTimeMillis();
        }
    }

    public void end(Player p) {
        State s = states.get(p.id());
        if (s == null) return;
        synchronized (s) {
            s.inFlight = Math.max(0, s.inFlight - 1);
            if (s.lastSeen > 0) s.lastSeen = System.currentTimeMillis();
        }
    }

    /** /logout: offline now, even while this very request is still being answered. */
    public void offline(Player p) {
        State s = state(p);
        synchronized (s) {
            s.lastSeen = 0;
            s.inFlight = 0;
        }
    }

    public boolean online(long playerId) {
        return online(playerId, System.currentTimeMillis());
    }

    boolean online(long playerId, long now) {
        State s = states.get(playerId);
        return s != null && isOnline(s, now);
    }

    private boolean isOnline(State s, long now) {
        synchronized (s) {
            long quiet = now - s.lastSeen;
            return s.lastSeen > 0 && (quiet < timeoutMillis || s.inFlight > 0 && quiet < LONGEST_REQUEST_MILLIS);
        }
    }

    /** When the player was last heard from in this process (ms), or 0. */
    public long lastSeen(long playerId) {
        State s = states.get(playerId);
        return s == null ? 0 : s.lastSeen;
    }

    public int onlineCount() {
        long now = System.currentTimeMillis();
        return (int) states.values().stream().filter(s -> isOnline(s, now)).count();
    }

    /** Online players other than {@code except}, sorted by name. */
    public List<Player> others(long except) {
        long now = System.currentTimeMillis();
        return states.values().stream()
                .filter(s -> s.player.id() != except && isOnline(s, now))
                .map(s -> s.player)
                .sorted(Comparator.comparing(Player::name))
                .toList();
    }
}
