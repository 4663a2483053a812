package taleweaver.db;

import taleweaver.Config;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar server.jar move-to <storage.url>} (SPEC §15): a stopped server's SQLite database copied into an
 * empty PostgreSQL database. The source is opened read-only and must be at this release's schema; the target gets
 * the schema, then every row of every table in one transaction (a failure leaves it empty), then its id sequences
 * move past the copied ids, and every table's count is compared. Passwords are bcrypt hashes and move as they are,
 * so players log in afterwards as before.
 */
public final class MoveTo {
    /** Every table, parents before the tables that refer to them. */
    static final List<String> TABLES = List.of("players", "sessions", "characters", "equipment", "skills", "task_progress",
            "personal_tasks", "active_task", "turns", "images", "token_usage", "challenges", "battles", "battle_moves",
            "battle_rounds", "audit_log", "memories", "chronicle", "login_failures", "presence", "lanes", "signals");
    /** The tables whose ids PostgreSQL hands out (identity columns). */
    private static final List<String> WITH_IDS = List.of("players", "personal_tasks", "turns", "audit_log", "memories", "chronicle", "signals");
    private static final int BATCH = 500;

    /** A refusal to move, said to the host as it is. */
    public static final class Refused extends Exception {
        Refused(String message) { super(message); }
    }

    private MoveTo() {}

    /** Copies {@code source} (SQLite file) into the PostgreSQL database of {@code target}; returns the counts per table. */
    public static Map<String, Long> move(String source, Config.Storage target, PrintStream out) throws Refused, SQLException {
        if (!target.postgres()) throw new Refused("move-to needs a jdbc:postgresql://host:port/database URL");
        if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(source))) throw new Refused("no SQLite database at " + source);
        var readOnly = new org.sqlite.SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection from = readOnly.createConnection("jdbc:sqlite:" + source)) {
            from.setAutoCommit(false); // one read transaction: every table as of one moment, even if a server still ran
            long version = count(from, "select coalesce(max(version), 0) from schema_migrations");
            if (version != Database.MIGRATIONS.length) {
                throw new Refused(source + " is at schema version " + version + ", this release at " + Database.MIGRATIONS.length
                        + ": start this release on it once (then stop it), and move again");
            }
            try (var db = new Database(target); var h = db.jdbi().open()) { // the schema, applied as any instance would
                copy(from, h.getConnection(), out);
                return counted(from, h.getConnection());
            }
        }
    }

    /** Every table's rows, the same on both sides. */
    private static Map<String, Long> counted(Connection from, Connection to) throws SQLException {
        var counts = new LinkedHashMap<String, Long>();
        for (String table : TABLES) {
            long a = count(from, "select count(*) from " + table), b = count(to, "select count(*) from " + table);
            if (a != b) throw new SQLException(table + ": " + a + " rows in SQLite but " + b + " in PostgreSQL");
            counts.put(table, b);
        }
        return counts;
    }

    private static void copy(Connection from, Connection to, PrintStream out) throws SQLException, Refused {
        for (String table : TABLES) {
            if (count(to, "select count(*) from " + table) > 0) throw new Refused("the target database is not empty (" + table + " has rows)");
        }
        to.setAutoCommit(false);
        try {
            for (String table : TABLES) out.println(table + ": " + copyTable(from, to, table));
            for (String table : WITH_IDS) {
                try (var st = to.createStatement()) {
                    st.executeQuery("select setval(pg_get_serial_sequence('" + table + "', 'id'), coalesce(max(id), 0) + 1, false) from " + table).close();
                }
            }
            to.commit();
        } catch (SQLException e) {
            to.rollback();
            throw e;
        } finally {
            to.setAutoCommit(true);
        }
    }

    private static long copyTable(Connection from, Connection to, String table) throws SQLException {
        long rows = 0;
        try (var read = from.createStatement(); var all = read.executeQuery("select * from " + table)) {
            var meta = all.getMetaData();
            int n = meta.getColumnCount();
            var columns = new ArrayList<String>();
            for (int i = 1; i <= n; i++) columns.add(meta.getColumnName(i));
            String insert = "insert into " + table + "(" + String.join(", ", columns) + ") values (" + "?, ".repeat(n - 1) + "?)";
            try (var write = to.prepareStatement(insert)) {
                while (all.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = all.getObject(i);
                        if (v == null) write.setNull(i, Types.NULL); else write.setObject(i, v);
                    }
                    write.addBatch();
                    if (++rows % BATCH == 0) write.executeBatch();
                }
                write.executeBatch();
            }
        }
        return rows;
    }

    private static long count(Connection c, String query) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
