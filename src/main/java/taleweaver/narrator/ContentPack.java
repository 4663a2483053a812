package taleweaver.narrator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import taleweaver.Config;
import taleweaver.web.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The world in one language: the DM, the common tasks, the starter kit, crafting name parts, banned words
 * and the offline narrator's lines. Built in for zh and en; a host may replace it with a JSON file under data/.
 */
public record ContentPack(String language, Dm dm, List<String> reserved, List<String> bannedWords, Starter starter,
                          NameParts crafting, Personal personal, List<Npc> eventSpeakers,
                          Map<String, List<String>> lines, List<TaskDef> tasks, List<Encounter> encounters) {

    /** {@code encounters}: events the browser client offers for /others; optional in a host's pack. */
    public ContentPack {
        encounters = encounters == null ? List.of() : List.copyOf(encounters);
    }

    /**
     * An event on the road (SPEC §4 /others) and the person in it, who answers the player ({@code kind} / {@code harsh}:
     * their own words, when the player helps or harms them) and whom the player remembers by {@code helped} /
     * {@code wronged}. A host's older pack gives only the text: then a passer-by of {@code event_speakers} answers.
     */
    public record Encounter(String text, String speaker, String persona, List<String> kind, List<String> harsh,
                            String helped, String wronged) {
        public Encounter {
            kind = kind == null ? List.of() : kind;
            harsh = harsh == null ? List.of() : harsh;
        }

        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static Encounter of(String text) {
            return new Encounter(text, null, null, null, null, null, null);
        }
    }

    public record Dm(String name, List<String> aliases, String greeting) {}
    public record Item(String name, String description, int power) {}
    public record Skill(String name, String description, int power, int cost) {}
    public record Starter(List<Item> items, List<Skill> skills) {}
    public record NameParts(List<String> skillPrefixes, List<String> skillCores, List<String> itemPrefixes, List<String> itemCores) {}
    public record Personal(List<String> places, List<String> things, List<Npc> npcs, List<Stage> stages) {}
    public record Npc(String name, String persona) {}
    /** Lists a pack leaves out are empty: a missing {@code items} is "no items", not a crash when the task ends. */
    public record Reward(int exp, int matter, List<Item> items) {
        public Reward { items = items == null ? List.of() : items; }
    }
    /**
     * A stage of a task. Its character says one of {@code hints} while the goal is still ahead and one of {@code intro}
     * when the player reaches this stage (both first person, never naming the speaker); {@code done} narrates the stage's
     * end; {@code deed} is how the player remembers it ("{task}" may stand for the task's name). A host's older pack
     * without them gets the pack's templated lines.
     */
    public record Stage(String goal, String npc, List<String> words, List<String> items, List<String> skills, String done,
                        List<String> hints, List<String> intro, String deed) {
        public Stage {
            items = items == null ? List.of() : items;
            skills = skills == null ? List.of() : skills;
            hints = hints == null ? List.of() : hints;
            intro = intro == null ? List.of() : intro;
        }

        /** The same stage told by {@code speaker}. */
        public Stage withNpc(String speaker) {
            return new Stage(goal, speaker, words, items, skills, done, hints, intro, deed);
        }
    }
    public record TaskDef(String name, String summary, String opening, int minLevel, Reward reward, List<Npc> npcs, List<Stage> stages) {
        public Optional<Npc> npc(String npcName) {
            return npcs.stream().filter(n -> n.name().equals(npcName)).findFirst();
        }
    }

    /** The longest name a crafted item or skill may have. */
    public static final int ITEM_NAME_MAX = 24;

    /** A pack that can't be used; the message names the broken entry. */
    public static final class Broken extends RuntimeException {
        public Broken(String message) { super(message); }
    }

    public static ContentPack load(Config.Game game) {
        String file = game.contentPack();
        if (file != null && !file.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                return parse(in, file, true);
            } catch (IOException e) {
                throw new Broken("content pack " + file + ": " + e.getMessage());
            }
        }
        return builtIn(game.language());
    }

    public static ContentPack builtIn(String language) {
        String name = "/content/" + language + ".json";
        try (InputStream in = ContentPack.class.getResourceAsStream(name)) {
            if (in == null) throw new Broken("no built-in content pack for language " + language);
            return parse(in, name, false);
        } catch (IOException e) {
            throw new Broken("content pack " + name + ": " + e.getMessage());
        }
    }

    static ContentPack parse(InputStream in, String source) throws IOException {
        return parse(in, source, false);
    }

    /**
     * {@code borrowLines}: a host's pack made for an earlier release lacks the lines added since (recall, news, the
     * chronicle, the characters' own remarks…: {@link Lines#BORROWED}); those come from the built-in pack of its language (English for
     * any other). Any other missing line still stops start-up.
     */
    static ContentPack parse(InputStream in, String source, boolean borrowLines) throws IOException {
        ContentPack pack;
        try {
            pack = Json.MAPPER.readerFor(ContentPack.class)
                    .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .readValue(in);
        } catch (IOException e) {
            throw new Broken("content pack " + source + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (borrowLines && pack.lines != null && pack.language != null) pack = pack.withMissingLines(builtIn(pack.language.equals("zh") ? "zh" : "en").lines);
        pack.validate(source);
        return pack;
    }

    private ContentPack withMissingLines(Map<String, List<String>> defaults) {
        var merged = new java.util.LinkedHashMap<>(lines);
        for (String key : Lines.BORROWED) merged.putIfAbsent(key, defaults.get(key));
        return new ContentPack(language, dm, reserved, bannedWords, starter, crafting, personal, eventSpeakers, merged, tasks, encounters);
    }

    private void validate(String source) {
        require(dm != null && present(dm.name) && present(dm.greeting), source, "dm: needs a name and a greeting");
        require(starter != null && starter.items != null && starter.skills != null && !starter.items.isEmpty() && !starter.skills.isEmpty(),
                source, "starter: needs an item and a skill");
        for (Item i : starter.items) requireItem(i, source, "starter item");
        for (Skill k : starter.skills) {
            require(k != null && present(k.name) && k.name.codePointCount(0, k.name.length()) <= ITEM_NAME_MAX && present(k.description)
                    && k.power >= 0 && k.cost >= 0, source, "starter skill '" + (k == null ? null : k.name) + "': needs a name, a description, power and cost");
        }
        require(tasks != null && tasks.size() >= 8, source, "tasks: at least 8 are needed");
        require(crafting != null && !crafting.skillCores.isEmpty() && !crafting.itemCores.isEmpty()
                && !crafting.skillPrefixes.isEmpty() && !crafting.itemPrefixes.isEmpty(), source, "crafting: name parts are empty");
        String joint = language.equals("zh") ? "" : " ";
        for (var parts : List.of(List.of(crafting.skillPrefixes, crafting.skillCores), List.of(crafting.itemPrefixes, crafting.itemCores))) {
            for (String prefix : parts.get(0)) for (String core : parts.get(1)) {
                String name = prefix + joint + core;
                require(name.codePointCount(0, name.length()) <= ITEM_NAME_MAX, source, "crafting: '" + name + "' is longer than " + ITEM_NAME_MAX);
            }
        }
        require(personal != null && personal.places != null && personal.things != null && personal.npcs != null && personal.stages != null
                && !personal.places.isEmpty() && !personal.things.isEmpty() && !personal.npcs.isEmpty()
                && personal.stages.size() >= 2, source, "personal: places, things, npcs and two stages are needed");
        for (int i = 0; i < personal.stages.size(); i++) {
            Stage s = personal.stages.get(i);
            require(s != null && present(s.goal) && s.words != null && !s.words.isEmpty(), source, "personal stage " + (i + 1) + ": needs a goal and words");
        }
        require(eventSpeakers != null && !eventSpeakers.isEmpty(), source, "event_speakers: at least one");
        require(lines != null, source, "lines: missing");
        for (Encounter e : encounters) {
            require(e != null && present(e.text) && e.text.length() <= 500, source, "encounters: each needs 1-500 characters");
            require(e.speaker == null || present(e.speaker) && e.speaker.codePointCount(0, e.speaker.length()) <= 16, source,
                    "encounter '" + Lines.shorten(e.text, 40) + "': a speaker needs 1-16 characters");
        }
        for (String key : Lines.ALL) {
            require(lines.containsKey(key) && !lines.get(key).isEmpty(), source, "lines." + key + ": missing");
        }
        var names = new HashSet<String>();
        for (TaskDef t : tasks) {
            String where = "task '" + t.name + "'";
            require(present(t.name) && names.add(t.name), source, where + ": name missing or repeated");
            require(present(t.summary) && present(t.opening), source, where + ": summary and opening are needed");
            require(t.stages != null && t.stages.size() >= 2 && t.stages.size() <= 4, source, where + ": needs 2-4 stages");
            require(t.npcs != null && !t.npcs.isEmpty(), source, where + ": needs an NPC");
            require(t.reward != null && t.reward.exp > 0 && t.reward.matter >= 0, source, where + ": needs a reward with exp");
            for (Item i : t.reward.items) requireItem(i, source, where + " reward item");
            for (Npc n : t.npcs) require(n != null && present(n.name) && n.persona != null, source, where + ": an NPC needs a name and a persona");
            for (int i = 0; i < t.stages.size(); i++) {
                Stage s = t.stages.get(i);
                require(s != null && present(s.goal) && s.words != null && !s.words.isEmpty(), source, where + " stage " + (i + 1) + ": needs a goal and words");
                require(t.npc(s.npc).isPresent(), source, where + " stage " + (i + 1) + ": NPC '" + s.npc + "' is not one of the task's");
                for (String said : concat(s.hints, s.intro)) {
                    require(present(said), source, where + " stage " + (i + 1) + ": an empty line");
                }
            }
        }
    }

    private static void requireItem(Item i, String source, String where) {
        require(i != null && present(i.name) && i.name.codePointCount(0, i.name.length()) <= ITEM_NAME_MAX && present(i.description) && i.power >= 0,
                source, where + " '" + (i == null ? null : i.name) + "': needs a name of at most " + ITEM_NAME_MAX + " characters, a description and power");
    }

    private static boolean present(String s) { return s != null && !s.isBlank(); }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<String>(a);
        all.addAll(b);
        return all;
    }

    private static void require(boolean ok, String source, String message) {
        if (!ok) throw new Broken("content pack " + source + ": " + message);
    }

    public Optional<TaskDef> task(String name) {
        for (TaskDef t : tasks) if (t.name.equals(name)) return Optional.of(t); // a loop: every DM turn asks for each task
        return Optional.empty();
    }

    /** Names a player may not take: the DM's, the reserved words, every NPC's. */
    public List<String> reservedNames() {
        var all = new ArrayList<String>(reserved);
        all.add(dm.name);
        all.addAll(dm.aliases);
        tasks.forEach(t -> t.npcs.forEach(n -> all.add(n.name)));
        personal.npcs.forEach(n -> all.add(n.name));
        eventSpeakers.forEach(n -> all.add(n.name));
        encounters.stream().filter(e -> e.speaker != null).forEach(e -> all.add(e.speaker));
        return all;
    }

    /** The pack's encounter with exactly this text, if the client offered one of the pack's. */
    public Optional<Encounter> encounter(String text) {
        String wanted = text == null ? "" : text.strip();
        return encounters.stream().filter(e -> e.text.strip().equals(wanted)).findFirst();
    }

    /** What the browser client offers for /others: the encounters' texts. */
    public List<String> encounterTexts() {
        return encounters.stream().map(Encounter::text).toList();
    }

}
