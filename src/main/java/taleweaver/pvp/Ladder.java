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
        var dao = h.attach(PvpDao.class);
        int r1 = dao.rating(p1), r2 = dao.rating(p2);
        double expected1 = 1 / (1 + Math.pow(10, (r2 - r1) / 400.0));
        int delta = (int) Math.round(K * (score1 - expected1));
        int draw = score1 == 0.5 ? 1 : 0;
        dao.addResult(delta, score1 == 1 ? 1 : 0, score1 == 0 ? 1 : 0, draw, p1);
        dao.addResult(-delta, score1 == 0 ? 1 : 0, score1 == 1 ? 1 : 0, draw, p2);
    }

    /** Best first (then more duels, then name); at most 100. */
    public LadderReply top(int limit) {
        int n = Math.max(1, Math.min(100, limit));
        return new LadderReply(db.read(h -> PvpDao.ladder(h, n)));
    }
}
