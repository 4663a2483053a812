package taleweaver.story;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import taleweaver.character.CharacterDao;
import taleweaver.db.Dialect;
import taleweaver.narrator.Narrator.Turn;
import taleweaver.narrator.TokenDao;

import java.util.List;
import java.util.Optional;

public interface StoryDao {
    // The reads of a turn are in Reads, below, on the turn's own handle: attaching a DAO costs more than these queries.
    String PROGRESS = "select player_id, task_key, stage, turns_in_stage, done, summary from task_progress where player_id = ? and task_key = ?";
    String FINISHED = "select task_key from task_progress where player_id = ? and done = 1";
    String ACTIVE = "select task_key from active_task where player_id = ?";
    String PERSONAL = "select id, player_id, name, summary, opening, npc, persona, stages from personal_tasks where id = ?";
    String OPEN_PERSONAL = "select p.id, p.player_id, p.name, p.summary, p.opening, p.npc, p.persona, p.stages from personal_tasks p "
            + "where p.player_id = ? and not exists (select 1 from task_progress t where t.player_id = p.player_id "
            + "and t.task_key = 'p:' || p.id and t.done = 1) order by p.id";
    /** Every task the player has begun, whether it is done, its stage, and whether it is the active one (1 row a task). */
    String STANDING = "select t.task_key, t.done, t.stage, case when a.task_key is null then 0 else 1 end from task_progress t "
            + "left join active_task a on a.player_id = t.player_id and a.task_key = t.task_key where t.player_id = ?";
    String RECENT_TURNS = "select player_text, speaker, reply_text as reply from (select * from turns where player_id = ? and task_key = ? "
            + "order by id desc limit ?) as newest order by id";

    @SqlUpdate("insert into task_progress(player_id, task_key, stage, turns_in_stage, done, summary, updated_at) "
            + "values (?, ?, 0, 0, 0, '', ?) on conflict(player_id, task_key) do nothing")
    void start(long playerId, String taskKey, long at);

    /** A task turn's progress, written on its handle without attaching. */
    static void save(org.jdbi.v3.core.Handle h, Progress p) {
        h.createUpdate("update task_progress set stage = ?, turns_in_stage = ?, done = ?, summary = ?, updated_at = ? where player_id = ? and task_key = ?")
                .bind(0, p.stage()).bind(1, p.turnsInStage()).bind(2, p.done()).bind(3, p.summary()).bind(4, System.currentTimeMillis())
                .bind(5, p.playerId()).bind(6, p.taskKey()).execute();
    }

    @SqlUpdate("insert into active_task(player_id, task_key) values (?, ?) on conflict(player_id) do update set task_key = excluded.task_key")
    void activate(long playerId, String taskKey);

    @SqlUpdate("delete from active_task where player_id = ?")
    void deactivate(long playerId);

    @SqlQuery("select count(*) from personal_tasks p where p.player_id = ? and not exists (select 1 from task_progress t "
            + "where t.player_id = p.player_id and t.task_key = 'p:' || p.id and t.done = 1)")
    int openPersonalCount(long playerId);

    @SqlQuery("select count(*) from personal_tasks where player_id = ? and name = ?")
    int personalNamed(long playerId, String name);

