package taleweaver.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import taleweaver.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The game's database: SQLite (one file, WAL; the default) or PostgreSQL (several instances, SPEC §15), behind one
 * HikariCP pool and one set of DAOs. Where the two differ is named in {@link Dialect}; here, how each keeps concurrent
 * writers apart, and the row locks a rule takes before it decides.
 *
 * <p>Every change is one transaction through {@link #write}. On SQLite, which allows one writer anyway, writes queue
 * in this process (flat latency rather than SQLite's busy loop). On PostgreSQL nothing in this JVM keeps a rule: a
 * write that reads before it decides locks the rows it decides on ({@link #lockPlayers}, {@code for update}), so
 * several instances keep the rules together.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    public static final String[] MIGRATIONS = {"V1__accounts_and_characters.sql", "V2__story.sql", "V3__pvp.sql", "V4__hosting.sql", "V5__ladder.sql", "V6__world.sql",
            "V7__cluster.sql", "V8__parties.sql", "V9__party_since.sql", "V10__party_rounds_index.sql",
            "V11__live_battles_index.sql"};
    /** The key of the advisory lock that lets one instance at a time migrate a PostgreSQL database. */
    private static final long MIGRATION_LOCK = 0x7461_6c65_7765_6176L;

    private final Dialect dialect;
    /** The SQLite file; null on PostgreSQL. */
    private final Path file;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    /** SQLite's one writer, queued fairly here; unused on PostgreSQL. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    /**
     * SQLite: where ordinary writes wait their turn (held through the write), so a {@link #writeFirst} overtakes them.
     * Not fair: a write arriving as the last one ends goes at once, while the one parked longest is still waking (a fair
     * lock handed the writer from sleeper to sleeper, and at 7,500 players the writer stood idle between writes most
     * of the time with seven waiting); parked writers still go in the order they came.
     */
    private final ReentrantLock queue = new ReentrantLock();
    /** SQLite: each connection's prepared statements, kept (null on PostgreSQL). */
    private final KeptStatements kept;
    /** SQLite: the connections, the one every write goes through and the pool's for reads (null on PostgreSQL). */
    private final SqliteWriter writer;
    /**
     * PostgreSQL: callers wait for a connection here, in arrival order, for up to {@link #LINE_MILLIS}; null on SQLite.
     * The pool's own wait is not first come, first served: with virtual threads (Java 21+) hundreds of requests ask at
     * once, and some waited past its 3 s and were answered 503 while the database was only busy. A caller let through
     * finds a connection free, so the pool's 3 s now only tells that the database cannot be reached.
     */
    private final java.util.concurrent.Semaphore line;
    static final long LINE_MILLIS = 10_000;
    static final int CONFLICT_TRIES = 3;
    /** PostgreSQL: how deep in {@link #write}s this thread is (a write inside another is part of it). */
    private final ThreadLocal<int[]> writing = ThreadLocal.withInitial(() -> new int[1]);
    /** How deep the current thread is inside calls let through the line (a read inside a write doesn't queue again). */
    private final ThreadLocal<int[]> inLine = ThreadLocal.withInitial(() -> new int[1]);
    /** Statements run through JDBI since start (the bench divides them by requests). */
    private final java.util.concurrent.atomic.LongAdder statements = new java.util.concurrent.atomic.LongAdder();

    /** SQLite at {@code file}, with a pool of 8 (tests and the tools). */
    public Database(String file) {
        this(new Config.Storage(file, "", 0, 1, "", "", "", 8));
    }

    public Database(Config.Storage storage) {
        this.dialect = storage.postgres() ? Dialect.POSTGRESQL : Dialect.SQLITE;
        this.file = storage.postgres() ? null : Path.of(storage.database()).toAbsolutePath();
        SQLiteDataSource sqlite = dialect == Dialect.SQLITE ? sqlite(file) : null;
        this.pool = new HikariDataSource(sqlite != null ? sqlite(storage, sqlite) : postgres(storage));
        this.writer = sqlite != null ? new SqliteWriter(sqlite, pool, writeLock::isHeldByCurrentThread) : null;
        // DAOs run through Daos, not JDBI's SQL objects (whose plugin is not installed)
        this.jdbi = writer != null ? Jdbi.create(writer) : Jdbi.create(pool);
        this.line = dialect == Dialect.POSTGRESQL ? new java.util.concurrent.Semaphore(storage.poolSize(), true) : null;
        // Every row a DAO returns is a record, filled by its constructor from the columns of the same (snake_case) names.
        // The one mapper, registered once here (Daos refuses a mapper annotation on a DAO: rows are mapped this way only).
        jdbi.registerRowMapper(new RecordRows());
        jdbi.registerArgument(new GameArguments());
        this.kept = dialect == Dialect.SQLITE ? new KeptStatements() : null;
        if (kept != null) {
            jdbi.setStatementBuilderFactory(kept);
            jdbi.setTransactionHandler(new SqliteTransactions(kept, c -> {
                if (writer.isWriter(c)) writer.broken(); else pool.evictConnection(c);
            }));
        }
        jdbi.setSqlLogger(new org.jdbi.v3.core.statement.SqlLogger() {
            @Override
            public void logAfterExecution(org.jdbi.v3.core.statement.StatementContext context) {
                statements.increment();
            }
        });
        migrate();
    }

    private static SQLiteDataSource sqlite(Path path) {
        try {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + path, e);
        }
        var cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.enforceForeignKeys(true);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        var source = new SQLiteDataSource(cfg);
        source.setUrl("jdbc:sqlite:" + path);
        return source;
    }

    private static HikariConfig sqlite(Config.Storage storage, SQLiteDataSource source) {
        var hikari = common(storage, "sqlite");
        hikari.setDataSource(source);
        // SQLite connections are cheap to keep and dear to open: a fixed set, never retired.
        hikari.setMinimumIdle(storage.poolSize());
        hikari.setMaxLifetime(0);
        hikari.setIdleTimeout(0);
        return hikari;
    }

    private static HikariConfig postgres(Config.Storage storage) {
        var hikari = common(storage, "postgresql");
        hikari.setJdbcUrl(storage.url());
        if (!storage.user().isBlank()) hikari.setUsername(storage.user());
        if (!storage.password().isEmpty()) hikari.setPassword(storage.password());
        hikari.setMinimumIdle(Math.min(2, storage.poolSize()));
        hikari.addDataSourceProperty("ApplicationName", "taleweaver");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("connectTimeout", "3");
        hikari.addDataSourceProperty("socketTimeout", "30"); // no statement of the game runs this long: a dead peer, not a slow query
        return hikari;
    }

    private static HikariConfig common(Config.Storage storage, String name) {
        var hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setMaximumPoolSize(storage.poolSize());
        hikari.setConnectionTimeout(3_000);   // no free connection, or no database: the request fails (503) rather than waits
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(10_000); // a database still starting gets ten seconds
        return hikari;
    }

    public Jdbi jdbi() { return jdbi; }

    public Dialect dialect() { return dialect; }

    public long statements() { return statements.sum(); }

    /** One transaction that changes state; on SQLite callers queued here go in their order (after any {@link #writeFirst}). */
    public <R, X extends Exception> R write(HandleCallback<R, X> work) throws X {
        if (dialect == Dialect.POSTGRESQL) return inLine(() -> transaction(work));
        boolean nested = writeLock.isHeldByCurrentThread(); // already the writer: no queue to join
        if (!nested) queue.lock();
        try {
            return writeFirst(work);
        } finally {
            if (!nested) queue.unlock();
        }
    }

    /**
     * A write that others are waiting on (a party round's resolution, which every member's wait is parked for): on
     * SQLite it goes next, before every write queued by {@link #write} (those wait for {@code queue}, which the one
     * being written holds until it is done, so only writes like this one wait for the writer itself). Declarations
     * arriving in a burst no longer hold a round's telling back: its commit waited 140 ms for the writer at 250
     * parties, 6 ms now (both medians).
     */
    public <R, X extends Exception> R writeFirst(HandleCallback<R, X> work) throws X {
        if (dialect == Dialect.POSTGRESQL) return inLine(() -> transaction(work));
        writeLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * PostgreSQL: the transaction again, up to {@link #CONFLICT_TRIES} times, when the database rolled it back to break a
     * deadlock or a serialization conflict with another transaction (nothing of it was written, and the other one went
     * through); a write inside another write is retried with the outer one.
     */
    private <R, X extends Exception> R transaction(HandleCallback<R, X> work) throws X {
        int[] depth = writing.get();
        if (depth[0] > 0) return jdbi.inTransaction(work);
        depth[0]++;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return jdbi.inTransaction(work);
                } catch (RuntimeException e) {
                    if (attempt >= CONFLICT_TRIES || !conflicted(e)) throw e;
                    log.info("transaction rolled back by the database ({}), trying again", e.getMessage());
                }
            }
        } finally {
            depth[0]--;
        }
    }

    /** A deadlock (40P01) or serialization failure (40001) somewhere in {@code failure}'s causes. */
    static boolean conflicted(Throwable failure) {
        return anyCause(failure, e -> e instanceof SQLException s && ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState())));
    }

    /** True when {@code failure} or one of its causes passes {@code test}. */
    private static boolean anyCause(Throwable failure, java.util.function.Predicate<Throwable> test) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (test.test(e)) return true;
            if (e.getCause() == e) break;
        }
        return false;
    }

    /**
     * Inside a {@link #write}: waits for and holds the rows of these players until the transaction ends, so that a rule
     * that reads before it writes (a reward, a battle's start, a round's judgement) decides on what is now committed
     * and nobody else decides on the same players meanwhile. Rows are locked in id order (no deadlock between two
     * such writes). On SQLite the write is already the only one.
     */
    public void lockPlayers(Handle h, long... players) {
        if (dialect != Dialect.POSTGRESQL || players.length == 0) return;
        var ids = java.util.Arrays.stream(players).boxed().distinct().toList();
        // PostgreSQL locks the rows as the sort hands them over: in id order
        h.createQuery("select id from players where id in (<ids>) order by id for update").bindList("ids", ids).mapTo(Long.class).list();
    }

    /** A read outside any write transaction. */
    public <R, X extends Exception> R read(HandleCallback<R, X> work) throws X {
        return inLine(() -> jdbi.withHandle(work));
    }

    private interface Use<R, X extends Exception> {
        R run() throws X;
    }

    /** {@code use} once through the {@link #line} (PostgreSQL); at once on SQLite or when already let through. */
    private <R, X extends Exception> R inLine(Use<R, X> use) throws X {
        if (line == null) return use.run();
        int[] depth = inLine.get();
        if (depth[0] > 0) return use.run();
        boolean through = false;
        try {
            through = line.tryAcquire(LINE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!through) throw new ConnectionException(new SQLTransientConnectionException("no database connection free within " + LINE_MILLIS + " ms"));
        depth[0]++;
        try {
            return use.run();
        } finally {
            depth[0]--;
            line.release();
        }
    }

    /**
     * Several reads together (a DM turn's scene): on SQLite in one read transaction, so they take the file's locks and
     * check the connection's page cache once rather than once a statement (another connection's write empties that
     * cache, and here one is written every turn: each statement read its pages from the file again). A savepoint: on
     * its own it begins and ends a deferred transaction; inside a write (the handle is the write's) it only nests. Run
     * on the connection itself, outside the statement count. On PostgreSQL as {@link #read}.
     */
    public <R> R readTogether(HandleCallback<R, RuntimeException> work) {
        if (dialect == Dialect.POSTGRESQL) return read(work);
        return jdbi.withHandle(h -> {
            run(h, "savepoint read_together");
            try {
                return work.withHandle(h);
            } finally {
                run(h, "release read_together");
            }
        });
    }

    /** A statement without parameters or rows on SQLite (begin, commit, a savepoint), its kept copy. */
    private void run(Handle h, String sql) {
        try {
            kept.run(h.getConnection(), sql);
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    /** A read through a DAO, on a handle like every other read ({@link Daos}: no JDBI SQL object attached). */
    public <T, R> R read(Class<T> dao, java.util.function.Function<T, R> work) {
        return read(h -> work.apply(Daos.on(h, dao)));
    }

    /** How much room the game's data takes: the SQLite file and its write-ahead log, or the PostgreSQL database. */
    public long sizeBytes() {
        if (dialect == Dialect.POSTGRESQL) return read(h -> h.createQuery("select pg_database_size(current_database())").mapTo(Long.class).one());
        long size = 0;
        for (Path part : List.of(file, Path.of(file + "-wal"))) {
            try {
                size += Files.size(part);
            } catch (IOException e) {
                // no such file (yet)
            }
        }
        return size;
    }

    public boolean healthy() {
        try {
            return jdbi.withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * True when {@code failure} means the database cannot be reached right now (no connection within the pool's
     * timeout, a dropped connection, a server shutting down or starting, or out of connections): the request is
     * answered 503, not 500.
     */
    public static boolean unavailable(Throwable failure) {
        return anyCause(failure, e -> e instanceof ConnectionException || e instanceof SQLTransientConnectionException
                || e instanceof SQLException s && s.getSQLState() != null
                && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P") || s.getSQLState().equals("53300")));
    }

    /**
     * Applies the migrations this database lacks, each recorded in {@code schema_migrations}, all in one transaction.
     * On PostgreSQL an advisory lock held to the end of that transaction makes instances starting together take turns:
     * the first applies them, the others find them applied.
     */
    private void migrate() {
        write(h -> {
            if (dialect == Dialect.POSTGRESQL) h.createQuery("select 1 from (select pg_advisory_xact_lock(?)) as locked").bind(0, MIGRATION_LOCK).mapTo(Integer.class).one();
            h.execute("create table if not exists schema_migrations (version integer primary key, name text not null, applied_at bigint not null)");
            int done = h.createQuery("select coalesce(max(version), 0) from schema_migrations").mapTo(Integer.class).one();
            for (int v = done + 1; v <= MIGRATIONS.length; v++) {
                String name = MIGRATIONS[v - 1];
                String script = resource("/db/" + dialect.label() + "/" + name);
                try (var statement = h.getConnection().createStatement()) {
                    statement.executeUpdate(script); // the whole script: both drivers run every statement in it
                } catch (SQLException e) {
                    throw new IllegalStateException("migration " + name + " failed: " + e.getMessage(), e);
                }
                h.execute("insert into schema_migrations(version, name, applied_at) values (?, ?, ?)", v, name, System.currentTimeMillis());
                log.info("applied migration {} ({})", name, dialect.label());
            }
            return null;
        });
    }

    private static String resource(String name) {
        try (InputStream in = Database.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing migration " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (writer != null) writer.close();
            pool.close();
        } finally {
            writeLock.unlock();
        }
    }
}
