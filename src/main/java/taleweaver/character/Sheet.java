package taleweaver.character;

/** A character's numbers (SPEC §3). {@code exp} is the total ever earned; {@code minutes} is the world clock. */
public record Sheet(long playerId, int level, int exp, int matter, int energy, int hp, int maxHp, int attack, int defense, int minutes) {

    public static final int START_MINUTES = 8 * 60;

    public static Sheet starting(long playerId) {
        return new Sheet(playerId, 1, 0, 100, 100, 100, 100, 10, 10, START_MINUTES);
    }

    /** Total exp at which the next level comes: 100 × L × (L+1) / 2. */
    public static int expNext(int level) {
        return 100 * level * (level + 1) / 2;
    }

    public int expNext() { return expNext(level); }

    /** The energy a rest brings a character back up to: 100, and 10 more a level. */
    public int energyCap() {
        return 100 + 10 * (level - 1);
    }

    /** Adds exp (never negative) and applies every level-up it reaches: hp refilled, max hp +10, attack +2, defense +2. */
    public Sheet gainExp(int gained) {
        int total = (int) Math.min(Integer.MAX_VALUE / 2, (long) exp + Math.max(0, gained));
        Sheet s = new Sheet(playerId, level, total, matter, energy, hp, maxHp, attack, defense, minutes);
        while (s.exp >= expNext(s.level)) {
            s = new Sheet(playerId, s.level + 1, s.exp, s.matter, s.energy, s.maxHp + 10, s.maxHp + 10, s.attack + 2, s.defense + 2, s.minutes);
        }
        return s;
    }

    public Sheet withResources(int matterDelta, int energyDelta) {
        return new Sheet(playerId, level, exp, clampStat(matter + (long) matterDelta), clampStat(energy + (long) energyDelta), hp, maxHp, attack, defense, minutes);
    }

    public Sheet withHp(int newHp) {
        return new Sheet(playerId, level, exp, matter, energy, Math.max(0, Math.min(maxHp, newHp)), maxHp, attack, defense, minutes);
    }

    public Sheet healed() { return withHp(maxHp); }

    /** The end of a task: hp refilled, and energy back up to the level's cap (never taken down to it). */
    public Sheet rested() {
        return new Sheet(playerId, level, exp, matter, Math.max(energy, energyCap()), maxHp, maxHp, attack, defense, minutes);
    }

    public Sheet later(int addMinutes) {
        return new Sheet(playerId, level, exp, matter, energy, hp, maxHp, attack, defense, (int) Math.min(Integer.MAX_VALUE, (long) minutes + addMinutes));
    }

    private static int clampStat(long v) {
        return (int) Math.max(0, Math.min(1_000_000_000, v));
    }
}
