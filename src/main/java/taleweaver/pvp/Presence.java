package taleweaver.pvp;

import taleweaver.account.Player;
import taleweaver.pvp.PresenceDao.Seen;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online (SPEC §6): a player with a request in progress (a parked wait counts), or whose last
 * authorised request is younger than the timeout. Kept in memory: after a restart everyone is offline
 * until they are heard from again.
 *
 * <p>With several instances (SPEC §15) each one also shares what it sees through the {@code presence} table:
 * {@link #share} writes a player's row at most every {@link #WRITE_EVERY_MILLIS} and reads everyone's rows; a player
 * is online when this instance or any other has heard from them within the timeout. Requests touch no table.
 */
public final class Presence {
    /** A request "in progress" for longer than this (a client that vanished mid-wait) no longer keeps its player online. */
    static final long LONGEST_REQUEST_MILLIS = 180_000;
    /** How stale a player's shared row may get while they stay active here. */
    static final long WRITE_EVERY_MILLIS = 3_000;

    private final long timeoutMillis;
    /** How old a shared row gets before it is deleted (see {@link #FORGET_AFTER_MILLIS}). */
    private final long forgetAfterMillis;
    private final ConcurrentHashMap<Long, State> states = new ConcurrentHashMap<>();
    /** Shared rows: what was last written of each player here, and everyone's as last read. */
    private final ConcurrentHashMap<Long, Long> written = new ConcurrentHashMap<>();
    private volatile Map<Long, Seen> shared = Map.of();

    public Presence(int timeoutSeconds) {
        this(timeoutSeconds, FORGET_AFTER_MILLIS);
    }

    /** {@code keepMillis}: how long a shared row outlives its player's last sighting (a party's idle check reads it). */
    public Presence(int timeoutSeconds, long keepMillis) {
        this.timeoutMillis = timeoutSeconds * 1000L;
        this.forgetAfterMillis = Math.max(Math.max(FORGET_AFTER_MILLIS, 2 * timeoutMillis), keepMillis);
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
        offlineElsewhere(p.id());
    }

    /** Another instance logged the player out (or the host kicked them): offline here too. */
    public void offlineElsewhere(long playerId) {
        State s = states.get(playerId);
        if (s != null) {
            synchronized (s) {
                s.lastSeen = 0;
                s.inFlight = 0;
            }
        }
        written.remove(playerId);
        var now = new java.util.HashMap<>(shared);
        if (now.remove(playerId) != null) shared = now;
    }

    public boolean online(long playerId) {
        return online(playerId, System.currentTimeMillis());
    }

    /**
     * Online as this instance sees it, or else as the shared table says (read on the handle): what another instance saw
     * in the last second is not yet in this one's view, so an "offline" that refuses or skips a player is read there
     * first. (On one SQLite instance the table is empty and memory is the whole truth.)
     */
    public boolean online(org.jdbi.v3.core.Handle h, long playerId) {
        long now = System.currentTimeMillis();
        if (online(playerId, now)) return true;
        return PresenceDao.seenAt(h, playerId).map(at -> now - at < timeoutMillis).orElse(false);
    }

    /** Inside a login's or signup's write (several instances): the player is online in the shared table at once. */
    public static void shareNow(org.jdbi.v3.core.Handle h, long playerId, long at) {
        PresenceDao.share(h, playerId, at);
    }

    boolean online(long playerId, long now) {
        State s = states.get(playerId);
        if (s != null && isOnline(s, now)) return true;
        Seen elsewhere = shared.get(playerId);
        return elsewhere != null && now - elsewhere.at() < timeoutMillis;
    }

    /**
     * A row this old says only "offline", as no row does, and that its player has been away longer than a party waits
     * before pausing its quest: it is deleted, so the table read every second holds the players of the last minutes
     * rather than everyone who ever closed their browser without logging out.
     */
    static final long FORGET_AFTER_MILLIS = 10 * 60_000;
    private static final long FORGET_EVERY_MILLIS = 60_000;
    /** When {@link #share} last deleted old rows (only its one job reads and writes this). */
    private long forgotAt;

    /**
     * Several instances: writes the rows of players active here whose row is older than {@link #WRITE_EVERY_MILLIS} and
     * reads who is online anywhere; one batch and one read, about once a second, and once a minute the rows gone stale
     * are deleted. (A logout, kick or ban deletes the player's row in its own transaction.)
     */
    public void share(taleweaver.db.Database db) {
        long now = System.currentTimeMillis();
        var fresh = new java.util.ArrayList<long[]>();
        for (State s : states.values()) {
            long at;
            synchronized (s) {
                if (!isOnline(s, now)) continue;
                at = s.inFlight > 0 ? now : s.lastSeen;
            }
            Long before = written.get(s.player.id());
            if (before == null || at - before >= WRITE_EVERY_MILLIS) fresh.add(new long[]{s.player.id(), at});
        }
        boolean forget = now - forgotAt >= FORGET_EVERY_MILLIS;
        if (!fresh.isEmpty() || forget) {
            db.write(h -> {
                if (!fresh.isEmpty()) PresenceDao.shareAll(h, fresh);
                if (forget) PresenceDao.forgetBefore(h, now - forgetAfterMillis);
                return null;
            });
            fresh.forEach(row -> written.put(row[0], row[1]));
            if (forget) forgotAt = now;
        }
        var read = new java.util.HashMap<Long, Seen>();
        db.read(h -> PresenceDao.seenSince(h, now - timeoutMillis)).forEach(seen -> read.put(seen.player().id(), seen));
        shared = read;
        written.keySet().removeIf(id -> !states.containsKey(id));
    }

    private boolean isOnline(State s, long now) {
        synchronized (s) {
            long quiet = now - s.lastSeen;
            return s.lastSeen > 0 && (quiet < timeoutMillis || s.inFlight > 0 && quiet < LONGEST_REQUEST_MILLIS);
        }
    }

    /** When the player was last heard from (ms; here or, with several instances, anywhere), or 0. */
    public long lastSeen(long playerId) {
        State s = states.get(playerId);
        Seen elsewhere = shared.get(playerId);
        return Math.max(s == null ? 0 : s.lastSeen, elsewhere == null ? 0 : elsewhere.at());
    }

    /**
     * The same, or else as the shared table says (read on the handle), which keeps a row for as long as a party waits
     * before pausing, where this instance's view holds only who is online now. (On one SQLite instance it is empty.)
     */
    public long lastSeen(org.jdbi.v3.core.Handle h, long playerId) {
        return Math.max(lastSeen(playerId), PresenceDao.seenAt(h, playerId).orElse(0L));
    }

    public int onlineCount() {
        return others(-1).size();
    }

    /** Online players other than {@code except}, here or on any instance, sorted by name. */
    public List<Player> others(long except) {
        long now = System.currentTimeMillis();
        var online = new java.util.LinkedHashMap<Long, Player>();
        states.values().stream().filter(s -> isOnline(s, now)).forEach(s -> online.put(s.player.id(), s.player));
        shared.values().stream().filter(s -> now - s.at() < timeoutMillis).forEach(s -> online.putIfAbsent(s.player().id(), s.player()));
        online.remove(except);
        return online.values().stream().sorted(Comparator.comparing(Player::name)).toList();
    }
}
