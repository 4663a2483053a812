package taleweaver.world;

import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Map;

public interface WorldDao {
    record MemoryRow(String kind, String text, String npcs, String taskKey) {}
    record ChronicleRow(long at, String text) {}

    /** A memory, on the deed's handle without attaching (a deed is part of most writes). */
    static void remember(org.jdbi.v3.core.Handle h, long playerId, String kind, String text, String npcs, String taskKey, long at) {
        h.createUpdate("insert into memories(player_id, kind, text, npcs, task_key, at) values (?, ?, ?, ?, ?, ?)")
                .bind(0, playerId).bind(1, kind).bind(2, text).bind(3, npcs).bind(4, taskKey).bind(5, at).execute();
    }

    String MEMORIES = "select kind, text, npcs, task_key from memories where player_id = ? order by id desc limit ?";
    String OTHERS_DEEDS = "select at, text from chronicle where player_id <> ? order by id desc limit ?";

    /** The reads of every DM turn, on its handle without attaching, rows read by position (the columns above, in order). */
    static List<MemoryRow> memories(Handle h, long playerId, int limit) {
        return h.createQuery(MEMORIES).bind(0, playerId).bind(1, limit)
                .map((rs, ctx) -> new MemoryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
    }

    /** {@link #MEMORIES} and then {@link #OTHERS_DEEDS} in one query; a line of news comes as a row whose kind is null. */
    String MEMORIES_AND_NEWS = "select * from (select kind, text, npcs, task_key, 0 as part, id from memories where player_id = ? "
            + "order by id desc limit ?) as mine union all select * from (select null, text, '', '', 1, id from chronicle where player_id <> ? "
            + "order by id desc limit ?) as news order by 5, 6 desc";

    static List<MemoryRow> memoriesAndNews(Handle h, long playerId, int memories, int news) {
        return h.createQuery(MEMORIES_AND_NEWS).bind(0, playerId).bind(1, memories).bind(2, playerId).bind(3, news)
                .map((rs, ctx) -> new MemoryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
    }

    /** Deeds of several players that can name one another (their duels and party quests), newest first. */
    static List<Map.Entry<Long, String>> sharedDeeds(Handle h, List<Long> players, int limit) {
        return h.createQuery("select player_id, text from memories where player_id in (<ids>) and (kind = 'duel' or task_key like 'party:%') "
                        + "order by id desc limit :limit").bindList("ids", players).bind("limit", limit)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
    }

    static List<ChronicleRow> othersDeeds(Handle h, long playerId, int limit) {
        return h.createQuery(OTHERS_DEEDS).bind(0, playerId).bind(1, limit)
                .map((rs, ctx) -> new ChronicleRow(rs.getLong(1), rs.getString(2))).list();
    }

    /** A line of the chronicle, the same way. */
    static void chronicle(org.jdbi.v3.core.Handle h, long playerId, String text, long at) {
        h.createUpdate("insert into chronicle(player_id, text, at) values (?, ?, ?)").bind(0, playerId).bind(1, text).bind(2, at).execute();
    }

    /** /chronicle's read on a handle, mapped by position (no SQL object attached, no record mapper made per query). */
    static List<ChronicleRow> chronicle(org.jdbi.v3.core.Handle h, int limit) {
        return h.createQuery("select at, text from chronicle order by id desc limit ?").bind(0, limit)
                .map((rs, ctx) -> new ChronicleRow(rs.getLong(1), rs.getString(2))).list();
    }

}
