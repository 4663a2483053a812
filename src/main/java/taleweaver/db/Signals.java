package taleweaver.db;

import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wake-ups between instances (SPEC §15): a write that others must hear about (a session ended, a challenge answered,
 * a round told) sends a signal in its own transaction; the instance that wrote acts on its own change as it always
 * has. On PostgreSQL the signal is a row of {@code signals} and a {@code NOTIFY}, and every other instance's listener
 * (one connection each, {@code LISTEN}) runs its handlers; on SQLite there are no other instances and it is nothing.
 * The table is the truth: the listener reads it on every notification and at least once a second, so a lost
 * notification only delays a wake-up by that second. Each read asks for the ids above the newest handled and for the
 * gaps below it (ids allocated by transactions still open when a newer one was read, or rolled back), each gap for
 * {@link #GAP_MILLIS}: a read returns only what is new, however busy the cluster.
 * Handlers must be idempotent (drop a cache entry, wake a waiter that re-reads the database).
 */
public final class Signals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);
    private static final String CHANNEL = "taleweaver";
    /**
     * An id allocated before a newer one may commit after it, while its transaction is still open: a gap below the
     * newest id handled is asked for again on each read for this long (a write transaction lasts milliseconds; one
     * rolled back leaves a gap for good), and at most {@link #GAPS_KEPT} of them, the newest.
     */
    static final long GAP_MILLIS = 30_000;
    static final int GAPS_KEPT = 10_000;
    private static final long KEEP_MILLIS = 60_000;

    public enum Kind {
        /** A player's account or sessions changed: drop what is cached of them. */
        ACCOUNT,
        /** A player logged out, was kicked, banned or given a new password: offline, sessions gone. */
        OFFLINE,
        /** A challenge was answered: wake whoever waits for it. Target: the challenge id. */
        CHALLENGE,
        /** A battle round was judged and told: wake the movers waiting for it. Target: "battle id#round". */
        ROUND,
        /** Something in a player's heartbeat changed (a challenge to or from them, a battle's start or end). */
        INBOX,
        /** A party has new events: wake its members waiting here. Target: the party id. */
        PARTY,
        /**
         * A party member declared: wake its members waiting here once for the burst of declarations that usually
         * completes a round (as on the instance that took it), not once for each. Target: the party id.
         */
        PARTY_ACTED,
        /** Words of a party round's telling, as written on another instance. Target: "party\nround\noffset\ntext". */
        PARTY_TEXT
    }

    private final Database db;
    private final String instance;
    private final Config.Storage storage;
    private final Map<Kind, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final List<Runnable> reconnected = new CopyOnWriteArrayList<>();
    /** Ids below {@link #newestId} not read yet, oldest first, with when each was first missed (listener thread only). */
    private final Map<Long, Long> gaps = new LinkedHashMap<>();
    private volatile boolean closed;
    private volatile Connection listening;
    private Thread listener;
    private long newestId;
    private long lastPrune;

    public Signals(Database db, Config.Storage storage, String instance) {
        this.db = db;
        this.storage = storage;
        this.instance = instance;
    }

    /** Registers what this instance does when {@code kind} happens anywhere. */
    public void on(Kind kind, Consumer<String> handler) {
        handlers.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /** Registers what this instance does after its listener was cut off (signals may have been missed): drop every cache. */
    public void onReconnect(Runnable handler) {
        reconnected.add(handler);
    }

    /** Inside a write: once it commits, every other instance handles {@code kind} about {@code target}. */
    public void send(Handle h, Kind kind, String target) {
        if (db.dialect().shared()) {
            h.createQuery("with sent as (insert into signals(origin, kind, target, at) values (?, ?, ?, ?) returning id) "
                            + "select pg_notify('" + CHANNEL + "', '') from sent")
                    .bind(0, instance).bind(1, kind.name()).bind(2, target).bind(3, System.currentTimeMillis()).mapTo(String.class).list();
        }
    }

    /** On PostgreSQL: starts listening for other instances' signals. */
    public void start() {
        if (!db.dialect().shared()) return;
        newestId = db.read(h -> h.createQuery("select coalesce(max(id), 0) from signals").mapTo(Long.class).one());
        listener = new Thread(this::listen, "signals");
        listener.setDaemon(true);
        listener.start();
    }

    private void handle(Kind kind, String target) {
        for (var handler : handlers.getOrDefault(kind, List.of())) {
            try {
                handler.accept(target);
            } catch (RuntimeException e) {
                log.warn("signal {} {}: {}", kind, target, e.toString());
            }
        }
    }

    private void listen() {
        boolean first = true;
        while (!closed) {
            try (Connection c = connect()) {
                listening = c;
                try (var st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (!first) reconnected.forEach(Runnable::run);
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    read(c); // first at once: anything sent while this connection was being made
                    pg.getNotifications(1000); // a notification, or a second, whichever comes first
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                log.warn("signals: listening again in a second ({})", e.toString());
                sleep(1000);
            } finally {
                listening = null;
            }
        }
    }

    /** Handles the signals of other instances not handled yet: those above the newest handled, and the gaps below it. */
    private void read(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        forgetOldGaps(now);
        try (var st = c.prepareStatement("select id, origin, kind, target from signals where id > ? or id = any(?) order by id")) {
            st.setLong(1, newestId);
            st.setArray(2, c.createArrayOf("bigint", gaps.keySet().toArray()));
            try (var rows = st.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    if (id > newestId) {
                        for (long missed = Math.max(newestId + 1, id - GAPS_KEPT); missed < id; missed++) gaps.put(missed, now);
                        newestId = id;
                    } else if (gaps.remove(id) == null) {
                        continue; // handled already
                    }
                    if (instance.equals(rows.getString(2))) continue; // the writer acted on its own change
                    Kind kind;
                    try {
                        kind = Kind.valueOf(rows.getString(3));
                    } catch (IllegalArgumentException e) {
                        continue; // a newer release's signal
                    }
                    handle(kind, rows.getString(4));
                }
            }
        }
        forgetOldGaps(now);
        if (now - lastPrune > 30_000) {
            lastPrune = now;
            try (var st = c.prepareStatement("delete from signals where at < ?")) {
                st.setLong(1, now - KEEP_MILLIS);
                st.executeUpdate();
            }
        }
    }

    /**
     * Gaps missed longer than {@link #GAP_MILLIS} ago, and all but the newest {@link #GAPS_KEPT}: they were added in id
     * order as they were missed, so these are the first ones, and the rest are not looked at.
     */
    private void forgetOldGaps(long now) {
        var oldest = gaps.values().iterator();
        while (oldest.hasNext()) {
            long missedAt = oldest.next();
            if (gaps.size() <= GAPS_KEPT && now - missedAt <= GAP_MILLIS) return;
            oldest.remove();
        }
    }

    private Connection connect() throws SQLException {
        var props = new Properties();
        if (!storage.user().isBlank()) props.setProperty("user", storage.user());
        if (!storage.password().isEmpty()) props.setProperty("password", storage.password());
        props.setProperty("ApplicationName", "taleweaver-signals");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(storage.url(), props);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        if (listener != null) listener.interrupt();
    }
}
