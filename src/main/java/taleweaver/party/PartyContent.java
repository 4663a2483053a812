package taleweaver.party;

import com.fasterxml.jackson.annotation.JsonFormat;
import taleweaver.narrator.ContentPack;
import taleweaver.web.Json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Party tasks (SPEC §16) and the offline narrator's party lines, from {@code content/<lang>.party.json}: a stage has
 * needs, each met when some member's action names one of its words (or uses an item or skill it names), and the stage
 * moves on when the round's actions together meet every need.
 */
public record PartyContent(Map<String, List<String>> lines, List<Task> partyTasks) {
    public record Need(String what, List<String> words) {
        /** Whether this action (its words, items and skills, lower-cased) meets the need. */
        boolean metBy(String lowerAction) {
            for (String w : words) if (lowerAction.contains(w.toLowerCase(Locale.ROOT))) return true;
            return false;
        }
    }

    /**
     * A stage of a party task; {@code waiting} is what its character says while it is not met, one line picked per round
     * so a party that is stuck does not hear the same words every round (a pack may give one line, as before).
     */
    public record Stage(String goal, String npc, List<Need> needs, String line,
                        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> waiting, String done) {
        /** The waiting line of the round whose seed this is: consecutive rounds take the lines in turn. */
        public String waiting(long seed) {
            return waiting.get((int) Math.floorMod(seed, waiting.size()));
        }
    }

    public record Task(String name, String summary, String opening, int minLevel, ContentPack.Reward reward,
                       List<ContentPack.Npc> npcs, List<Stage> stages) {
        public String persona(String npc) {
            return npcs.stream().filter(n -> n.name().equals(npc)).map(ContentPack.Npc::persona).findFirst().orElse("");
        }
    }

    public Optional<Task> task(String name) {
        return partyTasks.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * A host's pack may carry its own {@code party_tasks} (and {@code party_lines}); one made before parties existed is
     * offered the built-in party tasks of its language, and so is every built-in pack.
     */
    public static PartyContent load(taleweaver.Config.Game game, String language) {
        PartyContent builtIn = builtIn(language);
        String file = game.contentPack();
        if (file == null || file.isBlank()) return builtIn;
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
            var root = Json.MAPPER.readTree(in);
            if (!root.path("party_tasks").isArray()) return builtIn;
            List<Task> tasks = Json.MAPPER.readerForListOf(Task.class).readValue(root.get("party_tasks"));
            Map<String, List<String>> lines = new java.util.LinkedHashMap<>(builtIn.lines());
            if (root.path("party_lines").isObject()) {
                lines.putAll(Json.MAPPER.convertValue(root.get("party_lines"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<String>>>() {}));
            }
            PartyContent own = new PartyContent(lines, tasks);
            own.validate(file);
            return own;
        } catch (IOException | IllegalArgumentException e) {
            throw new ContentPack.Broken("content pack " + file + ": party_tasks: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The built-in party tasks of the pack's language (a host's pack without them is offered these). */
    public static PartyContent builtIn(String language) {
        String name = "/content/" + (language.equals("zh") ? "zh" : "en") + ".party.json";
        try (InputStream in = PartyContent.class.getResourceAsStream(name)) {
            PartyContent content = Json.MAPPER.readerFor(PartyContent.class).readValue(in);
            content.validate(name);
            return content;
        } catch (IOException | RuntimeException e) {
            throw new ContentPack.Broken("party content " + name + ": " + e.getMessage());
        }
    }

    private void validate(String source) {
        if (partyTasks == null || partyTasks.size() < 4) throw new ContentPack.Broken(source + ": at least 4 party tasks");
        for (String key : List.of("acted_need", "acted", "acted_aside", "held", "met", "missing", "still_needed", "finished", "alone", "memory", "chronicle")) {
            if (lines.get(key) == null || lines.get(key).isEmpty()) throw new ContentPack.Broken(source + ": lines." + key + " missing");
        }
        for (Task t : partyTasks) {
            for (Stage s : t.stages()) {
                if (s.needs() == null || s.needs().size() < 2) throw new ContentPack.Broken(source + ": " + t.name() + ": a stage needs two hands");
                if (s.waiting() == null || s.waiting().isEmpty() || s.waiting().contains(null)) {
                    throw new ContentPack.Broken(source + ": " + t.name() + ": a stage needs its character's waiting line");
                }
            }
        }
    }

    /** Every party character's persona, by name (for their faces). */
    public Map<String, String> personas() {
        var all = new java.util.LinkedHashMap<String, String>();
        for (Task t : partyTasks) for (var n : t.npcs()) all.putIfAbsent(n.name(), n.persona());
        return all;
    }

    /** One of {@code key}'s lines, picked by {@code seed}, with {@code {name}} and the like filled in. */
    String say(String key, long seed, Object... kv) {
        List<String> options = lines.get(key);
        String line = options.get((int) Math.floorMod(seed, options.size()));
        for (int i = 0; i + 1 < kv.length; i += 2) line = line.replace("{" + kv[i] + "}", String.valueOf(kv[i + 1]));
        return line;
    }

    /**
     * Which need each action meets (-1: none), each need by a different action, as many needs as can be met: so one
     * member who names every need still meets only one, and the stage needs as many hands as it has needs.
     */
    static int[] assign(Stage stage, List<String> lowerActions) {
        int[] best = new int[lowerActions.size()];
        java.util.Arrays.fill(best, -1);
        assign(stage, lowerActions, 0, new int[lowerActions.size()], new boolean[stage.needs().size()], best);
        return best;
    }

    private static int assign(Stage stage, List<String> actions, int at, int[] current, boolean[] taken, int[] best) {
        if (at == actions.size()) {
            int count = 0, bestCount = 0;
            for (int c : current) if (c >= 0) count++;
            for (int b : best) if (b >= 0) bestCount++;
            if (count > bestCount) System.arraycopy(current, 0, best, 0, current.length);
            return count;
        }
        current[at] = -1;
        assign(stage, actions, at + 1, current, taken, best);
        for (int n = 0; n < taken.length; n++) {
            if (taken[n] || !stage.needs().get(n).metBy(actions.get(at))) continue;
            taken[n] = true;
            current[at] = n;
            assign(stage, actions, at + 1, current, taken, best);
            taken[n] = false;
            current[at] = -1;
        }
        return 0;
    }
}
