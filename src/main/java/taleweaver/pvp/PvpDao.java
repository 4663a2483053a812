package taleweaver.pvp;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

public interface PvpDao {
    String BATTLE = "id, p1, p2, round, round_started, hp1, hp2, misses1, misses2, moved1, moved2, seen1, seen2, over, winner, outcome";

    @SqlUpdate("insert into challenges(id, from_id, to_id, created_at, expires_at, state) values (?, ?, ?, ?, ?, 'pending')")
    void addChallenge(String id, long fromId, long toId, long createdAt, long expiresAt);

    @SqlQuery("select id, from_id, to_id, created_at, expires_at, state from challenges where id = ?")
    Optional<ChallengeRow> challenge(String id);

    /** 0 when the challenge was answered (or expired) meanwhile: one answer wins. */
    @SqlUpdate("update challenges set state = ?, answered_at = ? where id = ? and state = 'pending'")
    int answer(String state, long at, String id);

    @SqlQuery("select id, from_id, to_id, created_at, expires_at, state from challenges where to_id = ? and state = 'pending' "
            + "and expires_at > ? order by created_at, id")
    List<ChallengeRow> waitingFor(long toId, long now);

    @SqlQuery("select c.id from challenges c join battles b on b.id = c.id where c.from_id = ? and c.state = 'accepted' "
            + "and b.moved1 = 0 and b.over = 0 order by c.answered_at")
    List<String> acceptedUnplayed(long fromId);

    @SqlUpdate("insert into battles(id, p1, p2, round, round_started, hp1, hp2) values (?, ?, ?, 1, ?, ?, ?)")
    void addBattle(String id, long p1, long p2, long at, int hp1, int hp2);

    @SqlQuery("select " + BATTLE + " from battles where id = ?")
    Optional<BattleRow> battle(String id);

    @SqlQuery("select " + BATTLE + " from battles where over = 0")
    List<BattleRow> activeBattles();

    @SqlQuery("select count(*) from battles where over = 0 and (p1 = ? or p2 = ?)")
    int activeBattlesOf(long playerId, long samePlayerId);

    @SqlUpdate("update battles set round = :round, round_started = :roundStarted, hp1 = :hp1, hp2 = :hp2, misses1 = :misses1, "
            + "misses2 = :misses2, moved1 = :moved1, moved2 = :moved2, seen1 = :seen1, seen2 = :seen2, over = :over, "
            + "winner = :winner, outcome = :outcome where id = :id")
    void saveBattle(@BindMethods BattleRow battle);

    @SqlUpdate("insert into battle_moves(battle_id, round, player_id, text, items, skills, power) "
            + "values (:battleId, :round, :playerId, :text, :items, :skills, :power) on conflict do nothing")
    int addMove(@BindMethods MoveRow move);

    @SqlQuery("select battle_id, round, player_id, text, items, skills, power from battle_moves where battle_id = ? and round = ?")
    List<MoveRow> moves(String battleId, int round);

    @SqlUpdate("insert into battle_rounds(battle_id, round, move1, move2, damage1, damage2, hp1, hp2, result) "
            + "values (:battleId, :round, :move1, :move2, :damage1, :damage2, :hp1, :hp2, :result)")
    void addRound(@BindMethods RoundRow round);

    @SqlUpdate("update battle_rounds set result = ? where battle_id = ? and round = ?")
    void tellRound(String result, String battleId, int round);

    @SqlQuery("select battle_id, round, move1, move2, damage1, damage2, hp1, hp2, result from battle_rounds where battle_id = ? and round = ?")
    Optional<RoundRow> round(String battleId, int round);

    @SqlQuery("select battle_id, round, move1, move2, damage1, damage2, hp1, hp2, result from battle_rounds where battle_id = ? "
            + "order by round desc limit 1")
    Optional<RoundRow> lastRound(String battleId);

    /** 1 when this call is the one that marks {@code round} delivered to p1 (so it is delivered once). */
    @SqlUpdate("update battles set seen1 = :round where id = :id and seen1 < :round")
    int seen1(@Bind("round") int round, @Bind("id") String id);

    @SqlUpdate("update battles set seen2 = :round where id = :id and seen2 < :round")
    int seen2(@Bind("round") int round, @Bind("id") String id);

    /** The mover's side of the battle is marked as having moved (the player may be either side). */
    @SqlUpdate("update battles set moved1 = case when p1 = :player then 1 else moved1 end, "
            + "moved2 = case when p2 = :player then 1 else moved2 end where id = :battle")
    void markMoved(@Bind("player") long player, @Bind("battle") String battleId);

    record Overdue(String id, int round) {}

    /** Through the index of duels under way (V11): the duels fought before are not read. */
    String OVERDUE = "select id, round from battles where over = 0 and round_started < ?";

    /** Rounds of battles not over that started before {@code startedBefore}. */
    @SqlQuery(OVERDUE)
    List<Overdue> overdueRounds(long startedBefore);

    @SqlQuery("select count(*) from battles where over = 0")
    int liveBattles();

    /** Of these challenges, those answered (or expired) by now. */
    @SqlQuery("select id from challenges where id in (<ids>) and state <> 'pending'")
    List<String> answeredAmong(@org.jdbi.v3.sqlobject.customizer.BindList("ids") List<String> ids);

    @SqlQuery("select rating from players where id = ?")
    int rating(long playerId);

    /** A duel's result on one side's ladder row. */
    @SqlUpdate("update players set rating = rating + ?, wins = wins + ?, losses = losses + ?, draws = draws + ? where id = ?")
    void addResult(int ratingDelta, int wins, int losses, int draws, long playerId);

    /** /ladder's read on a handle, mapped by position: best first, then more duels, then name. */
    static List<Ladder.Entry> ladder(org.jdbi.v3.core.Handle h, int limit) {
        return h.createQuery("select name as username, rating, wins, losses, draws from players "
                        + "order by rating desc, wins + losses + draws desc, name limit ?").bind(0, limit)
                .map((rs, ctx) -> new Ladder.Entry(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5))).list();
    }
}
