package taleweaver.narrator;

import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The model tokens each player spent, a row per player and day ({@code token_usage}). */
public interface TokenDao {
    /** Parameters: player id, day, tokens, tokens (nothing is written for 0). */
    String ADD = "insert into token_usage(player_id, day, tokens) select ?, ?, ? where ? > 0 "
            + "on conflict(player_id, day) do update set tokens = token_usage.tokens + excluded.tokens";

    /** A player's tokens of {@code day} as a subquery; parameters: player id, day. */
    String SPENT = "select coalesce(sum(tokens), 0) from token_usage where player_id = ? and day = ?";

    static Object[] add(long playerId, String day, int tokens) {
        return new Object[]{playerId, day, tokens, tokens};
    }

    record Spent(long playerId, String day, int tokens) {}

    /** Adds several counts in one batch. */
    static void addAll(Handle h, java.util.Collection<Spent> counts) {
        var batch = h.prepareBatch(ADD);
        counts.forEach(c -> batch.add(add(c.playerId(), c.day(), c.tokens())));
        batch.execute();
    }

    static int spent(Handle h, long playerId, String day) {
        return h.createQuery(SPENT).bind(0, playerId).bind(1, day).mapTo(Integer.class).one();
    }

    /** The written totals of {@code day} of these players (those with none are absent). */
    static Map<Long, Integer> spent(Handle h, String day, List<Long> players) {
        var out = new HashMap<Long, Integer>();
        h.createQuery("select player_id, tokens from token_usage where day = :day and player_id in (<ids>)").bind("day", day)
                .bindList("ids", players).map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Every player's total of {@code day}. */
    static Map<Long, Integer> spent(Handle h, String day) {
        var out = new HashMap<Long, Integer>();
        h.createQuery("select player_id, tokens from token_usage where day = ?").bind(0, day)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
