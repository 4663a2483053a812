package taleweaver.pvp;

/** One side's move in one round; {@code power} is the total power of the items and skills it used. */
public record MoveRow(String battleId, int round, long playerId, String text, String items, String skills, int power) {}
