package taleweaver.story;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import taleweaver.narrator.Narrator.Turn;

import java.util.List;
import java.util.Optional;

public interface StoryDao {
    @SqlQuery("select player_id, task_key, stage, turns_in_stage, done, summary from task_progress where player_id = ? and task_key = ?")
    Optional<Progress> progress(long playerId, String taskKey);

    @SqlQuery("select task_key from task_progress where player_id = ? and done = 1")
    List<String> finished(long playerId);

    @SqlUpdate("insert into task_progress(player_id, task_key, stage, turns_in_stage, done, summary, updated_at) "
            + "values (?, ?, 0, 0, 0, '', ?) on conflict(player_id, task_key) do nothing")
    void start(long playerId, String taskKey, long at);

    @SqlUpdate("update task_progress set stage = :stage, turns_in_stage = :turnsInStage, done = :done, summary = :summary, "
            + "updated_at = :at where player_id = :playerId and task_key = :taskKey")
    void save(@BindMethods Progress progress, @Bind("at") long at);

    default void save(Progress progress) {
        save(progress, System.currentTimeMillis());
    }

    @SqlQuery("select task_key from active_task where player_id = ?")
    Optional<String> active(long playerId);

    @SqlUpdate("insert into active_task(player_id, task_key) values (?, ?) on conflict(player_id) do update set task_key = excluded.task_key")
    void activate(long playerId, String taskKey);

    @SqlUpdate("delete from active_task where player_id = ?")
    void deactivate(long playerId);

    @SqlQuery("select id, player_id, name, summary, opening, npc, persona, stages from personal_tasks where id = ?")
    Optional<PersonalRow> personal(long id);

    @SqlQuery("select p.id, p.player_id, p.name, p.summary, p.opening, p.npc, p.persona, p.stages from personal_tasks p "
            + "where p.player_id = ? and not exists (select 1 from task_progress t where t.player_id = p.player_id "
            + "and t.task_key = 'p:' || p.id and t.done = 1) order by p.id")
    List<PersonalRow> openPersonal(long playerId);

    @SqlQuery("select count(*) from personal_tasks p where p.player_id = ? and not exists (select 1 from task_progress t "
            + "where t.player_id = p.player_id and t.task_key = 'p:' || p.id and t.done = 1)")
    int openPersonalCount(long playerId);

    @SqlQuery("select count(*) from personal_tasks where player_id = ? and name = ?")
    int personalNamed(long playerId, String name);

    @SqlUpdate("insert into personal_tasks(player_id, name, summary, opening, npc, persona, stages, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
    @GetGeneratedKeys
    long addPersonal(long playerId, String name, String summary, String opening, String npc, String persona, String stages, long at);

    String ADD_TURN = "insert into turns(player_id, task_key, speaker, player_text, reply_text, at) values (?, ?, ?, ?, ?, ?)";

    @SqlUpdate(ADD_TURN)
    void addTurn(long playerId, String taskKey, String speaker, String playerText, String replyText, long at);

    /** The same write on a handle without attaching (a DM turn's only writes are this and the clock). */
    static void addTurn(org.jdbi.v3.core.Handle h, long playerId, String taskKey, String speaker, String playerText, String replyText) {
        h.execute(ADD_TURN, playerId, taskKey, speaker, playerText, replyText, System.currentTimeMillis());
    }

    @SqlQuery("select player_text, speaker, reply_text as reply from (select * from turns where player_id = ? and task_key = ? "
            + "order by id desc limit ?) order by id")
    List<Turn> recentTurns(long playerId, String taskKey, int limit);
}
