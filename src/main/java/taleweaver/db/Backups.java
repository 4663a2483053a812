package taleweaver.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Online backups (SPEC §13) with SQLite's own {@code VACUUM INTO}: a consistent copy of the database as of one moment,
 * made while the game plays on (WAL: writers are not blocked), holding every write committed before it began. Never a
 * copy of the live file. Written beside the target and renamed, so a backup file is whole or absent.
 */
public final class Backups {
    private static final Logger log = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    static final String PREFIX = "taleweaver-";
    /** Why there are no backups of ours on PostgreSQL, and what to use instead (SPEC §15). */
    public static final String ON_POSTGRES = "on PostgreSQL, backups are the database's own: pg_dump (a consistent dump while "
            + "playing), pg_basebackup with WAL archiving (point in time), or the managed service's snapshots";

    private Backups() {}

    /** A new file name in {@code dir}, by the time (UTC). */
    public static Path newFile(Path dir) {
        return dir.resolve(PREFIX + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".db");
    }

    /** Backs up the SQLite file {@code database} into {@code target} (which must not exist yet); also while a server uses it. */
    public static Path make(String database, Path target) throws IOException, SQLException {
        if (Files.exists(target)) throw new IOException(target + " exists already");
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(target.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (var pragma = c.createStatement()) {
                pragma.execute("pragma busy_timeout = 10000");
            }
            try (var st = c.prepareStatement("vacuum into ?")) {
                st.setString(1, partial.toString());
                st.execute();
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("backup written: {}", target);
        return target;
    }

    /** Keeps the newest {@code kept} backups in {@code dir}, deleting older ones. */
    public static void prune(Path dir, int kept) throws IOException {
        if (!Files.isDirectory(dir)) return;
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.toString().endsWith(".db"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        for (Path old : all.subList(Math.min(kept, all.size()), all.size())) Files.deleteIfExists(old);
    }
}
