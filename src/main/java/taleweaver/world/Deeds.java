package taleweaver.world;

import org.jdbi.v3.core.Handle;
import taleweaver.character.Sheet;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lines;

import java.util.List;

/**
 * Turns what happened into memories and chronicle lines, in the pack's words, inside the transaction that made it
 * happen: a deed is remembered exactly when it is granted, and never twice.
 */
public final class Deeds {
    /** How much of an event's description a memory keeps. */
    static final int EVENT_INFO_MAX = 80;

    private final Lines lines;
    private final String joint;

    public Deeds(ContentPack pack) {
        this.lines = new Lines(pack);
        this.joint = pack.language().equals("zh") ? "、" : " and ";
    }

    /** A stage of a task was reached (the task goes on): remembered in the stage's own sentence when it has one. */
    public void stageDone(Handle h, long playerId, String taskKey, String task, ContentPack.Stage stage, List<String> npcs) {
        String memory = stage.deed() != null && !stage.deed().isBlank() ? Lines.fill(stage.deed(), "task", task)
                : lines.say("memory.stage", "task", task, "done", stage.done() == null || stage.done().isBlank() ? stage.goal() : stage.done());
        Memories.remember(h, playerId, Memories.Kind.STAGE, memory, npcs, taskKey);
    }

    /** A task ended with its reward; a common task's title goes into the chronicle, a personal one's stays private. */
    public void taskDone(Handle h, long playerId, String player, String taskKey, String task, boolean personal, List<String> npcs) {
        Memories.remember(h, playerId, Memories.Kind.TASK, lines.say("memory.task", "task", task, "npcs", String.join(joint, npcs)), npcs, taskKey);
        Chronicle.write(h, playerId, personal ? lines.say("chronicle.personal", "player", player)
                : lines.say("chronicle.task", "player", player, "task", task));
    }

    /** Levels reached between {@code before} and {@code after} go into the chronicle. */
    public void levels(Handle h, long playerId, String player, Sheet before, Sheet after) {
        for (int level = before.level() + 1; level <= after.level(); level++) {
            Chronicle.write(h, playerId, lines.say("chronicle.level", "player", player, "level", level));
        }
    }

    /**
     * Someone met on the road: {@code kind} when the player came out of it better, else it was a quarrel; told in the
     * encounter's own sentence when it has one.
     */
    public void event(Handle h, long playerId, String speaker, ContentPack.Encounter encounter, boolean kind) {
        String own = kind ? encounter.helped() : encounter.wronged();
        String memory = own != null && !own.isBlank() ? own
                : lines.say(kind ? "memory.event_kind" : "memory.event_harsh", "speaker", speaker, "info", Lines.shorten(encounter.text(), EVENT_INFO_MAX));
        Memories.remember(h, playerId, Memories.Kind.EVENT, memory, List.of(speaker), "");
    }

    /** A craft is remembered; one at the most power the level allows is told in the chronicle (without its name). */
    public void crafted(Handle h, long playerId, String player, String name, boolean skill, int power, boolean finest) {
        Memories.remember(h, playerId, Memories.Kind.CRAFT, lines.say("memory.craft", "name", name), List.of(), "");
        if (finest) Chronicle.write(h, playerId, lines.say(skill ? "chronicle.craft_skill" : "chronicle.craft_item", "player", player, "power", power));
    }

    /** A duel's end: both remember it, the chronicle tells it. {@code winner} is empty for a draw. */
    public void duel(Handle h, long p1, String name1, long p2, String name2, String winner) {
        if (winner == null || winner.isEmpty()) {
            Memories.remember(h, p1, Memories.Kind.DUEL, lines.say("memory.duel_draw", "other", name2), List.of(), "");
            Memories.remember(h, p2, Memories.Kind.DUEL, lines.say("memory.duel_draw", "other", name1), List.of(), "");
            Chronicle.write(h, p1, lines.say("chronicle.draw", "p1", name1, "p2", name2));
            return;
        }
        boolean oneWon = winner.equals(name1);
        long w = oneWon ? p1 : p2, l = oneWon ? p2 : p1;
        String wn = oneWon ? name1 : name2, ln = oneWon ? name2 : name1;
        Memories.remember(h, w, Memories.Kind.DUEL, lines.say("memory.duel_won", "other", ln), List.of(), "");
        Memories.remember(h, l, Memories.Kind.DUEL, lines.say("memory.duel_lost", "other", wn), List.of(), "");
        Chronicle.write(h, w, lines.say("chronicle.duel", "winner", wn, "loser", ln));
    }
}
