package taleweaver.narrator;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The player-facing sentences of a content pack, with {placeholders} filled in. */
public final class Lines {
    /** Keys every pack has had since the first release. */
    public static final List<String> REQUIRED = List.of(
            "legal.length", "legal.chars", "legal.reserved", "legal.banned", "legal.persona_length", "legal.model",
            "word.exp", "word.matter", "word.energy", "word.hp", "word.items",
            "dm.tasks_on_offer", "dm.no_tasks", "dm.world", "dm.sheet", "dm.task_about", "dm.active", "dm.chat", "dm.time",
            "busy", "task.none_active", "task.not_owned_item", "task.not_owned_skill", "task.no_energy", "task.unknown",
            "task.too_many", "task.personal_made", "task.resume", "task.hint", "task.advance", "task.finish",
            "personal.name", "personal.summary", "personal.opening",
            "merge.skill", "merge.item", "merge.no_matter", "merge.no_energy", "merge.banned", "merge.skill_desc", "merge.item_desc",
            "event.kind", "event.harsh", "event.none", "event.change",
            "battle.pending", "battle.hit", "battle.hesitate", "battle.round", "battle.win", "battle.draw", "battle.forfeit",
            "battle.over", "battle.silence");

    /** Keys added with the world's memory (SPEC §14): a host's pack made before them borrows them from the built-in pack. */
    public static final List<String> ADDED_FOR_THE_WORLD = List.of(
            "task.hint_told", "npc.known", "npc.known_told", "dm.welcome_back", "dm.recall", "dm.recall_none", "dm.news", "dm.news_none",
            "dm.news_brief", "memory.task", "memory.stage", "memory.event_kind", "memory.event_harsh", "memory.craft", "memory.duel_won", "memory.duel_lost",
            "memory.duel_draw", "chronicle.task", "chronicle.personal", "chronicle.level", "chronicle.duel", "chronicle.draw",
            "chronicle.craft_skill", "chronicle.craft_item");

    /** Keys added when the people of a task began to talk for themselves (issue 21): borrowed the same way. */
    public static final List<String> ADDED_FOR_VOICES = List.of("task.used_said", "task.used_told");

    /** Keys a host's older pack may lack and borrows from the built-in pack. */
    public static final List<String> BORROWED = java.util.stream.Stream.concat(ADDED_FOR_THE_WORLD.stream(), ADDED_FOR_VOICES.stream()).toList();

    /** Every key a pack must have, once borrowing is done. */
    public static final List<String> ALL = java.util.stream.Stream.concat(REQUIRED.stream(), BORROWED.stream()).toList();

    private final Map<String, List<String>> lines;

    public Lines(ContentPack pack) {
        this.lines = pack.lines();
    }

    /** The first wording of {@code key}. */
    public String say(String key, Object... vars) {
        return fill(lines.get(key).get(0), vars);
    }

    /** One of the wordings of {@code key}, chosen by {@code random}. */
    public String pick(String key, RandomGenerator random, Object... vars) {
        List<String> options = lines.get(key);
        return fill(options.get(random.nextInt(options.size())), vars);
    }

    /**
     * One of {@code options} (each made whole by {@code compose}), chosen by {@code random} but never one of the
     * {@code recent} replies while another is left: a long task does not say the same thing twice in a row.
     */
    public static String varied(List<String> options, RandomGenerator random, List<String> recent,
                                java.util.function.UnaryOperator<String> compose) {
        int start = random.nextInt(options.size());
        String first = null;
        for (int i = 0; i < options.size(); i++) {
            String text = compose.apply(options.get((start + i) % options.size()));
            if (first == null) first = text;
            if (!recent.contains(text)) return text;
        }
        return first;
    }

    /** At most {@code max} characters (code points) of {@code text}; a cut one ends in "…". Null is "". */
    public static String shorten(String text, int max) {
        if (text == null) return "";
        return text.codePointCount(0, text.length()) <= max ? text : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }

    public static String fill(String template, Object... vars) {
        String out = template;
        for (int i = 0; i + 1 < vars.length; i += 2) {
            out = out.replace("{" + vars[i] + "}", String.valueOf(vars[i + 1]));
        }
        return out;
    }
}
