package taleweaver.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.db.Database;
import taleweaver.web.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A world that remembers (SPEC §14), with the offline narrator: memories, recall, the chronicle and news, known faces, lore. */
class WorldTest {
    static final String LIGHTHOUSE = "The Fogbound Lighthouse";

    @TempDir
    Path dir;

    /** Plays the active task with {@code text} until it ends; returns every reply. */
    static List<Api.Reply> finish(Api api, String role, String text) {
        var replies = new ArrayList<Api.Reply>();
        var seen = new ArrayList<String>();
        for (int turn = 0; turn < 20; turn++) {
            var r = api.call("/feedback", "role", role, "text", text, "items", List.of(), "skills", List.of(), "roles", seen);
            assertEquals(200, r.code(), r.raw());
            replies.add(r);
            seen.add(r.text("role"));
            if (r.get("status").asBoolean()) return replies;
        }
        throw new AssertionError("the task did not end");
    }

    static void take(Api api, String role, String task) {
        assertEquals(200, api.call("/select", "role", role, "task_name", task).code());
    }

    static String say(Api api, String role, String text) {
        var r = api.call("/main", "role", role, "text", text);
        assertEquals(200, r.code(), r.raw());
        String said = r.text("text");
        assertTrue(said.codePointCount(0, said.length()) <= 300, "a reply is at most 300 characters: " + said);
        return said;
    }

    @Test
    void aPlayersDeedsAreRememberedRecountedAndRecalledOnReturn() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Rowan");
            assertTrue(say(api, "Rowan", "What have I done so far?").contains("has not begun"), "nothing done yet");
            assertTrue(say(api, "Rowan", "").startsWith("Welcome to the Mistriver lands"), "a newcomer gets the greeting");

            take(api, "Rowan", LIGHTHOUSE);
            var first = api.call("/feedback", "role", "Rowan", "text", "I ask Zhi at the harbour about oil", "items", List.of(),
                    "skills", List.of(), "roles", List.of());
            assertFalse(first.get("status").asBoolean());
            assertTrue(say(api, "Rowan", "What have I done?").contains("You begged half a barrel of lamp oil from Fishwife Zhi"),
                    "a long task is remembered stage by stage");

