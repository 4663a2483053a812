package taleweaver.pvp;

import taleweaver.character.Sheet;
import taleweaver.narrator.Lines;

import java.util.SplittableRandom;

/**
 * The damage rule and the end of a battle (SPEC §7). Pure: the same battle, sheets, moves and round always
 * give the same outcome, with the random factor seeded by (battle id, round).
 */
public final class BattleJudge {
    /** One side of a round: who, their sheet, their move (null: hesitated) and whether they are still online. */
    public record Side(String name, Sheet sheet, MoveRow move, boolean online) {}

    public enum End { NONE, WIN, DRAW, FORFEIT }

    /** The judged round: damage dealt to each side, hp and misses after, how it ends, and the told result. */
    public record Outcome(int damage1, int damage2, int hp1, int hp2, int misses1, int misses2, End end, String winner,
                          String result, String tail) {}

    private final Lines lines;
    private final String listSeparator;
    /** Between two sentences: nothing in Chinese, a space in English. */
    private final String sentenceGap;
    private final int maxRounds;

    public BattleJudge(Lines lines, String language, int maxRounds) {
        this.lines = lines;
        this.listSeparator = language.equals("zh") ? "，" : ", ";
        this.sentenceGap = language.equals("zh") ? "" : " ";
        this.maxRounds = maxRounds;
    }

    /** Damage an attack deals: attack, level and the move's power against half the defense, times 0.8–1.2. */
    static int damage(Sheet attacker, int movePower, Sheet defender, double factor) {
        double raw = (attacker.attack() + 2 * attacker.level() + movePower) * 1.5 - defender.defense() * 0.5;
        return Math.max(1, (int) Math.round(raw * factor));
    }

    public Outcome judge(BattleRow b, Side one, Side two) {
        var rnd = new SplittableRandom(seed(b.id(), b.round()));
        double f1 = 0.8 + 0.4 * rnd.nextDouble(), f2 = 0.8 + 0.4 * rnd.nextDouble();
        int toTwo = one.move() == null ? 0 : damage(one.sheet(), one.move().power(), two.sheet(), f1);
        int toOne = two.move() == null ? 0 : damage(two.sheet(), two.move().power(), one.sheet(), f2);
        int hp1 = Math.max(0, b.hp1() - toOne), hp2 = Math.max(0, b.hp2() - toTwo);
        int misses1 = one.move() == null ? b.misses1() + 1 : 0, misses2 = two.move() == null ? b.misses2() + 1 : 0;
        boolean gone1 = misses1 >= 2 || one.move() == null && !one.online();
        boolean gone2 = misses2 >= 2 || two.move() == null && !two.online();

        End end = End.NONE;
        String winner = null;
        if (gone1 || gone2) {
            end = gone1 && gone2 ? End.DRAW : End.FORFEIT;
            winner = gone1 && gone2 ? "" : gone1 ? two.name() : one.name();
        } else if (hp1 == 0 || hp2 == 0) {
            end = hp1 == hp2 ? End.DRAW : End.WIN;
            winner = hp1 == hp2 ? "" : hp1 == 0 ? two.name() : one.name();
        } else if (b.round() >= maxRounds) {
            double share1 = hp1 / (double) one.sheet().maxHp(), share2 = hp2 / (double) two.sheet().maxHp();
            end = share1 == share2 ? End.DRAW : End.WIN;
            winner = share1 == share2 ? "" : share1 > share2 ? one.name() : two.name();
        }

        String events = told(one, two, toTwo) + sentenceGap + told(two, one, toOne) + sentenceGap;
        String hp = one.name() + " " + hp1 + listSeparator + two.name() + " " + hp2;
        String ending = switch (end) {
            case NONE -> "";
            case WIN -> lines.say("battle.win", "winner", winner);
            case DRAW -> lines.say("battle.draw");
            case FORFEIT -> lines.say("battle.forfeit", "loser", winner.equals(one.name()) ? two.name() : one.name(), "winner", winner);
        };
        String result = lines.say("battle.round", "round", b.round(), "events", events, "hp", hp) + (ending.isEmpty() ? "" : sentenceGap + ending);
        String tail = hp + (ending.isEmpty() ? "" : " " + ending);
        return new Outcome(toOne, toTwo, hp1, hp2, misses1, misses2, end, winner, result, tail);
    }

    private String told(Side actor, Side other, int damage) {
        if (actor.move() == null) return lines.say("battle.hesitate", "name", actor.name());
        String move = actor.move().text().isBlank() ? lines.say("battle.silence") : Lines.shorten(actor.move().text(), 60);
        return lines.say("battle.hit", "attacker", actor.name(), "move", move, "defender", other.name(), "damage", damage);
    }

    static long seed(String id, int round) {
        long h = 0xcbf29ce484222325L;
        for (char c : (id + "#" + round).toCharArray()) h = (h ^ c) * 0x100000001b3L;
        return h;
    }
}
