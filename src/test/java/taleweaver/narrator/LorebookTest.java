package taleweaver.narrator;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import taleweaver.App;
import taleweaver.TestConfig;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SillyTavern World Info as game lore (SPEC §14): activation, budget, order, and broken files named. */
class LorebookTest {
    @TempDir
    Path dir;

    static Lorebook parse(String json) {
        return Lorebook.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    static final String BOOK = """
            {"entries": {
              "0": {"uid": 0, "key": [], "content": "The mist never lifts.", "constant": true, "order": 5},
              "1": {"uid": 1, "key": ["lighthouse"], "keysecondary": [], "content": "The lighthouse is old.", "order": 100},
              "2": {"uid": 2, "key": ["well"], "keysecondary": ["spirit", "ghost"], "content": "A spirit lives in the well.", "order": 50},
              "3": {"uid": 3, "key": ["mill"], "content": "The mill groans.", "disable": true},
              "4": {"uid": 4, "key": ["Wen"], "content": "Granny Wen heals.", "order": 10},
              "5": {"uid": 5, "key": ["灯塔"], "content": "灯塔立了两百年。", "order": 20}
            }}""";

    @Test
    void keysCallEntriesUpAndConstantsAreAlwaysThere() {
        Lorebook book = parse(BOOK);
        assertEquals("The mist never lifts.", book.constants());
        assertEquals("The lighthouse is old.", book.keyed(List.of("I climb the LIGHTHOUSE")), "any case");
        assertEquals("", book.keyed(List.of("A well, they say")), "a secondary key is needed too");
        assertEquals("A spirit lives in the well.", book.keyed(List.of("the well", "a ghost moans")), "in the recent turns too");
        assertEquals("", book.keyed(List.of("the mill")), "disabled");
        assertEquals("", book.keyed(List.of("I went home")), "whole words for Latin keys");
        assertEquals("Granny Wen heals.", book.keyed(List.of("ask wen.")));
        assertEquals("灯塔立了两百年。", book.keyed(List.of("我去灯塔看看")), "anywhere in CJK text");
        assertEquals("Granny Wen heals.\n灯塔立了两百年。\nThe lighthouse is old.", book.keyed(List.of("wen 灯塔 lighthouse")),
                "written in ascending order");
        assertEquals("The lighthouse is old.", book.about("tell me about the lighthouse").orElseThrow().content());
        assertTrue(book.about("nothing here").isEmpty());
    }

    @Test
    void theBudgetKeepsTheHighestOrder() {
        String big = "x".repeat(Lorebook.KEYED_BUDGET - 10);
        Lorebook book = parse("{\"entries\": [{\"key\": [\"a1\"], \"content\": \"" + big + "\", \"order\": 1},"
                + "{\"key\": [\"b2\"], \"content\": \"" + big + "\", \"order\": 2}, {\"key\": [\"c3\"], \"content\": \"small\", \"order\": 0}]}");
        String block = book.keyed(List.of("a1 b2 c3"));
        assertTrue(block.length() <= Lorebook.KEYED_BUDGET, "within the budget");
        assertEquals("small\n" + big, block, "order 2 wins over order 1; what still fits comes too");
    }

    @Test
    void aBrokenLorebookNamesTheEntry() {
        assertThrows(Lorebook.Broken.class, () -> parse("not json"));
        assertThrows(Lorebook.Broken.class, () -> parse("{\"entries\": 5}"));
        var cases = List.of(
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [\"mill\"], \"content\": 5}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [\"mill\"], \"keysecondary\": [\"x\"], \"content\": \"x\", \"selectiveLogic\": 9}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": \"mill\", \"content\": \"x\"}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [], \"content\": \"x\"}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [\"mill\"], \"content\": \"x\", \"order\": \"first\"}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [\"mill\"], \"content\": \"x\", \"constant\": \"yes\"}}}",
                "{\"entries\": {\"7\": {\"comment\": \"Mill\", \"key\": [3], \"content\": \"x\"}}}");
        for (String json : cases) {
            var e = assertThrows(Lorebook.Broken.class, () -> parse(json), json);
            assertTrue(e.getMessage().contains("entry 7 ('Mill')"), e.getMessage());
        }
    }

    /** A World Info file as SillyTavern exports it: every field it writes, empty entries, long ones, selective logic. */
    static final String SILLYTAVERN = """
            {"entries": {
              "0": {"uid": 0, "key": ["harbour"], "keysecondary": ["storm"], "comment": "Harbour in storms", "content": "Boats stay in.",
                    "constant": false, "vectorized": false, "selective": true, "selectiveLogic": 0, "addMemo": true, "order": 100,
                    "position": 0, "disable": false, "excludeRecursion": false, "preventRecursion": false, "delayUntilRecursion": false,
                    "probability": 100, "useProbability": true, "depth": 4, "group": "", "groupOverride": false, "groupWeight": 100,
                    "scanDepth": null, "caseSensitive": null, "matchWholeWords": null, "useGroupScoring": null, "automationId": "",
                    "role": null, "sticky": 0, "cooldown": 0, "delay": 0, "displayIndex": 0},
              "1": {"uid": 1, "key": ["tower"], "keysecondary": ["night", "fog"], "comment": "Tower by day", "content": "Gulls nest on the tower.",
                    "selective": true, "selectiveLogic": 2, "constant": false, "disable": false, "order": 90},
              "2": {"uid": 2, "key": ["bell"], "keysecondary": ["rope", "iron"], "comment": "Bell, whole", "content": "The bell is iron, its rope new.",
                    "selective": true, "selectiveLogic": 3, "constant": false, "disable": false, "order": 80},
              "3": {"uid": 3, "key": ["well"], "keysecondary": ["spirit"], "comment": "Well, not selective", "content": "The well is deep.",
                    "selective": false, "selectiveLogic": 0, "constant": false, "disable": false, "order": 70},
              "4": {"uid": 4, "key": ["gate"], "keysecondary": ["north", "south"], "comment": "Gate", "content": "One gate stands open.",
                    "selective": true, "selectiveLogic": 1, "constant": false, "disable": false, "order": 60},
              "5": {"uid": 5, "key": [], "keysecondary": [], "comment": "New entry", "content": "", "constant": false, "selective": true,
                    "selectiveLogic": 0, "disable": false, "order": 100},
              "6": {"uid": 6, "key": ["saga"], "keysecondary": [], "comment": "The long saga", "content": "%s", "constant": false,
                    "selective": true, "selectiveLogic": 0, "disable": false, "order": 10}
            }}""".formatted("s".repeat(Lorebook.CONTENT_MAX + 500));

    @Test
    void aLorebookAsSillyTavernExportsItIsUsedAsItMeans() throws Exception {
        Lorebook book = parse(SILLYTAVERN);
        assertEquals(6, book.entries().size(), "the empty entry is skipped, the rest kept");
        assertEquals("", book.keyed(List.of("the harbour is calm")), "AND ANY: a secondary key is needed");
        assertEquals("Boats stay in.", book.keyed(List.of("a storm over the harbour")));
        assertEquals("Gulls nest on the tower.", book.keyed(List.of("the tower")), "NOT ANY: none of the secondary keys");
        assertEquals("", book.keyed(List.of("the tower at night")));
        assertEquals("", book.keyed(List.of("the bell rope")), "AND ALL: every secondary key");
        assertEquals("The bell is iron, its rope new.", book.keyed(List.of("the bell rope of iron")));
        assertEquals("The well is deep.", book.keyed(List.of("the well")), "not selective: the secondary keys are not used");
        assertEquals("One gate stands open.", book.keyed(List.of("the north gate")), "NOT ALL: not every secondary key");
        assertEquals("", book.keyed(List.of("the gate, north and south")));
        assertEquals(Lorebook.CONTENT_MAX, book.about("the saga").orElseThrow().content().length(), "shortened, not refused");
        Path file = dir.resolve("st.json");
        Files.writeString(file, SILLYTAVERN);
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "game.lorebook=" + file)), (server, client) -> {
            var api = new taleweaver.Api(client.getOrigin());
            api.signup("Sage");
            assertEquals("The well is deep.", api.call("/main", "role", "Sage", "text", "tell me about the well").text("text"));
        });
    }

    @Test
    void aBrokenLorebookStopsStartUp() throws Exception {
        Path file = dir.resolve("lore.json");
        Files.writeString(file, "{\"entries\": [{\"key\": [\"a\"], \"content\": \"ok\"}, {\"comment\": \"The Well\", \"key\": \"well\", \"content\": \"x\"}]}");
        var e = assertThrows(Lorebook.Broken.class, () -> App.create(TestConfig.of(dir, "game.lorebook=" + file)));
        assertTrue(e.getMessage().contains("entry 1 ('The Well')") && e.getMessage().contains("key"), e.getMessage());
    }

    @Test
    void aHostsLorebookIsUsed() throws Exception {
        Path file = dir.resolve("lore.json");
        Files.writeString(file, "{\"entries\": [{\"key\": [\"dragon\"], \"content\": \"The dragon sleeps under the hill.\"}]}");
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "game.lorebook=" + file)), (server, client) -> {
            var api = new taleweaver.Api(client.getOrigin());
            api.signup("Sage");
            assertEquals("The dragon sleeps under the hill.", api.call("/main", "role", "Sage", "text", "tell me about the dragon").text("text"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void theBuiltInPacksCarryTheirOwnLore(String language) {
        Lorebook book = Lorebook.load("", language);
        long keyed = book.entries().stream().filter(e -> !e.constant()).count();
        assertTrue(keyed >= 15, language + ": " + keyed + " keyed entries");
        assertTrue(!book.constants().isEmpty(), "and the world's gist, always");
        for (var e : book.entries()) {
            if (e.constant()) continue;
            assertEquals(e.content(), book.about("? " + e.keys().get(0)).map(Lorebook.Entry::content).orElse(e.content()));
            assertTrue(e.content().length() <= 300, "an entry is a reply the offline DM can say whole: " + e.title());
        }
    }
}
