package taleweaver.world;

import org.jdbi.v3.core.Handle;
import taleweaver.db.Database;
import taleweaver.narrator.Lines;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What each player has done (SPEC §14): one line a deed, with the characters met, written in the transaction
 * of the deed itself. Only the player's own scenes read them; nothing here reaches another player.
 */
public final class Memories {
    /** The newest memories a scene looks at; older ones stay stored but no longer come up. */
    public static final int LOOKED_AT = 200;

    /** What a memory is of; a task ended or a duel fought is a deed worth recalling first. */
    public enum Kind {
        TASK, STAGE, EVENT, CRAFT, DUEL;

        boolean deed() { return this == TASK || this == DUEL; }
    }

    public record Memory(Kind kind, String text, List<String> npcs, String taskKey) {
        public boolean met(String npc) {
            return npcs.contains(npc);
        }
    }

    private final Database db;

    public Memories(Database db) {
        this.db = db;
    }

    /** Part of the deed's own transaction. */
    public static void remember(Handle h, long playerId, Kind kind, String text, Collection<String> npcs, String taskKey) {
        WorldDao.remember(h, playerId, kind.name().toLowerCase(Locale.ROOT), text, String.join("\n", npcs), taskKey,
                System.currentTimeMillis());
    }

    /** The player's memories, newest first, at most {@link #LOOKED_AT}. */
    public List<Memory> of(long playerId) {
        return db.read(h -> of(h, playerId));
    }

    public static List<Memory> of(Handle h, long playerId) {
        return WorldDao.memories(h, playerId, LOOKED_AT).stream().map(Memories::memory).toList();
    }

    /** The player's memories (newest first) and the chronicle's newest lines about others: a DM turn's world, in one read. */
    public record WithNews(List<Memory> memories, List<String> news) {}

    public static WithNews withNews(Handle h, long playerId, int news) {
        var mine = new java.util.ArrayList<Memory>();
        var others = new java.util.ArrayList<String>();
        for (var r : WorldDao.memoriesAndNews(h, playerId, LOOKED_AT, news)) {
            if (r.kind() == null) others.add(r.text()); else mine.add(memory(r));
        }
        return new WithNews(mine, others);
    }

    private static Memory memory(WorldDao.MemoryRow r) {
        return new Memory(Kind.valueOf(r.kind().toUpperCase(Locale.ROOT)), r.text(), r.npcs().isEmpty() ? List.of() : List.of(r.npcs().split("\n")),
                r.taskKey());
    }

    /** The most lines of {@link #ofEachOther} a player brings, and the most characters a line keeps. */
    public static final int OF_EACH_OTHER_EACH = 2;
    public static final int OF_EACH_OTHER_LINE_MAX = 160;

    /**
     * What each of {@code players} (id to name) remembers of another of them: their duels and party quests that name
     * one, at most {@link #OF_EACH_OTHER_EACH} each, newest first, as "name: memory". Deeds the chronicle also tells,
     * never a player's own words, so they may go into a prompt all of them hear.
     */
    public static List<String> ofEachOther(Handle h, Map<Long, String> players) {
        var out = new ArrayList<String>();
        var counts = new java.util.HashMap<Long, Integer>();
        for (var row : WorldDao.sharedDeeds(h, List.copyOf(players.keySet()), players.size() * OF_EACH_OTHER_EACH * 8)) {
            String who = players.get(row.getKey());
            boolean namesAnother = players.values().stream().anyMatch(other -> !other.equals(who) && row.getValue().contains(other));
            if (!namesAnother || counts.merge(row.getKey(), 1, Integer::sum) > OF_EACH_OTHER_EACH) continue;
            out.add(who + ": " + Lines.shorten(row.getValue(), OF_EACH_OTHER_LINE_MAX));
        }
        return out;
    }

    /** What a greeting recalls: the newest task ended or duel fought, else the newest memory; null when there are none. */
    public static String latestDeed(List<Memory> memories) {
        return memories.stream().filter(m -> m.kind().deed()).findFirst().or(() -> memories.stream().findFirst())
                .map(Memory::text).orElse(null);
    }

    /** The characters of {@code npcs} the player met outside {@code taskKey} (another task, or on the road). */
    public static Set<String> knownElsewhere(List<Memory> memories, Collection<String> npcs, String taskKey) {
        var known = new LinkedHashSet<String>();
        for (Memory m : memories) {
            if (m.taskKey().equals(taskKey) && !taskKey.isEmpty()) continue;
            for (String npc : npcs) if (m.met(npc)) known.add(npc);
        }
        return known;
    }

    /**
     * The lines a prompt holds: those naming one of {@code cues} (the characters and task of the scene) first,
     * then the rest, each group newest first. The prompt cuts the list to its budget.
     */
    public static List<String> byRelevance(List<Memory> memories, Collection<String> cues) {
        var relevant = new ArrayList<String>();
        var rest = new ArrayList<String>();
        for (Memory m : memories) {
            (mentions(m, cues) ? relevant : rest).add(m.text());
        }
        relevant.addAll(rest);
        return relevant;
    }

    private static boolean mentions(Memory m, Collection<String> cues) {
        String text = m.text().toLowerCase(Locale.ROOT);
        for (String cue : cues) {
            if (cue == null || cue.isBlank()) continue;
            if (m.met(cue) || text.contains(cue.toLowerCase(Locale.ROOT))) return true;
        }
        return false;
    }
}
