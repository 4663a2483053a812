package taleweaver.character;

/** Each character's own world time, told as "第3天 黄昏 18:40" / "Day 3, dusk, 18:40" (SPEC §3). */
public final class WorldClock {
    public static final int DM_TURN = 10;
    public static final int TASK_TURN = 30;
    public static final int TASK_DONE = 120;
    public static final int CRAFT = 60;
    public static final int BATTLE_ROUND = 5;
    public static final int EVENT = 20;

    private static final String[] ZH = {"深夜", "黎明", "上午", "正午", "下午", "黄昏", "夜晚"};
    private static final String[] EN = {"night", "dawn", "morning", "noon", "afternoon", "dusk", "evening"};

    private WorldClock() {}

    public static String describe(int minutes, String language) {
        int day = minutes / 1440 + 1;
        int hour = minutes % 1440 / 60, minute = minutes % 60;
        int part = hour < 5 ? 0 : hour < 7 ? 1 : hour < 11 ? 2 : hour < 13 ? 3 : hour < 17 ? 4 : hour < 19 ? 5 : 6;
        String clock = (hour < 10 ? "0" : "") + hour + (minute < 10 ? ":0" : ":") + minute; // (String.format: a formatter a call)
        return language.equals("zh") ? "第" + day + "天 " + ZH[part] + " " + clock : "Day " + day + ", " + EN[part] + ", " + clock;
    }
}
