package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import taleweaver.web.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * World lore in SillyTavern's World Info form (SPEC §14): {@code entries}, each with {@code key},
 * {@code keysecondary}, {@code selective}, {@code selectiveLogic}, {@code content}, {@code constant}, {@code disable}
 * and {@code order}. An entry joins a prompt when one of its keys is in the player's words or the recent turns (and,
 * when it is selective with secondary keys, those as {@code selectiveLogic} says: 0 any of them, 1 not all, 2 none,
 * 3 all), or always when it is constant; higher {@code order} wins the lore budget, and the chosen entries are written
 * in ascending order. Keys match without regard to case, anywhere in the text. As SillyTavern writes them: an entry
 * with no content is skipped, and one longer than {@link #CONTENT_MAX} characters is shortened; both with a warning
 * naming it. A file without {@code selective} (written by hand) uses its secondary keys as "any of them".
 */
public final class Lorebook {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Lorebook.class);
    /** How secondary keys count (SillyTavern's selectiveLogic): none given, any of them, not all, none, all. */
    public enum Logic { IGNORED, AND_ANY, NOT_ALL, NOT_ANY, AND_ALL }

    public record Entry(String title, List<String> keys, List<String> secondary, Logic logic, String content, boolean constant, int order) {
        public Entry(String title, List<String> keys, List<String> secondary, String content, boolean constant, int order) {
            this(title, keys, secondary, secondary.isEmpty() ? Logic.IGNORED : Logic.AND_ANY, content, constant, order);
        }

        boolean keyedBy(String lowerText) {
            if (!anyIn(lowerText, keys)) return false;
            if (secondary.isEmpty()) return true;
            int found = 0;
            for (String k : secondary) if (has(lowerText, k)) found++;
            return switch (logic) {
                case IGNORED -> true;
                case AND_ANY -> found > 0;
                case NOT_ALL -> found < secondary.size();
                case NOT_ANY -> found == 0;
                case AND_ALL -> found == secondary.size();
            };
        }

        private static boolean anyIn(String lowerText, List<String> words) {
            for (String k : words) if (has(lowerText, k)) return true;
            return false;
        }
    }

    /** The most characters of lore a prompt holds: constant entries in the shared part, keyed ones in the player's. */
    public static final int CONSTANT_BUDGET = 800;
    public static final int KEYED_BUDGET = 800;
    /** The longest an entry's content may be. */
    static final int CONTENT_MAX = 2000;

    public static final Lorebook EMPTY = new Lorebook(List.of());

    private final List<Entry> entries;

    Lorebook(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() { return entries; }

    /** A lorebook that can't be used; the message names the broken entry. */
    public static final class Broken extends RuntimeException {
        Broken(String message) { super(message); }
    }

    /** {@code game.lorebook} when set, else the built-in pack's own lore (none for a host's pack). */
    public static Lorebook load(String file, String builtInLanguage) {
        if (file != null && !file.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                return parse(in, file);
            } catch (IOException e) {
                throw new Broken("lorebook " + file + ": " + e.getMessage());
            }
        }
        if (builtInLanguage == null) return EMPTY;
        String name = "/content/" + builtInLanguage + ".lore.json";
        try (InputStream in = Lorebook.class.getResourceAsStream(name)) {
            return in == null ? EMPTY : parse(in, name);
        } catch (IOException e) {
            throw new Broken("lorebook " + name + ": " + e.getMessage());
        }
    }

    static Lorebook parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new Broken("lorebook " + source + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode all = root == null ? null : root.get("entries");
        if (all == null || !(all.isObject() || all.isArray())) throw new Broken("lorebook " + source + ": needs \"entries\" (an object or a list)");
        var out = new ArrayList<Entry>();
        var names = all.isObject() ? all.fieldNames() : null;
        int index = 0;
        for (JsonNode e : all) {
            String id = names != null ? names.next() : String.valueOf(index);
            index++;
            Entry entry = entry(e, "lorebook " + source + ": entry " + id);
            if (entry != null) out.add(entry);
        }
        return new Lorebook(out);
    }

    /** One entry, checked; null when it is disabled or says nothing. */
    private static Entry entry(JsonNode e, String where) {
        if (!e.isObject()) throw new Broken(where + ": is not an object");
        String title = e.path("comment").asText("");
        String named = where + (title.isBlank() ? "" : " ('" + title + "')");
        if (!flag(e, "disable", named)) {
            List<String> keys = words(e, "key", named), secondary = words(e, "keysecondary", named);
            boolean constant = flag(e, "constant", named);
            JsonNode content = e.get("content");
            if (content != null && !content.isNull() && !content.isTextual()) throw new Broken(named + ": \"content\" must be text");
            String text = content == null || content.isNull() ? "" : content.asText().strip();
            if (text.isEmpty()) {
                LOG.warn("{}: no content, skipped", named);
                return null;
            }
            if (text.length() > CONTENT_MAX) {
                LOG.warn("{}: content of {} characters shortened to {}", named, text.length(), CONTENT_MAX);
                text = text.substring(0, Character.isHighSurrogate(text.charAt(CONTENT_MAX - 1)) ? CONTENT_MAX - 1 : CONTENT_MAX);
            }
            if (!constant && keys.isEmpty()) throw new Broken(named + ": needs a \"key\" (or \"constant\": true)");
            JsonNode order = e.get("order");
            if (order != null && !order.isNull() && !order.canConvertToInt()) throw new Broken(named + ": \"order\" must be a whole number");
            return new Entry(title.isBlank() ? keys.isEmpty() ? "" : keys.get(0) : title, keys, secondary, logic(e, secondary, named), text,
                    constant, order == null || order.isNull() ? 100 : order.asInt());
        }
        return null;
    }

    /** {@code selective} false: secondary keys are not used; absent: any of them; else {@code selectiveLogic} (0..3). */
    private static Logic logic(JsonNode e, List<String> secondary, String where) {
        if (secondary.isEmpty()) return Logic.IGNORED;
        JsonNode selective = e.get("selective");
        if (selective != null && !selective.isNull() && !flag(e, "selective", where)) return Logic.IGNORED;
        JsonNode logic = e.get("selectiveLogic");
        if (logic == null || logic.isNull()) return Logic.AND_ANY;
        if (!logic.canConvertToInt() || logic.asInt() < 0 || logic.asInt() > 3) throw new Broken(where + ": \"selectiveLogic\" must be 0, 1, 2 or 3");
        return Logic.values()[logic.asInt() + 1];
    }

    private static boolean flag(JsonNode e, String field, String where) {
        JsonNode n = e.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw new Broken(where + ": \"" + field + "\" must be true or false");
        return n.asBoolean();
    }

    private static List<String> words(JsonNode e, String field, String where) {
        JsonNode n = e.get(field);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new Broken(where + ": \"" + field + "\" must be a list of words");
        var out = new ArrayList<String>();
        for (JsonNode w : n) {
            if (!w.isTextual()) throw new Broken(where + ": \"" + field + "\" must be a list of words");
            if (!w.asText().isBlank()) out.add(w.asText().strip().toLowerCase(Locale.ROOT)); // matched without regard to case
        }
        return out;
    }

    /** The constant entries, as one block within {@link #CONSTANT_BUDGET}: the same for every player. */
    public String constants() {
        return block(entries.stream().filter(Entry::constant).toList(), CONSTANT_BUDGET);
    }

    /** The keyed entries whose keys are in {@code texts} (the player's words, the recent turns), within {@link #KEYED_BUDGET}. */
    public String keyed(List<String> texts) {
        String lower = String.join("\n", texts).toLowerCase(Locale.ROOT);
        var chosen = new ArrayList<Entry>();
        for (Entry e : entries) if (!e.constant() && e.keyedBy(lower)) chosen.add(e);
        return chosen.isEmpty() ? "" : block(chosen, KEYED_BUDGET);
    }

    /** The entry a question is about: the one with the longest key in {@code text}. */
    public Optional<Entry> about(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Entry best = null;
        int bestLength = 0;
        for (Entry e : entries) {
            if (!e.keyedBy(lower)) continue;
            for (String k : e.keys()) {
                if (has(lower, k) && k.length() > bestLength) {
                    best = e;
                    bestLength = k.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether the (lower-case) key {@code k} is in {@code lowerText}: anywhere for CJK text, as whole words for letters
     * and digits ("wen" is not in "went").
     */
    static boolean has(String lowerText, String k) {
        for (int at = lowerText.indexOf(k); at >= 0; at = lowerText.indexOf(k, at + 1)) {
            boolean startOk = at == 0 || !wordy(lowerText.charAt(at - 1)) || !wordy(k.charAt(0));
            int end = at + k.length();
            boolean endOk = end == lowerText.length() || !wordy(lowerText.charAt(end)) || !wordy(k.charAt(k.length() - 1));
            if (startOk && endOk) return true;
        }
        return false;
    }

    /** A Latin letter or digit: part of a word that spaces delimit. */
    private static boolean wordy(char c) {
        return c < 0x250 && Character.isLetterOrDigit(c);
    }

    /** Highest order first into the budget; then written in ascending order, one line an entry. */
    private static String block(List<Entry> chosen, int budget) {
        var byPriority = new ArrayList<>(chosen);
        byPriority.sort(Comparator.comparingInt(Entry::order).reversed());
        var kept = new ArrayList<Entry>();
        int used = 0;
        for (Entry e : byPriority) {
            int size = e.content().length() + 1;
            if (used + size > budget) continue;
            kept.add(e);
            used += size;
        }
        kept.sort(Comparator.comparingInt(Entry::order));
        var out = new StringBuilder();
        for (Entry e : kept) out.append(out.isEmpty() ? "" : "\n").append(e.content());
        return out.toString();
    }
}
