package taleweaver.pvp;

import org.jdbi.v3.core.Handle;
import taleweaver.db.Daos;
import taleweaver.db.Database;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The duel ladder (SPEC §14): an Elo rating, start 1000, K 32, a draw half a win; forfeits count. A battle's end
 * moves both ratings inside the transaction that ends it, so it happens exactly once, like the prize.
 * <p>
 * On one instance the top of the ladder is read once and answered from memory until a duel ends or a player joins
 * (the two writes that move it), so {@code /ladder} does not sort every player per request. Where several instances
 * share the database, those writes may happen elsewhere: it is read each time.
 */
public final class Ladder {
    static final int K = 32;

    public record Entry(String username, int rating, int wins, int losses, int draws) {}
    public record LadderReply(List<Entry> ladder) {}

    private record Kept(List<Entry> top, long generation) {}

    private final Database db;
    private final boolean keeps;
    private final AtomicLong generation = new AtomicLong();
    private volatile Kept kept;

    public Ladder(Database db) {
        this.db = db;
        this.keeps = !db.dialect().shared();
    }

    /** {@code score1}: 1 when p1 won, 0 when p2 won, 0.5 for a draw. Part of the battle's last transaction. */
    void record(Handle h, long p1, long p2, double score1) {
        h.afterCommit(this::changed);
        var dao = Daos.on(h, PvpDao.class);
        int delta = delta(dao.rating(p1), dao.rating(p2), score1);
        int draw = score1 == 0.5 ? 1 : 0;
        dao.addResult(delta, score1 == 1 ? 1 : 0, score1 == 0 ? 1 : 0, draw, p1);
        dao.addResult(-delta, score1 == 0 ? 1 : 0, score1 == 1 ? 1 : 0, draw, p2);
    }

    /** The points p1 gains (p2 loses the same): K × (score − expected), expected from the ratings' difference. */
    static int delta(int r1, int r2, double score1) {
        double expected1 = 1 / (1 + Math.pow(10, (r2 - r1) / 400.0));
        return (int) Math.round(K * (score1 - expected1));
    }

    /** Best first (then more duels, then name); at most 100. */
    public LadderReply top(int limit) {
        int n = Math.max(1, Math.min(MAX, limit));
        if (!keeps) return new LadderReply(db.read(h -> PvpDao.ladder(h, n)));
        long now = generation.get();
        Kept k = kept;
        if (k == null || k.generation() != now) {
            k = new Kept(db.read(h -> PvpDao.ladder(h, MAX)), now);
            if (generation.get() == now) kept = k; // a change committed during the read: read again next time
        }
        return new LadderReply(k.top().subList(0, Math.min(n, k.top().size())));
    }

    static final int MAX = 100;

    /** The ladder moved (a duel ended, a player joined): the next {@code /ladder} reads it. */
    public void changed() {
        generation.incrementAndGet();
    }
}
