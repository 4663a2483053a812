package taleweaver.pvp;

import org.junit.jupiter.api.Test;
import taleweaver.character.Sheet;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The damage rule of the README: max(1, round(((attack + 2·level + power) × 1.5 − defense × 0.5) × f)), f in 0.8–1.2. */
class BattleJudgeTest {
    @Test
    void damageFollowsTheRule() {
        Sheet fresh = Sheet.starting(1); // level 1, attack 10, defense 10
        assertEquals(Math.round((10 + 2 + 5) * 1.5 - 10 * 0.5), BattleJudge.damage(fresh, 5, fresh, 1.0)); // 20.5 → 21
        assertEquals(21, BattleJudge.damage(fresh, 5, fresh, 1.0));
        assertEquals(Math.round(((10 + 2 + 0) * 1.5 - 5) * 0.8), BattleJudge.damage(fresh, 0, fresh, 0.8)); // 13 × 0.8 → 10
        Sheet veteran = fresh.gainExp(100); // level 2: attack 12, defense 12
        assertEquals(Math.round((12 + 4 + 0) * 1.5 - 12 * 0.5), BattleJudge.damage(veteran, 0, veteran, 1.0)); // 18
        assertEquals(1, BattleJudge.damage(fresh, 0, new Sheet(2, 1, 0, 0, 0, 100, 100, 10, 1000, 0), 1.0), "at least 1");
    }

    @Test
    void theRandomFactorIsSeededByBattleAndRound() {
        assertEquals(BattleJudge.seed("abc", 1), BattleJudge.seed("abc", 1));
        assertNotEquals(BattleJudge.seed("abc", 1), BattleJudge.seed("abc", 2));
        assertTrue(BattleJudge.seed("abc", 1) != BattleJudge.seed("abd", 1));
    }

    private static final BattleJudge JUDGE = new BattleJudge(new Lines(ContentPack.builtIn("en")), "en", 10);
    private static final Sheet FRESH = Sheet.starting(1);

    /** Round {@code round} of a battle where Ann (p1) and Bob (p2) have these hp and misses. */
    private static BattleRow battle(int round, int hp1, int hp2, int misses1, int misses2) {
        return new BattleRow("b", 1, 2, round, 0, hp1, hp2, misses1, misses2, false, false, 0, 0, false, null, null);
    }

    private static BattleJudge.Side side(String name, boolean moved, boolean online) {
        return new BattleJudge.Side(name, FRESH, moved ? new MoveRow("b", 1, name.equals("Ann") ? 1 : 2, "strike", "", "", 0) : null, online);
    }

    /** Over many battles and rounds, each side's blows fall within the rule's 0.8–1.2 of their raw damage, and span it. */
    @Test
    void judgedBlowsSpanTheRandomFactorsRangeAndStayInsideIt() {
        var toAnn = new java.util.IntSummaryStatistics();
        var toBob = new java.util.IntSummaryStatistics();
        for (int b = 0; b < 200; b++) {
            for (int round = 1; round <= 2; round++) {
                var row = new BattleRow("b" + b, 1, 2, round, 0, 1000, 1000, 0, 0, false, false, 0, 0, false, null, null);
                var o = JUDGE.judge(row, new BattleJudge.Side("Ann", FRESH, new MoveRow("b" + b, round, 1, "strike", "", "", 100), true),
                        new BattleJudge.Side("Bob", FRESH, new MoveRow("b" + b, round, 2, "strike", "", "", 100), true));
                toAnn.accept(o.damage1());
                toBob.accept(o.damage2());
            }
        }
        int low = BattleJudge.damage(FRESH, 100, FRESH, 0.8), high = BattleJudge.damage(FRESH, 100, FRESH, 1.2); // raw 163: 130 and 196
        for (var blows : java.util.List.of(toAnn, toBob)) {
            assertTrue(blows.getMin() >= low && blows.getMax() <= high, "within " + low + "–" + high + ": " + blows);
            assertTrue(blows.getMin() <= low + 5 && blows.getMax() >= high - 5, "spanning it: " + blows);
        }
    }

    @Test
    void aBlowPastTheLastHpLeavesNoneAndEndsTheBattle() {
        var o = JUDGE.judge(battle(3, 100, 5, 0, 0), side("Ann", true, true), side("Bob", true, true));
        assertEquals(0, o.hp2(), "never below zero");
        assertEquals(100 - o.damage1(), o.hp1());
        assertEquals(BattleJudge.End.WIN, o.end());
        assertEquals("Ann", o.winner());
        var both = JUDGE.judge(battle(3, 4, 5, 0, 0), side("Ann", true, true), side("Bob", true, true));
        assertEquals(0, both.hp1());
        assertEquals(0, both.hp2());
        assertEquals(BattleJudge.End.DRAW, both.end(), "both down in one round");
        assertEquals("", both.winner());
        var on = JUDGE.judge(battle(3, 100, 100, 0, 0), side("Ann", true, true), side("Bob", true, true));
        assertEquals(BattleJudge.End.NONE, on.end());
    }

    @Test
    void twoMissesInARowOrAMissWhileOfflineForfeit() {
        assertEquals(BattleJudge.End.NONE, JUDGE.judge(battle(2, 100, 100, 0, 0), side("Ann", false, true), side("Bob", true, true)).end(),
                "one miss, online: the battle goes on");
        var second = JUDGE.judge(battle(2, 100, 100, 1, 0), side("Ann", false, true), side("Bob", true, true));
        assertEquals(BattleJudge.End.FORFEIT, second.end());
        assertEquals("Bob", second.winner());
        assertEquals(2, second.misses1());
        var away = JUDGE.judge(battle(2, 100, 100, 1, 0), side("Ann", true, true), side("Bob", false, false));
        assertEquals(BattleJudge.End.FORFEIT, away.end());
        assertEquals("Ann", away.winner());
        assertEquals(0, away.misses1(), "a move clears the misses");
        var annAway = JUDGE.judge(battle(2, 100, 100, 0, 0), side("Ann", false, false), side("Bob", true, true));
        assertEquals(BattleJudge.End.FORFEIT, annAway.end(), "a miss while offline");
        assertEquals("Bob", annAway.winner());
        var bothGone = JUDGE.judge(battle(2, 100, 100, 1, 1), side("Ann", false, true), side("Bob", false, true));
        assertEquals(BattleJudge.End.DRAW, bothGone.end());
    }

    @Test
    void atTheLastRoundTheLargerShareOfHpWins() {
        assertEquals(BattleJudge.End.NONE, JUDGE.judge(battle(9, 90, 40, 0, 0), side("Ann", true, true), side("Bob", true, true)).end());
        var last = JUDGE.judge(battle(10, 90, 40, 0, 0), side("Ann", true, true), side("Bob", true, true));
        assertEquals(BattleJudge.End.WIN, last.end());
        assertEquals("Ann", last.winner(), "more hp left: " + last.hp1() + " against " + last.hp2());
        var behind = JUDGE.judge(battle(10, 40, 90, 0, 0), side("Ann", true, true), side("Bob", true, true));
        assertEquals("Bob", behind.winner());
        var even = JUDGE.judge(battle(10, 70, 70, 0, 0), side("Ann", false, true), side("Bob", false, true));
        assertEquals(BattleJudge.End.DRAW, even.end(), "the same share: a draw");
    }
}
