package taleweaver.pvp;

import org.junit.jupiter.api.Test;
import taleweaver.character.Sheet;

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
}
