package taleweaver.pvp;

/** A battles row; p1 is the challenger. {@code round} is the round now open. */
public record BattleRow(String id, long p1, long p2, int round, long roundStarted, int hp1, int hp2, int misses1, int misses2,
                        boolean moved1, boolean moved2, int seen1, int seen2, boolean over, String winner, String outcome) {
    public boolean has(long playerId) { return playerId == p1 || playerId == p2; }
    public boolean first(long playerId) { return playerId == p1; }
    public long opponent(long playerId) { return playerId == p1 ? p2 : p1; }
    public int seen(long playerId) { return playerId == p1 ? seen1 : seen2; }
}
