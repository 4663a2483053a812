package taleweaver.db;

import taleweaver.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {
    @Test
    void createsTheFileInWalModeAndRecordsMigrationsOnce(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "a SQLite file");
        Path file = dir.resolve("sub/folder/game.db");
        try (var db = new Database(file.toString())) {
            assertTrue(Files.exists(file));
            assertEquals("wal", db.read(h -> h.createQuery("pragma journal_mode").mapTo(String.class).one()));
            int applied = db.read(h -> h.createQuery("select count(*) from schema_migrations").mapTo(Integer.class).one());
            assertEquals(Database.MIGRATIONS.length, applied);
        }
        try (var db = new Database(file.toString())) {
            List<String> names = db.read(h -> h.createQuery("select name from schema_migrations order by version").mapTo(String.class).list());
            assertEquals(List.of(Database.MIGRATIONS), names);
            assertTrue(db.healthy());
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(h -> {
                h.execute("insert into images(key, png) values ('half', ?)", (Object) new byte[1]);
                throw new IllegalStateException("boom");
            }));
            int rows = db.read(h -> h.createQuery("select count(*) from images").mapTo(Integer.class).one());
            assertEquals(0, rows);
        }
    }
}
