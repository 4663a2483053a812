package taleweaver.narrator;

import taleweaver.db.Database;

import java.time.LocalDate;
import java.time.ZoneOffset;

/** Model tokens used per player per (UTC) day, against narrator.daily_tokens_per_player. */
public final class TokenLedger implements taleweaver.character.Meter {
    private final Database db;
    private final int dailyBudget;

    public TokenLedger(Database db, int dailyBudget) {
        this.db = db;
        this.dailyBudget = dailyBudget;
    }

    @Override
    public int budget() { return dailyBudget; }

    public boolean hasBudget(long playerId) {
        return dailyBudget > 0 && spentToday(playerId) < dailyBudget;
    }

    @Override
    public int spentToday(long playerId) {
        return db.read(h -> h.createQuery("select tokens from token_usage where player_id = ? and day = ?")
                .bind(0, playerId).bind(1, today()).mapTo(Integer.class).findOne().orElse(0));
    }

    public void record(long playerId, int tokens) {
        if (tokens <= 0) return;
        db.write(h -> h.execute("insert into token_usage(player_id, day, tokens) values (?, ?, ?) "
                + "on conflict(player_id, day) do update set tokens = tokens + excluded.tokens", playerId, today(), tokens));
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }
}
