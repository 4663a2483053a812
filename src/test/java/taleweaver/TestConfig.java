package taleweaver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A config for tests: the database and its backups in a temp dir, cheap bcrypt, generous limits, then any overrides. */
public final class TestConfig {
    private TestConfig() {}

    public static Config of(Path dir, String... sets) {
        var all = new ArrayList<>(List.of("storage.database=" + dir.resolve("game.db"), "storage.backup_dir=" + dir.resolve("backups"), "auth.bcrypt_cost=4",
                "limits.requests_per_minute=100000", "server.host=127.0.0.1"));
        all.addAll(List.of(sets));
        return Config.load(null, all, Map.of());
    }
}
