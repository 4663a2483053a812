package taleweaver;

import taleweaver.db.Database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A config for tests: the database and its backups in a temp dir, cheap bcrypt, generous limits, then any overrides.
 * With {@code -Dtaleweaver.test.db=postgresql} (the second run of {@code ./run.sh test}) the same tests run on a real
 * PostgreSQL: each temp dir gets a database of its own, so a test that restarts its app finds its data again.
 */
public final class TestConfig {
    private TestConfig() {}

    public static boolean postgres() {
        return "postgresql".equals(System.getProperty("taleweaver.test.db"));
    }

    public static Config of(Path dir, String... sets) {
        return Config.load(null, sets(dir, sets), Map.of());
    }

    /** The {@code key=value} settings of {@link #of}, for a server started as a process of its own. */
    public static List<String> sets(Path dir, String... sets) {
        var all = new ArrayList<>(List.of("storage.database=" + dir.resolve("game.db"), "storage.backup_dir=" + dir.resolve("backups"), "auth.bcrypt_cost=4",
                "limits.requests_per_minute=100000", "server.host=127.0.0.1"));
        if (postgres()) all.add("storage.url=" + postgresUrl(dir));
        all.addAll(List.of(sets));
        return all;
    }

    /** The test's database, opened (and migrated) as the server would. */
    public static Database database(Path dir) {
        return new Database(of(dir).storage());
    }

    /** A plain JDBC connection to the test's database, for looking at rows behind the server's back. */
    public static Connection connect(Path dir) throws SQLException {
        return DriverManager.getConnection(postgres() ? postgresUrl(dir) : "jdbc:sqlite:" + dir.resolve("game.db"));
    }

    private static String postgresUrl(Path dir) {
        byte[] hash;
        try {
            hash = java.security.MessageDigest.getInstance("SHA-256").digest(dir.toAbsolutePath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return TestPostgres.url("t_" + HexFormat.of().formatHex(hash, 0, 12));
    }

    /**
     * How the database would run {@code sql} with these parameters, as its own words (SQLite's query plan, PostgreSQL's
     * explain, sequential scans discouraged: a test's small table is otherwise read whole whatever its indexes).
     */
    public static String plan(Database db, String sql, Object... params) {
        return db.write(h -> {
            if (postgres()) h.execute("set local enable_seqscan = off");
            var q = h.createQuery((postgres() ? "explain " : "explain query plan ") + sql);
            for (int i = 0; i < params.length; i++) q.bind(i, params[i]);
            return String.join("\n", q.map((rs, ctx) -> rs.getString(postgres() ? 1 : 4)).list());
        });
    }
}
