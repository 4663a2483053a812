package taleweaver.world;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared world through a (stub) model: what each prompt holds, and what it must never hold. */
class WorldModelTest {
    @TempDir
    Path dir;
    ModelStub stub;

    /** A model that repeats the player's words in every field it may fill, so any leak shows. */
    static Map<String, Object> echo(JsonNode request) {
        String words = ModelStub.lastUser(request);
        String system = request.path("messages").get(0).path("content").asText();
        var out = new LinkedHashMap<String, Object>();
        out.put("text", "I hear you: " + words.substring(0, Math.min(words.length(), 80)));
        if (system.contains("\"opening\"")) {
            out.put("name", "Q " + words.substring(0, Math.min(words.length(), 12)).strip());
            out.put("summary", "About " + words);
            out.put("opening", "So: " + words);
        }
        if (system.contains("\"stage_done\"")) out.put("stage_done", true);
        if (system.contains("\"description\"")) {
            out.put("name", "Blade " + words.substring(0, Math.min(words.length(), 10)).strip());
            out.put("description", words);
        }
        if (system.contains("\"effect\"")) out.put("effect", Map.of("exp", 5));
        return out;
    }

    @BeforeEach
    void start() throws Exception {
        stub = new ModelStub(request -> ModelStub.json(echo(request)));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private void play(io.javalin.testtools.TestCase test) {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                "narrator.api_key=sk-x", "narrator.timeout_seconds=5")), test);
    }

    private static String state(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.get(messages.size() - 1).path("content").asText();
    }

    @Test
    void everyPromptStartsTheSameForEveryPlayer() {
        play((server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String name : List.of("Ann", "Bob")) {
                api.signup(name);
                api.call("/main", "role", name, "text", name.equals("Ann") ? "hello there" : "what is this place?");
                api.call("/select", "role", name, "task_name", WorldTest.LIGHTHOUSE);
                api.call("/feedback", "role", name, "text", "I look around, " + name, "items", List.of(), "skills", List.of(), "roles", List.of());
            }
            assertEquals(4, stub.requests.size());
            JsonNode annDm = stub.requests.get(0), annTurn = stub.requests.get(1), bobDm = stub.requests.get(2), bobTurn = stub.requests.get(3);
            assertEquals(annDm.path("messages").get(0).toString(), bobDm.path("messages").get(0).toString(), "the DM's first message, byte for byte");
            assertEquals(annTurn.path("messages").get(0).toString(), bobTurn.path("messages").get(0).toString(), "a task turn's, byte for byte");
            assertNotEquals(annDm.path("messages").get(0).toString(), annTurn.path("messages").get(0).toString(), "each kind of turn has its own");
            assertTrue(annDm.path("messages").get(0).toString().contains("lanterns, bells and old roads"), "the constant lore is in the shared part");
            assertTrue(state(annDm).contains("Player: Ann") && state(bobDm).contains("Player: Bob"), "the player's own part comes after");
            assertTrue(state(annTurn).contains("Old Su, keeper of the lighthouse"), "lore the task calls up (its name says 'lighthouse')");
        });
    }

    @Test
    void aModelsNarrationUnderACharactersNameGoesToTheDm() throws Exception {
        stub.close();
        stub = new ModelStub(request -> ModelStub.json(Map.of("text", "Old Su nods slowly and points at the stairs.", "speaker", "Old Su",
                "stage_done", false)));
        play((server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.call("/select", "role", "Ann", "task_name", WorldTest.LIGHTHOUSE);
            var r = api.call("/feedback", "role", "Ann", "text", "hello", "items", List.of(), "skills", List.of(), "roles", List.of());
            assertEquals("System", r.text("role"), "Old Su does not narrate himself");
            String system = stub.requests.get(0).path("messages").get(0).path("content").asText();
            assertTrue(system.contains("never naming themselves"), "the model is told who speaks: " + system);
        });
    }

    /** Everything one player does, each line carrying {@code secret}; returns the raw replies. */
    private static List<String> playEverything(Api api, String name, String secret, String task) {
        var replies = new ArrayList<String>();
        replies.add(api.call("/main", "role", name, "text", secret + ", that is my secret").raw());
        replies.add(api.call("/task_request", "role", name, "text", secret + " find my ring").raw());
        String personal = api.call("/task_info_personal", "role", name).get("task_list").get(0).asText();
        assertTrue(personal.contains(secret), "the echoing model named the task after the wish: " + personal);
        replies.add(api.call("/select_personal", "role", name, "task_name", personal).raw());
        replies.addAll(WorldTest.finish(api, name, secret + " I search").stream().map(Api.Reply::raw).toList());
        replies.add(api.call("/merge", "role", name, "mode", 1, "num", 10, "des", secret + " shield").raw());
        replies.add(api.call("/others", "role", name, "info", secret + " on the road", "text", secret + " I help").raw());
        replies.add(api.call("/select", "role", name, "task_name", task).raw());
        replies.addAll(WorldTest.finish(api, name, secret + " I climb").stream().map(Api.Reply::raw).toList());
        replies.add(api.call("/main", "role", name, "text", "").raw());
        replies.add(api.call("/main", "role", name, "text", "any news?").raw());
        replies.add(api.call("/chronicle", "role", name).raw());
        return replies;
    }

    @Test
    void nothingAPlayerTypesReachesAnotherPlayersPromptsOrReplies() {
        play((server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            List<String> toAnn = new ArrayList<>(playEverything(api, "Ann", "AMBERFOX", WorldTest.LIGHTHOUSE));
            List<String> toBob = playEverything(api, "Bob", "BLUEHERON", WorldTest.LIGHTHOUSE);
            toAnn.addAll(playEverything(api, "Ann", "AMBERFOX", "The Missing Pigeon"));

            int ann = 0, bob = 0;
            for (JsonNode request : stub.requests) {
                String all = request.toString(), mine = state(request);
                boolean isAnn = mine.contains("Player: Ann."), isBob = mine.contains("Player: Bob.");
                assertTrue(isAnn ^ isBob, "each prompt is one player's: " + mine);
                if (isAnn) {
                    ann++;
                    assertFalse(all.contains("BLUEHERON"), "Bob's words in Ann's prompt: " + all);
                } else {
                    bob++;
                    assertFalse(all.contains("AMBERFOX"), "Ann's words in Bob's prompt: " + all);
                }
            }
            assertTrue(ann > 10 && bob > 5, "both played through the model: " + ann + " / " + bob);
            assertTrue(stub.requests.stream().anyMatch(r -> r.toString().contains("AMBERFOX") && state(r).contains("Player: Ann.")),
                    "the check can see a secret where it belongs");
            assertTrue(stub.requests.stream().anyMatch(r -> state(r).contains("Player: Bob.") && state(r).contains("Ann finished")),
                    "the chronicle's lines do reach others");
            for (String r : toBob) assertFalse(r.contains("AMBERFOX"), "Ann's words in a reply to Bob: " + r);
            for (String r : toAnn) assertFalse(r.contains("BLUEHERON"), "Bob's words in a reply to Ann: " + r);
        });
    }
}