    @SqlUpdate("insert into personal_tasks(player_id, name, summary, opening, npc, persona, stages, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
    @GetGeneratedKeys
    long addPersonal(long playerId, String name, String summary, String opening, String npc, String persona, String stages, long at);

    String ADD_TURN = "insert into turns(player_id, task_key, speaker, player_text, reply_text, at) values (?, ?, ?, ?, ?, ?)";

    /** A task turn's line of the chat, the same way. */
    static void addTurn(org.jdbi.v3.core.Handle h, long playerId, String taskKey, String speaker, String playerText, String replyText) {
        h.createUpdate(ADD_TURN).bind(0, playerId).bind(1, taskKey).bind(2, speaker).bind(3, playerText).bind(4, replyText)
                .bind(5, System.currentTimeMillis()).execute();
    }

    /**
     * A DM turn's whole write, on its handle without attaching: the chat's turn and the world time it passes (one
     * statement where the dialect allows).
     */
    static void addDmTurn(org.jdbi.v3.core.Handle h, Dialect dialect, long playerId, String dm, String playerText, String replyText, int minutes) {
        dialect.writeBoth(h, ADD_TURN, new Object[]{playerId, "", dm, playerText, replyText, System.currentTimeMillis()},
                CharacterDao.PASS, minutes, minutes, playerId);
    }

    /**
     * The player's turn lease (several instances, {@link TurnLease}): taken when free or expired, and then the
     * player's tokens of {@code day} as written; empty when another holder has it.
     */
    static Optional<Integer> takeLease(org.jdbi.v3.core.Handle h, long playerId, String holder, long until, long now, String day) {
        return h.createQuery("insert into lanes(player_id, holder, until_at) values (?, ?, ?) on conflict(player_id) "
                        + "do update set holder = excluded.holder, until_at = excluded.until_at where lanes.until_at < ? "
                        + "returning (" + TokenDao.SPENT + ")")
                .bind(0, playerId).bind(1, holder).bind(2, until).bind(3, now).bind(4, playerId).bind(5, day).mapTo(Integer.class).findOne();
    }

    static void renewLease(org.jdbi.v3.core.Handle h, long playerId, String holder, long until) {
        h.execute("update lanes set until_at = ? where player_id = ? and holder = ?", until, playerId, holder);
    }

    /** Gives the lease back and adds the tokens the turn spent (one statement where the dialect allows). */
    static void giveBackLease(org.jdbi.v3.core.Handle h, Dialect dialect, long playerId, String holder, String day, int tokens) {
        dialect.writeBoth(h, TokenDao.ADD, TokenDao.add(playerId, day, tokens), "delete from lanes where player_id = ? and holder = ?", playerId, holder);
    }

    /**
     * The reads of a turn on its own handle, without attaching the DAO; rows are read by position (the columns of the
     * queries above, in order), which spares the per-query matching of column names to record parameters.
     */
    /** The tasks a player finished; the active task's key and stage, if one is under way. */
    record Standing(List<String> finished, Optional<String> active, int activeStage) {}

    record Reads(org.jdbi.v3.core.Handle h) {
        private static final RowMapper<Progress> PROGRESS_ROW = (rs, ctx) -> new Progress(rs.getLong(1), rs.getString(2), rs.getInt(3),
                rs.getInt(4), rs.getBoolean(5), rs.getString(6));
        private static final RowMapper<PersonalRow> PERSONAL_ROW = (rs, ctx) -> new PersonalRow(rs.getLong(1), rs.getLong(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8));
        private static final RowMapper<Turn> TURN_ROW = (rs, ctx) -> new Turn(rs.getString(1), rs.getString(2), rs.getString(3));

        /** Where the player stands in the story, in one read: the tasks finished, and the active one with its stage. */
        public Standing standing(long playerId) {
            var finished = new java.util.ArrayList<String>();
            String[] active = {null};
            int[] stage = {0};
            h.createQuery(STANDING).bind(0, playerId).map((rs, ctx) -> {
                if (rs.getInt(2) == 1) finished.add(rs.getString(1));
                if (rs.getInt(4) == 1) {
                    active[0] = rs.getString(1);
                    stage[0] = rs.getInt(3);
                }
                return null;
            }).list();
            return new Standing(List.copyOf(finished), Optional.ofNullable(active[0]), stage[0]);
        }

        public Optional<Progress> progress(long playerId, String taskKey) {
            return h.createQuery(PROGRESS).bind(0, playerId).bind(1, taskKey).map(PROGRESS_ROW).findOne();
        }

        public List<String> finished(long playerId) {
            return h.createQuery(FINISHED).bind(0, playerId).map((rs, ctx) -> rs.getString(1)).list();
        }

        public Optional<String> active(long playerId) {
            return h.createQuery(ACTIVE).bind(0, playerId).map((rs, ctx) -> rs.getString(1)).findOne();
        }

        public Optional<PersonalRow> personal(long id) {
            return h.createQuery(PERSONAL).bind(0, id).map(PERSONAL_ROW).findOne();
        }

        public List<PersonalRow> openPersonal(long playerId) {
            return h.createQuery(OPEN_PERSONAL).bind(0, playerId).map(PERSONAL_ROW).list();
        }

        public List<Turn> recentTurns(long playerId, String taskKey, int limit) {
            return h.createQuery(RECENT_TURNS).bind(0, playerId).bind(1, taskKey).bind(2, limit).map(TURN_ROW).list();
        }
    }
}
