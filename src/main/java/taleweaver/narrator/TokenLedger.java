package taleweaver.narrator;

import taleweaver.db.Database;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Model tokens used per player per (UTC) day, against narrator.daily_tokens_per_player. Today's totals are kept in
 * memory (read once per player and day) and what was added is written by {@link #flush} — every second and at
 * shutdown, all players in one transaction — so a model turn pays for no write of its own. A crash forgets at most the
 * last second's counting: a few tokens of budget, never a player's progress.
 *
 * <p>With several instances on one database a player's story turns hold a lease ({@code story/TurnLease}), and the
 * budget is exact: the statement that takes the lease also reads the player's total as written ({@link #written}),
 * and the one that gives it back writes what the turn spent ({@link #takeUnwritten}), so the next turn, on any
 * instance, sees it, with no statement of its own. Each flush also reads back the totals of the players counted
 * here, for what is spent outside a turn's lease (a party's round, a moderation).
 */
public final class TokenLedger implements taleweaver.character.Meter {
    private record Key(long playerId, String day) {}

    private static final long DAY_MILLIS = 86_400_000L;

    private final Database db;
    private final int dailyBudget;
    /** Today's totals of the players seen today; emptied when the day turns. */
    private final ConcurrentHashMap<Long, Integer> spent = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private volatile long spentEpochDay;
    /** That day as the table keeps it (ISO, UTC); the number is what each call compares: cheaper than a date's text. */
    private volatile String spentDay;
    /** Tokens counted but not yet written. */
    private final ConcurrentHashMap<Key, Integer> unwritten = new ConcurrentHashMap<>();

    public TokenLedger(Database db, int dailyBudget) {
        this(db, dailyBudget, System::currentTimeMillis);
    }

    /** With {@code clock} (milliseconds since the epoch) telling when a day turns. */
    TokenLedger(Database db, int dailyBudget, LongSupplier clock) {
        this.db = db;
        this.dailyBudget = dailyBudget;
        this.clock = clock;
        this.spentEpochDay = Math.floorDiv(clock.getAsLong(), DAY_MILLIS);
        this.spentDay = LocalDate.ofEpochDay(spentEpochDay).toString();
    }

    @Override
    public int budget() { return dailyBudget; }

    public boolean hasBudget(long playerId) {
        return dailyBudget > 0 && spentToday(playerId) < dailyBudget;
    }

    @Override
    public int spentToday(long playerId) {
        return totals().computeIfAbsent(playerId, this::stored);
    }

    public void record(long playerId, int tokens) {
        if (tokens <= 0) return;
        var totals = totals();
        totals.computeIfAbsent(playerId, this::stored);
        totals.merge(playerId, tokens, Math::addExact);
        unwritten.merge(new Key(playerId, spentDay), tokens, Math::addExact);
    }

    /** Today as the table keeps it (ISO, UTC). */
    public String today() {
        totals();
        return spentDay;
    }

    /**
     * The player's total of {@code day} as the database has it now: with what is counted here and not yet written, it
     * is the total (a total only grows, so an older, larger count here is kept).
     */
    public void written(long playerId, String day, int tokens) {
        var totals = totals();
        if (!day.equals(spentDay)) return;
        totals.merge(playerId, tokens + unwritten.getOrDefault(new Key(playerId, day), 0), Math::max);
    }

    /** What this player spent here and is not written yet: the caller writes it, or gives it back. */
    public int takeUnwritten(long playerId, String day) {
        Integer tokens = unwritten.remove(new Key(playerId, day));
        return tokens == null ? 0 : tokens;
    }

    public void giveBack(long playerId, String day, int tokens) {
        if (tokens > 0) unwritten.merge(new Key(playerId, day), tokens, Math::addExact);
    }

    /** Writes what was counted since the last flush, in one transaction; when that fails, the counts wait for the next. */
    public void flush() {
        write();
        if (db.dialect().shared()) readBack();
    }

    /** Today's totals of the players counted here, as every instance wrote them, plus what is not written yet. */
    private void readBack() {
        var players = new java.util.ArrayList<>(totals().keySet());
        String day = spentDay;
        for (int from = 0; from < players.size(); from += 1000) {
            var some = players.subList(from, Math.min(players.size(), from + 1000));
            Map<Long, Integer> written = db.read(h -> TokenDao.spent(h, day, some));
            for (Long p : some) spent.merge(p, written.getOrDefault(p, 0) + unwritten.getOrDefault(new Key(p, day), 0), Math::max);
        }
    }

    private void write() {
        if (unwritten.isEmpty()) return;
        var taken = new java.util.HashMap<Key, Integer>();
        for (Key key : unwritten.keySet()) {
            Integer tokens = unwritten.remove(key);
            if (tokens != null) taken.put(key, tokens);
        }
        try {
            db.write(h -> {
                TokenDao.addAll(h, taken.entrySet().stream() // in one order on every instance: no two flushes wait on each other
                        .map(e -> new TokenDao.Spent(e.getKey().playerId(), e.getKey().day(), e.getValue()))
                        .sorted(java.util.Comparator.comparingLong(TokenDao.Spent::playerId).thenComparing(TokenDao.Spent::day)).toList());
                return null;
            });
        } catch (RuntimeException e) {
            taken.forEach((key, tokens) -> unwritten.merge(key, tokens, Math::addExact));
            throw e;
        }
    }

    private ConcurrentHashMap<Long, Integer> totals() {
        long today = Math.floorDiv(clock.getAsLong(), DAY_MILLIS);
        if (today != spentEpochDay) {
            synchronized (this) {
                if (today != spentEpochDay) {
                    spent.clear();
                    spentDay = LocalDate.ofEpochDay(today).toString();
                    spentEpochDay = today;
                }
            }
        }
        return spent;
    }

    /** The player's total today as written, plus what is counted and not yet written. */
    private int stored(long playerId) {
        String day = spentDay;
        int written = db.read(h -> TokenDao.spent(h, playerId, day));
        return written + unwritten.getOrDefault(new Key(playerId, day), 0);
    }
}
