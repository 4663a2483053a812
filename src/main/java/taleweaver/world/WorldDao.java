package taleweaver.world;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;

@RegisterConstructorMapper(WorldDao.MemoryRow.class)
@RegisterConstructorMapper(WorldDao.ChronicleRow.class)
public interface WorldDao {
    record MemoryRow(String kind, String text, String npcs, String taskKey) {}
    record ChronicleRow(long at, String text) {}

    @SqlUpdate("insert into memories(player_id, kind, text, npcs, task_key, at) values (?, ?, ?, ?, ?, ?)")
    void remember(long playerId, String kind, String text, String npcs, String taskKey, long at);

    @SqlQuery("select kind, text, npcs, task_key from memories where player_id = ? order by id desc limit ?")
    List<MemoryRow> memories(long playerId, int limit);

    @SqlUpdate("insert into chronicle(player_id, text, at) values (?, ?, ?)")
    void chronicle(long playerId, String text, long at);

    @SqlQuery("select at, text from chronicle order by id desc limit ?")
    List<ChronicleRow> chronicle(int limit);

    @SqlQuery("select at, text from chronicle where player_id <> ? order by id desc limit ?")
    List<ChronicleRow> othersDeeds(long playerId, int limit);
}
