package taleweaver.pvp;

/** A judged round: each side's move (null when it hesitated), the damage dealt to each, hp after, the told result. */
public record RoundRow(String battleId, int round, String move1, String move2, int damage1, int damage2, int hp1, int hp2, String result) {}
