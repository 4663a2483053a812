package taleweaver.story;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a DM turn's prompt holds of the past: the last history_turns exchanges, and lore keyed by the last three turns. */
class DmHistoryTest {
    @TempDir
    Path dir;
    ModelStub stub;

    @BeforeEach
    void start() throws Exception {
        stub = new ModelStub(request -> ModelStub.json(Map.of("text", "Reply to: " + ModelStub.lastUser(request))));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private void play(int historyTurns, io.javalin.testtools.TestCase test) throws Exception {
        Path lore = dir.resolve("lore.json");
        Files.writeString(lore, "{\"entries\": [{\"key\": [\"dragon\"], \"content\": \"The dragon sleeps under the hill.\"}]}");
        JavalinTest.test(App.create(TestConfig.of(dir, "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                "narrator.api_key=sk-x", "narrator.timeout_seconds=3", "game.language=en", "game.lorebook=" + lore,
                "narrator.history_turns=" + historyTurns)), test);
    }

    /** The user/assistant pairs of the player's past turns in a request (the first message is the rules, the last the turn). */
    private static List<String> pastWords(JsonNode request) {
        var out = new ArrayList<String>();
        JsonNode messages = request.path("messages");
        for (int i = 1; i < messages.size() - 1; i++) {
            if (messages.get(i).path("role").asText().equals("user")) out.add(messages.get(i).path("content").asText());
        }
        return out;
    }

    @Test
    void theLastHistoryTurnsExchangesAreSent() throws Exception {
        play(2, (server, client) -> {
            var api = new Api(client.getOrigin());
            api.signup("Teller");
            for (String words : List.of("one", "two", "three", "four")) api.call("/main", "role", "Teller", "text", words);
            api.call("/main", "role", "Teller", "text", "five");
            JsonNode last = stub.requests.get(stub.requests.size() - 1);
            assertEquals(List.of("three", "four"), pastWords(last));
            JsonNode messages = last.path("messages");
            assertTrue(messages.get(messages.size() - 2).path("content").asText().contains("Reply to: four"), "the DM's own reply follows");
        });
    }

    @Test
    void loreIsKeyedByTheLastThreeTurnsEvenWithNoHistorySent() throws Exception {
        play(0, (server, client) -> {
            var api = new Api(client.getOrigin());
            api.signup("Seeker");
            api.call("/main", "role", "Seeker", "text", "is there a dragon here?");
            api.call("/main", "role", "Seeker", "text", "hm");
            api.call("/main", "role", "Seeker", "text", "and then?");
            JsonNode third = stub.requests.get(stub.requests.size() - 1);
            assertEquals(List.of(), pastWords(third), "history_turns 0: no past exchanges");
            assertTrue(third.toString().contains("The dragon sleeps under the hill."), "the dragon was named two turns ago");
            for (String words : List.of("a", "b", "c")) api.call("/main", "role", "Seeker", "text", words);
            JsonNode later = stub.requests.get(stub.requests.size() - 1);
            assertTrue(!later.toString().contains("The dragon sleeps"), "four turns later it is no longer called up");
        });
    }
}
