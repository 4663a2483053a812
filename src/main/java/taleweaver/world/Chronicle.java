package taleweaver.world;

import org.jdbi.v3.core.Handle;
import taleweaver.db.Database;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The world's chronicle (SPEC §14): public deeds, a line each, in words the server makes from facts (names,
 * task titles, levels, power), never from what a player typed. Other players' greetings and news read it.
 */
public final class Chronicle {
    public record Entry(String time, String text) {}
    public record ChronicleReply(List<Entry> entries) {}

    private final Database db;

    public Chronicle(Database db) {
        this.db = db;
    }

    /** Part of the deed's own transaction. */
    public static void write(Handle h, long playerId, String text) {
        WorldDao.chronicle(h, playerId, text, System.currentTimeMillis());
    }

    /** Newest first; {@code limit} is clamped to 1..100. {@code time} is ISO 8601 UTC to the second. */
    public ChronicleReply latest(int limit) {
        int n = Math.max(1, Math.min(100, limit));
        return new ChronicleReply(db.read(h -> WorldDao.chronicle(h, n)).stream()
                .map(r -> new Entry(Instant.ofEpochMilli(r.at()).truncatedTo(ChronoUnit.SECONDS).toString(), r.text())).toList());
    }

    /** The newest deeds of players other than {@code playerId}, newest first. */
    public static List<String> news(Handle h, long playerId, int limit) {
        return WorldDao.othersDeeds(h, playerId, limit).stream().map(WorldDao.ChronicleRow::text).toList();
    }
}
