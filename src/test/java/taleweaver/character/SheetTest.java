package taleweaver.character;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SheetTest {
    @Test
    void expNextFollowsTheTriangularRule() {
        assertEquals(100, Sheet.expNext(1));
        assertEquals(300, Sheet.expNext(2));
        assertEquals(600, Sheet.expNext(3));
        assertEquals(1000, Sheet.expNext(4));
    }

    @Test
    void levelUpsRefillHpAndRaiseStats() {
        Sheet s = Sheet.starting(1).withHp(40).gainExp(99);
        assertEquals(1, s.level());
        assertEquals(40, s.hp());
        s = s.gainExp(1);
        assertEquals(2, s.level());
        assertEquals(110, s.maxHp());
        assertEquals(110, s.hp());
        assertEquals(12, s.attack());
        assertEquals(12, s.defense());
        s = s.gainExp(500); // 600 in all: two more levels at once
        assertEquals(4, s.level());
        assertEquals(600, s.exp());
        assertEquals(130, s.maxHp());
    }

    @Test
    void expNeverFallsAndResourcesNeverGoNegative() {
        Sheet s = Sheet.starting(1).gainExp(50).gainExp(-30);
        assertEquals(50, s.exp());
        s = s.withResources(-500, -500);
        assertEquals(0, s.matter());
        assertEquals(0, s.energy());
        assertEquals(0, s.withHp(-5).hp());
        assertEquals(s.maxHp(), s.withHp(1000).hp());
    }

    @Test
    void restingRefillsHpAndEnergyUpToTheLevelsCap() {
        Sheet s = Sheet.starting(1).withHp(10).withResources(0, -90).gainExp(100).withHp(5);
        assertEquals(2, s.level());
        Sheet rested = s.rested();
        assertEquals(110, rested.hp());
        assertEquals(110, rested.energy());
        assertEquals(500, s.withResources(0, 490).rested().energy(), "never taken down to the cap");
    }

    @Test
    void theWorldClockReadsInEitherLanguage() {
        assertEquals("第1天 上午 08:00", WorldClock.describe(Sheet.START_MINUTES, "zh"));
        assertEquals("Day 1, morning, 08:00", WorldClock.describe(Sheet.START_MINUTES, "en"));
        assertEquals("第3天 黄昏 18:40", WorldClock.describe(2 * 1440 + 18 * 60 + 40, "zh"));
        assertEquals("Day 3, dusk, 18:40", WorldClock.describe(2 * 1440 + 18 * 60 + 40, "en"));
        assertEquals("Day 2, night, 00:10", WorldClock.describe(1440 + 10, "en"));
        assertEquals("Day 1, morning, 09:05", WorldClock.describe(9 * 60 + 5, "en"));
    }
}
