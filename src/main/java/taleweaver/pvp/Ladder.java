package taleweaver.pvp;

import org.jdbi.v3.core.Handle;
import taleweaver.db.Database;

import java.util.List;

/**
 * The duel ladder (SPEC §14): an Elo rating, start 1000, K 32, a draw half a win; forfeits count. A battle's end
 * moves both ratings inside the transaction that ends it, so it happens exactly once, like the prize.
 */
public final class Ladder {
    static final int K = 32;

    public record Entry(String username, int rating, int wins, int losses, int draws) {}
    public record LadderReply(List<Entry> ladder) {}

    private final Database db;

    public Ladder(Database db) {
        this.db = db;
    }

    /** {@code score1}: 1 when p1 won, 0 when p2 won, 0.5 for a draw. Part of the battle's last transaction. */
    static void record(Handle h, long p1, long p2, double score1) {
        int r1 = rating(h, p1), r2 = rating(h, p2);
        double expected1 = 1 / (1 + Math.pow(10, (r2 - r1) / 400.0));
        int delta = (int) Math.round(K * (score1 - expected1));
        h.execute("update players set rating = rating + ?, wins = wins + ?, losses = losses + ?, draws = draws + ? where id = ?",
                delta, score1 == 1 ? 1 : 0, score1 == 0 ? 1 : 0, score1 == 0.5 ? 1 : 0, p1);
        h.execute("update players set rating = rating - ?, wins = wins + ?, losses = losses + ?, draws = draws + ? where id = ?",
                delta, score1 == 0 ? 1 : 0, score1 == 1 ? 1 : 0, score1 == 0.5 ? 1 : 0, p2);
    }

    private static int rating(Handle h, long player) {
        return h.createQuery("select rating from players where id = ?").bind(0, player).mapTo(Integer.class).one();
    }

    /** Best first (then more duels, then name); at most 100. */
    public LadderReply top(int limit) {
        int n = Math.max(1, Math.min(100, limit));
        return new LadderReply(db.read(h -> h.createQuery("select name as username, rating, wins, losses, draws from players "
                + "order by rating desc, wins + losses + draws desc, name limit ?").bind(0, n)
                .map((rs, ctx) -> new Entry(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5))).list()));
    }
}