            finish(api, "Rowan", "...");
            String recount = say(api, "Rowan", "What have I done?");
            assertTrue(recount.startsWith("Rowan, your story so far: You finished \"The Fogbound Lighthouse\" with Old Su and Fishwife Zhi."), recount);
            String greeting = say(api, "Rowan", "");
            assertTrue(greeting.startsWith("Welcome back, Rowan. I remember: You finished \"The Fogbound Lighthouse\""), greeting);
            assertTrue(greeting.contains("On offer: \""), "the tasks are still named: " + greeting);
        });
    }

    @Test
    void publicDeedsGoToTheChronicleAndOthersHearTheNews() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            assertEquals(0, api.call("/chronicle", "role", "Bob").get("entries").size());
            assertTrue(say(api, "Bob", "Any news?").startsWith("All quiet"));

            take(api, "Ann", LIGHTHOUSE);
            finish(api, "Ann", "...");
            var entries = api.call("/chronicle", "role", "Bob").get("entries");
            assertEquals(1, entries.size(), entries.toString());
            assertEquals("Ann finished \"The Fogbound Lighthouse\".", entries.get(0).path("text").asText());
            Instant at = Instant.parse(entries.get(0).path("time").asText());
            assertTrue(Math.abs(at.toEpochMilli() - System.currentTimeMillis()) < 600_000, "time is ISO 8601: " + at);

            assertTrue(say(api, "Bob", "").contains("Word in town: Ann finished \"The Fogbound Lighthouse\"."), "Bob's greeting tells Ann's deed");
            assertTrue(say(api, "Bob", "Any news?").contains("Ann finished \"The Fogbound Lighthouse\"."));
            assertTrue(say(api, "Ann", "Any news?").startsWith("All quiet"), "one's own deeds are not news to oneself");

            take(api, "Ann", "The Missing Pigeon");
            finish(api, "Ann", "...");
            var texts = api.call("/chronicle", "role", "Ann").get("entries").findValuesAsText("text");
            assertEquals(List.of("Ann reached level 2.", "Ann finished \"The Missing Pigeon\".", "Ann finished \"The Fogbound Lighthouse\"."),
                    texts, "newest first, a level reached included");
        });
    }

    /**
     * A party round's prompt hears what its members remember of each other (SPEC §16): their duels and party quests
     * naming another member, two each, newest first; never a craft or a solo task (a player's own words), nor a deed
     * naming nobody of the party.
     */
    @Test
    void whatMembersRememberOfEachOtherIsTheirDuelsAndPartyQuestsTogether() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Cid")) api.signup(n);
            try (var db = TestConfig.database(dir)) {
                long ann = 1, bob = 2, cid = 3;
                var seen = db.write(h -> {
                    Memories.remember(h, ann, Memories.Kind.DUEL, "You beat Cid in a duel.", List.of(), "");
                    Memories.remember(h, ann, Memories.Kind.CRAFT, "You crafted Bob's secret blade.", List.of(), "");
                    Memories.remember(h, ann, Memories.Kind.TASK, "You finished Bob's errand.", List.of("Widow Lan"), "Bob's errand");
                    Memories.remember(h, ann, Memories.Kind.TASK, "You finished The Well together with Bob.", List.of(), "party:The Well");
                    Memories.remember(h, ann, Memories.Kind.DUEL, "You lost a duel to Bob.", List.of(), "");
                    Memories.remember(h, ann, Memories.Kind.DUEL, "You beat Bob in a duel.", List.of(), "");
                    Memories.remember(h, bob, Memories.Kind.DUEL, "You lost a duel to Ann.", List.of(), "");
                    Memories.remember(h, cid, Memories.Kind.DUEL, "You lost a duel to Ann.", List.of(), "");
                    var party = new java.util.LinkedHashMap<Long, String>();
                    party.put(ann, "Ann");
                    party.put(bob, "Bob");
                    return Memories.ofEachOther(h, party);
                });
                assertEquals(List.of("Bob: You lost a duel to Ann.", "Ann: You beat Bob in a duel.", "Ann: You lost a duel to Bob."), seen);
            }
        });
    }

    @Test
    void theChronicleNeedsASessionAndClampsItsLimit() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            assertEquals(401, api.call("/chronicle", "role", "Ghost").http());
            assertEquals(401, api.call("/ladder", "role", "Ghost").http());
            assertEquals(1, api.call("/ladder", "role", "Ann", "limit", 0).get("ladder").size(), "the ladder clamps its limit too");
            assertEquals(400, api.call("/chronicle").http(), "no role: a bad request, like every role route");
            try (var db = TestConfig.database(dir)) {
                db.write(h -> {
                    for (int i = 0; i < 130; i++) Chronicle.write(h, 1, "deed " + i);
                    return null;
                });
            }
            assertEquals(20, api.call("/chronicle", "role", "Ann").get("entries").size(), "20 when not given");
            assertEquals(100, api.call("/chronicle", "role", "Ann", "limit", 1000).get("entries").size());
            assertEquals(1, api.call("/chronicle", "role", "Ann", "limit", 0).get("entries").size());
            assertEquals(1, api.call("/chronicle", "role", "Ann", "limit", -5).get("entries").size());
            assertEquals("deed 129", api.call("/chronicle", "role", "Ann", "limit", 3).get("entries").get(0).path("text").asText());
            assertEquals(400, api.call("/chronicle", "role", "Ann", "limit", "many").http());
        });
    }

    @Test
    void someoneMetOnTheRoadBeforeRecognisesThePlayer() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            var met = new ArrayList<String>();
            for (int i = 0; i < 6; i++) {
                var r = api.call("/others", "role", "Wren", "info", "A cart is stuck in the mud (" + i + ")", "text", "I help them push it free");
                assertEquals(200, r.code(), r.raw());
                String who = r.text("role"), text = r.text("text");
                assertFalse(text.contains(who), who + " speaks for itself: " + text);
                assertEquals(met.contains(who), text.contains("Wren"), (met.contains(who) ? "met before: " : "a stranger: ") + text);
                met.add(who);
            }
            var nothing = api.call("/others", "role", "Wren", "info", "Rain", "text", "I wait");
            assertEquals("System", nothing.text("role"), "when nothing happens the DM says so");
        });
    }

    /** A host's pack in which Old Su of the lighthouse also gives the first hint of the second task. */
    private Path packWithOldSuTwice() throws Exception {
        var pack = (ObjectNode) Json.MAPPER.readTree(WorldTest.class.getResourceAsStream("/content/en.json"));
        var second = (ObjectNode) pack.path("tasks").get(1);
        ((ArrayNode) second.path("npcs")).addObject().put("name", "Old Su").put("persona", "Keeper of the lighthouse.");
        ((ObjectNode) second.path("stages").get(0)).put("npc", "Old Su");
        Path file = dir.resolve("pack.json");
        Files.writeString(file, Json.MAPPER.writeValueAsString(pack));
        return file;
    }

    @Test
    void aCharacterMetInAnEarlierTaskGreetsThePlayerAsSomeoneItKnows() throws Exception {
        Path pack = packWithOldSuTwice();
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "game.content_pack=" + pack)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            api.signup("Moss");
            take(api, "Wren", LIGHTHOUSE);
            finish(api, "Wren", "...");
            take(api, "Wren", "The Missing Pigeon");
            take(api, "Moss", "The Missing Pigeon");
            var again = api.call("/feedback", "role", "Wren", "text", "...", "items", List.of(), "skills", List.of(), "roles", List.of());
            assertEquals("Old Su", again.text("role"));
            assertTrue(again.text("text").contains("Wren"), "Old Su knows Wren: " + again.text("text"));
            var stranger = api.call("/feedback", "role", "Moss", "text", "...", "items", List.of(), "skills", List.of(), "roles", List.of());
            assertEquals("Old Su", stranger.text("role"));
            assertFalse(stranger.text("text").contains("Moss"), "Old Su has never met Moss: " + stranger.text("text"));
            var later = api.call("/feedback", "role", "Wren", "text", "...", "items", List.of(), "skills", List.of(), "roles", List.of("Old Su"));
            assertFalse(later.text("text").contains("Wren"), "greeted once a task: " + later.text("text"));
        });
    }

    @Test
    void theOfflineDmAnswersQuestionsFromTheLore() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Sage");
            assertTrue(say(api, "Sage", "Tell me about the lighthouse").startsWith("The harbour lighthouse has stood for two hundred years."));
            assertTrue(say(api, "Sage", "Who is Granny Wen?").startsWith("Granny Wen is Lanternford's herbalist."));
            assertFalse(say(api, "Sage", "Where did everyone go, I went out").contains("herbalist"), "'wen' is not in 'went'");
        });
        JavalinTest.test(App.create(TestConfig.of(dir.resolve("zh"))), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("智者");
            assertTrue(say(api, "智者", "老苏是谁？").startsWith("老苏，灯塔的守塔人"));
        });
    }

    @Test
    void memoriesChronicleAndRatingsOutliveARestart() {
        Path file = dir.resolve("kept.db");
        var config = TestConfig.of(dir, "game.language=en", "storage.database=" + file, "battle.max_rounds=1");
        JavalinTest.test(App.create(config), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            take(api, "Ann", LIGHTHOUSE);
            finish(api, "Ann", "...");
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            api.call("/battle", "role", "Ann", "id", id, "text", "a strike", "items", List.of("Traveller's Dagger"), "wait", 0);
            assertTrue(api.call("/battle", "role", "Bob", "id", id, "text", "I stand still", "wait", 0).get("status").asBoolean());
        });
        JavalinTest.test(App.create(config), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob")) {
                assertEquals(200, api.call("/login", "email", Api.email(n), "password", Api.md5("pw-" + n), "ip", "127.0.0.1:9").code());
            }
            String recount = say(api, "Ann", "What have I done?");
            assertTrue(recount.contains("You finished \"The Fogbound Lighthouse\""), recount);
            assertTrue(recount.contains("duel"), "the duel is remembered: " + recount);
            var chronicle = api.call("/chronicle", "role", "Bob").get("entries").findValuesAsText("text");
            assertTrue(chronicle.contains("Ann finished \"The Fogbound Lighthouse\"."), chronicle.toString());
            assertEquals(1, chronicle.stream().filter(t -> t.contains("duel")).count(), "the duel, once: " + chronicle);
            JsonNode ladder = api.call("/ladder", "role", "Bob").get("ladder");
            assertEquals(2000, ladder.get(0).path("rating").asInt() + ladder.get(1).path("rating").asInt());
            assertEquals(1, ladder.get(0).path("wins").asInt() + ladder.get(0).path("draws").asInt(), ladder.toString());
        });
    }
}
