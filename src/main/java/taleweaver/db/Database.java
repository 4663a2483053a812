package taleweaver.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SQLite file: WAL mode, a small pool of connections, migrations applied at open.
 * Writes go one at a time through {@link #write}, each in one transaction; SQLite allows one writer anyway,
 * and queueing them here (rather than in SQLite's busy loop) keeps latency flat.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    static final String[] MIGRATIONS = {"V1__accounts_and_characters.sql", "V2__story.sql", "V3__pvp.sql", "V4__hosting.sql", "V5__ladder.sql", "V6__world.sql"};

    private final Jdbi jdbi;
    private final Pool pool;
    private final ReentrantLock writeLock = new ReentrantLock(true);

    public Database(String file) {
        Path path = Path.of(file).toAbsolutePath();
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
        this.pool = new Pool("jdbc:sqlite:" + path, cfg, 8);
        this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
        // Every row a DAO returns is a record, filled by its constructor from the columns of the same (snake_case) names.
        // Registered once here rather than on each DAO: a DAO's own mapper annotations are applied anew on every
        // attach, which made attaching cost more than the query.
        var mappers = new java.util.concurrent.ConcurrentHashMap<Class<?>, org.jdbi.v3.core.mapper.RowMapper<?>>();
        jdbi.registerRowMapper((RowMapperFactory) (type, config) -> type instanceof Class<?> c && c.isRecord()
                ? Optional.of(mappers.computeIfAbsent(c, ConstructorMapper::of)) : Optional.empty());
        migrate();
    }

    public Jdbi jdbi() { return jdbi; }

    /** One transaction that changes state; callers are served in arrival order. */
    public <R, X extends Exception> R write(HandleCallback<R, X> work) throws X {
        writeLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            writeLock.unlock();
        }
    }

    /** A read outside any write transaction. */
    public <R, X extends Exception> R read(HandleCallback<R, X> work) throws X {
        return jdbi.withHandle(work);
    }

    public <T, R> R read(Class<T> dao, java.util.function.Function<T, R> work) {
        return jdbi.withExtension(dao, work::apply);
    }

    public boolean healthy() {
        try {
            return jdbi.withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void migrate() {
        write(h -> {
            h.execute("create table if not exists schema_migrations (version integer primary key, name text not null, applied_at integer not null)");
            int done = h.createQuery("select coalesce(max(version), 0) from schema_migrations").mapTo(Integer.class).one();
            for (int v = done + 1; v <= MIGRATIONS.length; v++) {
                String name = MIGRATIONS[v - 1];
                for (String statement : resource("/db/" + name).split(";\\s*(\\n|$)")) {
                    if (!statement.isBlank()) h.execute(statement);
                }
                h.execute("insert into schema_migrations(version, name, applied_at) values (?, ?, ?)", v, name, System.currentTimeMillis());
                log.info("applied migration {}", name);
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
            pool.close();
        } finally {
            writeLock.unlock();
        }
    }

    /** A fixed set of open connections handed out and taken back; SQLite connections are cheap to keep, dear to open. */
    private static final class Pool implements ConnectionFactory {
        private final BlockingQueue<Connection> idle;
        private final String url;
        private final SQLiteConfig cfg;
        private volatile boolean closed;

        Pool(String url, SQLiteConfig cfg, int size) {
            this.url = url;
            this.cfg = cfg;
            this.idle = new ArrayBlockingQueue<>(size);
            for (int i = 0; i < size; i++) idle.add(open());
        }

        private Connection open() {
            try {
                return cfg.createConnection(url);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot open database " + url + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Connection openConnection() throws SQLException {
            if (closed) throw new SQLException("database closed");
            try {
                Connection c = idle.take();
                if (c.isClosed()) c = open();
                return c;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a connection");
            }
        }

        @Override
        public void closeConnection(Connection c) throws SQLException {
            if (closed) {
                c.close();
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            idle.offer(c);
        }

        void close() {
            closed = true;
            Connection c;
            while ((c = idle.poll()) != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
