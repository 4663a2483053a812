package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taleweaver.party.PartyTest.WELL;
import static taleweaver.party.PartyTest.partyOf;
import static taleweaver.party.PartyTest.resolved;

/** Party rounds told by a model (SPEC §16): one call a round, everyone addressed, no effects from words, no leaks. */
class PartyModelTest {
    @TempDir
    Path dir;
    ModelStub stub;
    /** The Flooded Well's second stage, which the telling of a round that met the first ends with. */
    static final String NEXT = "Bring the dog up: someone calms it, someone hauls.";

    @AfterEach
    void stop() {
        if (stub != null) stub.close();
    }

    /** The round's resolution, once the model has told it (asynchronously). */
    static JsonNode told(Api api, String role, int round) throws InterruptedException {
        PartyTest.await(() -> resolved(api, role).size() >= round);
        return resolved(api, role).get(round - 1);
    }

    /** Ann and Bob declare this round's actions, in that order. */
    static void annAndBob(Api api, String ann, String bob) {
        assertEquals(200, api.call("/party_act", "role", "Ann", "text", ann).code());
        assertEquals(200, api.call("/party_act", "role", "Bob", "text", bob).code());
    }

    /** A model that tells a party round with {@code reply} and greets anyone else with "Welcome.". */
    static Function<JsonNode, MockResponse> telling(Map<String, String> reply) {
        return r -> ModelStub.json(partyRound(r) ? reply : Map.of("text", "Welcome."));
    }

    static Function<JsonNode, MockResponse> telling(String text) {
        return telling(Map.of("text", text));
    }

    static boolean partyRound(JsonNode request) {
        return request.path("messages").path(0).path("content").asText().contains("party quest");
    }

    private void play(Function<JsonNode, MockResponse> reply, io.javalin.testtools.TestCase test, String... settings) throws Exception {
        stub = new ModelStub(reply);
        var all = new ArrayList<>(List.of("game.language=en", "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                "narrator.api_key=k", "narrator.max_retries=0"));
        all.addAll(List.of(settings));
        JavalinTest.test(App.create(TestConfig.of(dir, all.toArray(String[]::new))), test);
    }

    /**
     * A telling that outlasts the round's deadline is still the round's: the deadline finds the round being told and
     * leaves it (only a claim older than a telling can take, one whose instance died, is taken over), so the model's
     * words are written, once, and not an offline telling in their place.
     */
    @Test
    void aTellingLongerThanTheRoundsDeadlineIsNotTakenOver() throws Exception {
        String words = "The rope groans as Ann braces and Bob drops into the dark water.";
        play(r -> partyRound(r)
                ? new MockResponse.Builder(ModelStub.json(Map.of("text", words))).headersDelay(3, TimeUnit.SECONDS).build()
                : ModelStub.json(Map.of("text", "Welcome.")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I tie the rope to the oak and hold it fast", "I climb down into the well");
            var first = told(api, "Ann", 1);
            assertTrue(first.path("text").asText().startsWith(words), "the model's telling, not one taken over at the deadline: " + first);
            assertEquals(1, resolved(api, "Ann").stream().filter(e -> e.path("round").asInt() == 1).count(), "told once");
        }, "party.round_seconds=1", "narrator.timeout_seconds=10");
    }

    /**
     * Ann crafts with all her energy while her party's round, in which she used a skill, is resolved: the craft was
     * affordable when asked, not when it would be written (the round spent first), so it is refused (422) and her
     * energy is what the round left, never a skill made of energy she no longer had.
     */
    @Test
    void aCraftOutspentByThePartyRoundWhileItWasMadeIsRefused() throws Exception {
        var crafting = new CountDownLatch(1);
        play(r -> {
            if (partyRound(r)) return ModelStub.json(Map.of("text", "Ann holds the rope while Bob climbs down."));
            if (!r.toString().contains("all of it")) return ModelStub.json(Map.of("text", "Welcome."));
            crafting.countDown();
            return new MockResponse.Builder(ModelStub.json(Map.of("text", "Made.", "name", "Spark of All", "description", "all of it")))
                    .headersDelay(2, TimeUnit.SECONDS).build();
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            var skills = api.call("/skill", "role", "Ann").get("skills");
            String skill = skills.fieldNames().next();
            int cost = skills.get(skill).path("cost").asInt(), energy = api.stat("Ann", "energy");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak", "skills", List.of(skill)).code());
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var craft = pool.submit(() -> api.call("/merge", "role", "Ann", "mode", 0, "num", energy, "des", "all of it"));
                assertTrue(crafting.await(10, TimeUnit.SECONDS), "the craft asked the model, its energy checked");
                assertEquals(200, api.call("/party_act", "role", "Bob", "text", "I climb down into the well").code());
                told(api, "Ann", 1);
                assertEquals(energy - cost, api.stat("Ann", "energy"), "the round spent the skill's energy");
                var made = craft.get(10, TimeUnit.SECONDS);
                assertEquals(422, made.code(), made.raw());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(energy - cost, api.stat("Ann", "energy"), "the craft spent nothing");
            assertFalse(api.call("/skill", "role", "Ann").get("skills").has("Spark of All"), "nor was anything made");
        });
    }

    /**
     * A task turn's skill is paid for in the transaction that writes the turn, and checked again there: Ann's party
     * round, resolved while the model answered her turn, spent the energy the turn would use, so the turn is refused
     * (422) and her energy is what the round left, never below what she had.
     */
    @Test
    void aTurnOutspentByThePartyRoundWhileItsModelAnsweredIsRefused() throws Exception {
        var asked = new CountDownLatch(1);
        var roundTold = new CountDownLatch(1);
        play(r -> {
            if (partyRound(r)) return ModelStub.json(Map.of("text", "Ann holds the rope while Bob climbs down."));
            if (r.toString().contains("I light the torch")) {
                asked.countDown();
                try {
                    roundTold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ModelStub.json(Map.of("text", "Welcome."));
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            String task = api.call("/task_info", "role", "Ann").get("task_list").get(0).asText();
            assertEquals(200, api.call("/select", "role", "Ann", "task_name", task).code());
            var skills = api.call("/skill", "role", "Ann").get("skills");
            String skill = skills.fieldNames().next();
            int cost = skills.get(skill).path("cost").asInt();
            assertEquals(200, api.call("/merge", "role", "Ann", "mode", 0, "num", api.stat("Ann", "energy") - cost, "des", "a spark").code());
            assertEquals(cost, api.stat("Ann", "energy"), "enough for the skill once");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak", "skills", List.of(skill)).code());
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var turn = pool.submit(() -> api.call("/feedback", "role", "Ann", "text", "I light the torch", "roles", List.of(), "skills", List.of(skill)));
                assertTrue(asked.await(10, TimeUnit.SECONDS), "the turn's energy was checked and its model asked");
                assertEquals(200, api.call("/party_act", "role", "Bob", "text", "I climb down into the well").code());
                told(api, "Ann", 1);
                assertEquals(0, api.stat("Ann", "energy"), "the round spent the skill's energy");
                roundTold.countDown();
                var refused = turn.get(15, TimeUnit.SECONDS);
                assertEquals(422, refused.code(), refused.raw());
                assertEquals("no_energy", refused.text("error"));
            } finally {
                roundTold.countDown();
                pool.shutdownNow();
            }
            assertEquals(0, api.stat("Ann", "energy"));
        });
    }

    /** A model that fails (HTTP 500), then one that says nothing in time: each round is told by the offline narrator. */
    @Test
    void aModelThatFailsOrStallsLeavesTheRoundToTheOfflineNarrator() throws Exception {
        var rounds = new java.util.concurrent.atomic.AtomicInteger();
        play(r -> {
            if (!partyRound(r)) return ModelStub.json(Map.of("text", "Welcome."));
            return rounds.incrementAndGet() == 1 ? ModelStub.status(500)
                    : new MockResponse.Builder(ModelStub.json(Map.of("text", "too late"))).headersDelay(4, TimeUnit.SECONDS).build();
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I tie the rope to the oak and hold it fast", "I climb down into the well");
            var first = told(api, "Ann", 1);
            annAndBob(api, "I whistle softly to calm the dog", "I haul the bucket up");
            var second = told(api, "Ann", 2);
            for (var r : List.of(first, second)) {
                String text = r.path("text").asText();
                assertTrue(text.contains("Ann") && text.contains("Bob") && !text.contains("too late"), "told offline: " + text);
            }
            assertEquals(1, first.path("stage").asInt());
            assertTrue(second.path("finished").asBoolean(), "the quest goes on to its end: " + second);
            assertEquals(2, rounds.get(), "one call a round, none retried past the settings");
        }, "narrator.timeout_seconds=1");
    }

    @Test
    void oneCallARoundEveryActorAddressedAndTheModelsWordsChangeNoSheet() throws Exception {
        play(r -> ModelStub.json(Map.of("text", partyRound(r)
                ? "Ann hauls on the rope; the well swallows Bob's lantern. Cid loses 90 hp and all his gold!"
                : "Welcome.")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Cid");
            var before = api.call("/status", "role", "Cid").get("stats");
            annAndBob(api, "I hold the rope", "I climb down");
            api.call("/party_act", "role", "Cid", "text", "I shout encouragement");
            var r = told(api, "Ann", 1);
            assertEquals(1, stub.requests.stream().filter(PartyModelTest::partyRound).count(), "one narrator call for three players");
            String text = r.path("text").asText();
            assertTrue(text.startsWith("Ann hauls"), text);
            assertTrue(text.contains("Cid"), "every actor is addressed");
            assertEquals(before, api.call("/status", "role", "Cid").get("stats"), "the model's words change no sheet");
            assertEquals(1, r.path("stage").asInt(), "the stage is the server's ruling");
            String prompt = stub.requests.stream().filter(PartyModelTest::partyRound).findFirst().orElseThrow().toString();
            for (String said : List.of("Ann: I hold the rope", "Bob: I climb down", "Cid: I shout encouragement")) assertTrue(prompt.contains(said), said);
            assertTrue(prompt.contains("Address by name: Ann, Bob, Cid"), "the server says who must be addressed: " + prompt);
            assertTrue(prompt.contains("Narrate this round in English"), prompt);
        });
    }

    @Test
    void aMemberTheModelLeftOutGetsTheOfflineLine() throws Exception {
        play(telling("Ann pulls hard on the rope."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            String text = told(api, "Ann", 1).path("text").asText();
            assertTrue(text.startsWith("Ann pulls hard on the rope.") && text.contains("Bob"), text);
        });
    }

    /** SPEC §16 "holds stated": the model hears who held by choice and who did not act in time, each as such. */
    @Test
    void theModelHearsWhoHeldAndWhoDidNotActInTime() throws Exception {
        play(telling("Ann looks around; Bob and Cid wait."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Cid");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I look around the yard").code());
            assertEquals(200, api.call("/party_hold", "role", "Bob").code());
            told(api, "Ann", 1); // Cid says nothing: the deadline holds for him
            String prompt = stub.requests.stream().filter(PartyModelTest::partyRound).findFirst().orElseThrow().toString();
            assertTrue(prompt.contains("Bob: (holds)"), prompt);
            assertTrue(prompt.contains("Cid: (did not act in time: holds)"), prompt);
            assertTrue(prompt.contains("Address by name: Ann\\n"), "only who acted must be addressed: " + prompt);
        }, "party.round_seconds=1");
    }

    /** The model is told what the stage still needs, or the next stage; the players read the next stage after its words. */
    @Test
    void theModelHearsWhatIsStillNeededAndThePlayersTheNextStage() throws Exception {
        play(telling("Ann and Bob look at each other."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I look around the yard");
            var first = told(api, "Ann", 1);
            assertEquals("Ann and Bob look at each other.", first.path("text").asText(), "nothing is added to a round that met nothing");
            annAndBob(api, "I hold the rope", "I climb down");
            var second = told(api, "Ann", 2);
            assertEquals("Ann and Bob look at each other. " + NEXT, second.path("text").asText());
            var prompts = stub.requests.stream().filter(PartyModelTest::partyRound).map(JsonNode::toString).toList();
            assertTrue(prompts.get(0).contains("the stage is not met yet; still needed: the climb down"), prompts.get(0));
            assertTrue(prompts.get(1).contains("The players are told the next stage after your narration: Bring the dog up"), prompts.get(1));
        });
    }

    /** The model may give the round's character their own words (npc_says): they come apart, under the character's name. */
    @Test
    void theCharactersWordsFromTheModelComeApartUnderTheirName() throws Exception {
        play(telling(Map.of("text", "Ann and Bob work the rope together.", "npc_says", "Careful with him, he bites!")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            var r = told(api, "Ann", 1);
            assertEquals("Careful with him, he bites!", r.path("npc").path("text").asText(), r.toString());
            assertFalse(r.path("npc").path("name").asText().isBlank());
            assertEquals(r.path("text").asText(), r.path("narration").asText());
            String prompt = stub.requests.stream().filter(PartyModelTest::partyRound).findFirst().orElseThrow().toString();
            assertTrue(prompt.contains("npc_says"), "the prompt asks for the character's own words");
        });
    }

    /** The character's words as a model may dress them: their own name before them and quotes around them are taken off. */
    @Test
    void theCharactersWordsComeWithoutTheirNameOrQuotes() {
        assertEquals("Careful, he bites!", PartyNarrator.spoken("Widow Lan: \"Careful, he bites!\"", "Widow Lan"));
        assertEquals("慢点！", PartyNarrator.spoken("兰婶：「慢点！」", "兰婶"));
        assertEquals("Careful", PartyNarrator.spoken("  “Careful”  ", "Widow Lan"));
        assertEquals("\"Careful,\" she said, \"he bites.\"", PartyNarrator.spoken("\"Careful,\" she said, \"he bites.\"", "Widow Lan"),
                "quotes that close mid-way are not one around the whole");
        assertEquals("Biscuit: woof", PartyNarrator.spoken("Biscuit: woof", "Widow Lan"), "another's name stays");
        assertEquals(PartyNarrator.NPC_SAYS_MAX, PartyNarrator.spoken("x".repeat(1000), "Widow Lan").length());
    }

    /**
     * Words given to the character are not shown apart when the narration already holds them (shown once, there) or
     * when they name the character (then not theirs: none narrates itself).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Widow Lan cries: \"Careful, he bites!\" Ann and Bob pull. | Careful, he bites!",
            "Ann and Bob pull together. | Widow Lan wrings her hands and watches."})
    void theCharactersWordsAreNotShownApartWhenInTheNarrationOrNamingThem(String text, String says) throws Exception {
        play(telling(Map.of("text", text, "npc_says", says)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            var r = told(api, "Ann", 1);
            assertTrue(r.path("npc").isMissingNode(), r.toString());
            assertTrue(r.path("text").asText().startsWith(text), "the narration as the model wrote it: " + r);
        });
    }

    /** A model that runs on is cut: the round's text at ROUND_TEXT_MAX, the character's words at NPC_SAYS_MAX. */
    @Test
    void aLongWindedModelIsCutToTheRoundsBounds() throws Exception {
        String text = "Ann and Bob pull together. " + "The rope creaks. ".repeat(400);
        String says = "Mind the rope! ".repeat(100);
        play(telling(Map.of("text", text, "npc_says", says)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            var r = told(api, "Ann", 1);
            assertEquals(text.substring(0, PartyNarrator.ROUND_TEXT_MAX).strip() + " " + NEXT, r.path("text").asText(),
                    "cut, then the next stage");
            assertEquals(says.substring(0, PartyNarrator.NPC_SAYS_MAX), r.path("npc").path("text").asText());
        });
    }

    @Test
    void whatIsSaidInThePartyStaysInTheParty() throws Exception {
        String secret = "MAGENTA-OTTER-42";
        play(r -> ModelStub.json(Map.of("text", partyRound(r) ? "Ann and Bob go on." : "Welcome back.")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            api.signup("Eve");
            api.call("/party_say", "role", "Ann", "text", "the password is " + secret);
            api.call("/party_act", "role", "Ann", "text", "I whisper " + secret + " and hold the rope");
            api.call("/party_act", "role", "Bob", "text", "I climb down");
            told(api, "Ann", 1);
            int before = stub.requests.size();
            var eve = api.call("/main", "role", "Eve", "text", "what news?");
            assertFalse(eve.raw().contains(secret));
            var eves = stub.requests.subList(before, stub.requests.size());
            assertFalse(eves.isEmpty());
            for (JsonNode request : eves) assertFalse(request.toString().contains(secret), "a non-member's prompt never holds party words");
            for (JsonNode request : stub.requests) {
                if (partyRound(request)) assertFalse(request.toString().contains("the password is"), "party chat never reaches a prompt");
            }
            assertFalse(api.call("/chronicle", "role", "Eve", "limit", 20).raw().contains(secret));
            assertEquals(404, api.call("/party_wait", "role", "Eve", "after", 0, "wait", 0).code());
        });
    }

    /** A second quest together: the round's prompt holds what each member remembers of the other from the first. */
    @Test
    void theMembersMemoriesOfEachOtherAreInTheRoundsPrompt() throws Exception {
        play(telling("Ann and Bob go on."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I tie the rope to the oak and hold it fast", "I climb down into the well");
            told(api, "Ann", 1);
            annAndBob(api, "I whistle softly to calm the dog", "I haul the bucket up");
            assertTrue(told(api, "Ann", 2).path("finished").asBoolean());
            String first = stub.requests.stream().filter(PartyModelTest::partyRound).findFirst().orElseThrow().toString();
            assertFalse(first.contains("remember of each other"), "nothing to remember yet: " + first);

            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            annAndBob(api, "I hold the rope", "I climb down");
            told(api, "Ann", 3);
            var rounds = stub.requests.stream().filter(PartyModelTest::partyRound).toList();
            String prompt = rounds.get(rounds.size() - 1).path("messages").path(1).path("content").asText();
            assertTrue(prompt.contains("What they remember of each other:\n- ") && prompt.contains("\n- Ann: You") && prompt.contains("\n- Bob: You"), prompt);
            assertFalse(prompt.contains("Before:"), "the first round of a new quest has no rounds before it: " + prompt);
            for (String line : prompt.split("\n")) {
                if (line.startsWith("- Ann: You")) assertTrue(line.contains("Bob") && line.contains(WELL), line);
                if (line.startsWith("- Bob: You")) assertTrue(line.contains("Ann") && line.contains(WELL), line);
            }
        });
    }

    /** A model that, asked to tell a party round, says so on {@code asked} and answers {@code text} once {@code go} opens. */
    private static Function<JsonNode, MockResponse> heldRound(CountDownLatch asked, CountDownLatch go, String text) {
        return heldRound(asked, go, () -> ModelStub.json(Map.of("text", text)));
    }

    private static Function<JsonNode, MockResponse> heldRound(CountDownLatch asked, CountDownLatch go, java.util.function.Supplier<MockResponse> answer) {
        return r -> {
            if (!partyRound(r)) return ModelStub.json(Map.of("text", "Welcome."));
            asked.countDown();
            try {
                go.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer.get();
        };
    }

    @Test
    void aDeclarationArrivingWhileTheRoundIsToldCountsForTheNext() throws Exception {
        var told = new CountDownLatch(1);
        var asked = new CountDownLatch(1);
        play(heldRound(asked, told, "Ann and Bob work together."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            assertTrue(asked.await(10, TimeUnit.SECONDS));
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I whistle to the dog").code(), "taken while round 1 is told");
            var status = api.call("/party_status", "role", "Bob");
            assertEquals(2, status.get("round").asInt());
            assertTrue(status.get("members").get(0).path("acted").asBoolean(), "counted for round 2");
            assertEquals(200, api.call("/party_act", "role", "Bob", "text", "I haul the dog up").code(), "round 2 has all it waits for");
            told.countDown();
            PartyTest.await(() -> !resolved(api, "Ann").isEmpty()); // round 2 may be told at once after it
            var r1 = resolved(api, "Ann").get(0);
            assertTrue(r1.path("actions").findValuesAsText("text").contains("I hold the rope"), r1.toString());
            assertFalse(r1.path("actions").findValuesAsText("text").contains("I whistle to the dog"));
            // round 2 resolves once round 1 is committed, not at its deadline 90 s later
            PartyTest.await(() -> resolved(api, "Ann").size() == 2);
            assertTrue(resolved(api, "Ann").get(1).path("finished").asBoolean(), "round 2 had both: the well is done");
        });
    }

    /**
     * A member leaves while the round is told, leaving one: the quest ends at that round (its number, not the next's),
     * and the telling that comes back afterwards writes nothing, not even into the next quest's round of that number
     * claimed meanwhile by the same party.
     */
    @Test
    void aTellingThatOutlivesItsQuestWritesNothingIntoTheNext() throws Exception {
        var asked = List.of(new CountDownLatch(1), new CountDownLatch(1));
        var go = List.of(new CountDownLatch(1), new CountDownLatch(1));
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        play(r -> {
            if (!partyRound(r)) return ModelStub.json(Map.of("text", "Welcome."));
            int i = Math.min(calls.getAndIncrement(), 1);
            asked.get(i).countDown();
            try {
                go.get(i).await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ModelStub.json(Map.of("text", i == 0 ? "The first quest's telling." : "The second quest's telling."));
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            assertTrue(asked.get(0).await(10, TimeUnit.SECONDS));
            assertEquals(200, api.call("/party_leave", "role", "Bob").code());
            var ended = resolved(api, "Ann");
            assertEquals(1, ended.size(), ended.toString());
            assertEquals(1, ended.get(0).path("round").asInt(), "the quest ended at the round being told: " + ended);
            assertTrue(ended.get(0).path("finished").asBoolean());
            // Bob comes back and the same task starts again; its round 1 is claimed while the old telling is still out
            assertEquals(200, api.call("/party_join", "role", "Bob", "code", code).code());
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            annAndBob(api, "I whistle to the dog", "I look for the lantern");
            assertTrue(asked.get(1).await(10, TimeUnit.SECONDS));
            go.get(0).countDown(); // the old telling comes back: it must find no claim of its own
            for (int i = 0; i < 40 && resolved(api, "Ann").size() == 1; i++) Thread.sleep(50); // time for it to land, were it taken
            go.get(1).countDown();
            var second = told(api, "Ann", 2);
            assertEquals(1, second.path("round").asInt());
            assertTrue(second.path("text").asText().startsWith("The second quest's telling."), second.toString());
            assertTrue(second.path("actions").findValuesAsText("text").contains("I whistle to the dog"), second.toString());
            PartyTest.await(() -> api.call("/party_status", "role", "Ann").get("round").asInt() == 2);
            assertEquals(2, resolved(api, "Ann").size(), resolved(api, "Ann").toString());
        });
    }

    /** The words of a telling whose quest ended meanwhile (a member left, leaving one) reach nobody's streamed wait. */
    @Test
    void aTellingThatOutlivesItsQuestStreamsToNobody() throws Exception {
        var asked = new CountDownLatch(1);
        var go = new CountDownLatch(1);
        play(heldRound(asked, go, () -> streamedCompletion("{\"text\": \"The rope creaks as Ann and Bob work the well together.\"}")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            assertTrue(asked.await(10, TimeUnit.SECONDS));
            assertEquals(200, api.call("/party_leave", "role", "Bob").code());
            int last = api.call("/party_status", "role", "Ann").get("last").asInt();
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var wait = pool.submit(() -> api.post("/party_wait", Api.body("role", "Ann", "after", last, "wait", 3),
                        Map.of("Accept", "text/event-stream")));
                PartyTest.await(() -> parked(api) >= 1);
                go.countDown(); // the old telling is written now, while Ann waits
                String raw = wait.get(20, TimeUnit.SECONDS).raw();
                assertFalse(raw.contains("event: delta"), raw);
                assertTrue(raw.contains("event: done"), raw);
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /**
     * A plain (JSON) wait that finds only the declarations of a round being told waits on for its resolution: one
     * wait a round per member, not one for the declarations and another for the telling.
     */
    @Test
    void aWaitFindingOnlyDeclarationsOfARoundBeingToldGetsItsResolutionInTheSameReply() throws Exception {
        for (var replies : repliesToWaitsOnAHeldRound(false)) {
            assertEquals(1, replies.size(), replies.toString()); // both parked though two declarations lay above `after`
            var kinds = replies.get(0).findValuesAsText("kind");
            assertTrue(kinds.contains("acted") && kinds.contains("resolved"), kinds.toString());
        }
    }

    /**
     * The same for waits parked before anyone declared: woken by the declarations' news while the round is told (each
     * wake hands them the events committed here), they wait on for the resolution rather than answering with the
     * declarations alone. Every reply that carries the round's last declaration carries its resolution too.
     */
    @Test
    void waitsWokenByDeclarationsWhileTheirRoundIsToldAnswerWithItsResolution() throws Exception {
        for (var replies : repliesToWaitsOnAHeldRound(true)) {
            for (var events : replies) {
                if (events.findValuesAsText("name").contains("Bob")) assertTrue(events.findValuesAsText("kind").contains("resolved"), events.toString());
            }
        }
    }

    /**
     * Ann and Bob declare a round the model tells only when let; each waits from before it (and again from each reply's
     * {@code last} until the resolution), parked before the declarations ({@code waitFirst}) or while the round is told.
     * Each member's replies, their events.
     */
    private List<List<JsonNode>> repliesToWaitsOnAHeldRound(boolean waitFirst) throws Exception {
        var go = new CountDownLatch(1);
        var asked = new CountDownLatch(1);
        var all = new ArrayList<List<JsonNode>>();
        play(heldRound(asked, go, "Ann holds; Bob climbs."), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            int before = api.call("/party_status", "role", "Ann").get("last").asInt();
            Runnable declare = () -> {
                annAndBob(api, "I hold the rope", "I climb down");
            };
            if (!waitFirst) declare.run();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var replies = new ArrayList<java.util.concurrent.Future<List<JsonNode>>>();
                for (String who : List.of("Ann", "Bob")) {
                    replies.add(pool.submit(() -> {
                        var got = new ArrayList<JsonNode>();
                        for (int after = before; got.isEmpty() || !got.get(got.size() - 1).findValuesAsText("kind").contains("resolved"); ) {
                            var reply = api.call("/party_wait", "role", who, "after", after, "wait", 30);
                            got.add(reply.get("events"));
                            after = reply.get("last").asInt();
                        }
                        return got;
                    }));
                }
                PartyTest.await(() -> parked(api) >= 2);
                if (waitFirst) declare.run();
                assertTrue(asked.await(10, TimeUnit.SECONDS));
                if (waitFirst) Thread.sleep(2 * PartyWaits.DECLARATIONS_GATHERED_MILLIS); // the declarations' gathered wake comes meanwhile
                go.countDown();
                for (var r : replies) all.add(r.get(20, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
        });
        return all;
    }

    /** A streamed chat completion of {@code content}, cut into pieces. */
    static MockResponse streamedCompletion(String content) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").chunkedBody(ModelStub.sse(content, 6, true), 16).build();
    }

    static double parked(Api api) {
        var m = java.util.regex.Pattern.compile("^taleweaver_waits_parked (\\S+)$", java.util.regex.Pattern.MULTILINE)
                .matcher(api.send("GET", "/metrics", null, Map.of()).raw());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void everyWaitingMemberHearsTheRoundAsItIsWrittenThenItsResolution() throws Exception {
        var go = new CountDownLatch(1);
        String words = "{\"text\": \"Ann braces the rope while Bob climbs into the dark; the water is cold.\"}";
        play(r -> {
            if (!partyRound(r)) return ModelStub.json(Map.of("text", "Welcome."));
            try {
                go.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return r.path("stream").asBoolean() ? streamedCompletion(words) : ModelStub.json(Map.of("text", "not streamed"));
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            annAndBob(api, "I hold the rope", "I climb down");
            int last = api.call("/party_status", "role", "Ann").get("last").asInt();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var waits = new ArrayList<java.util.concurrent.Future<Api.Reply>>();
                for (String who : List.of("Ann", "Bob")) {
                    waits.add(pool.submit(() -> api.post("/party_wait", Api.body("role", who, "after", last, "wait", 30),
                            Map.of("Accept", "text/event-stream"))));
                }
                PartyTest.await(() -> parked(api) >= 2);
                go.countDown();
                var heard = new ArrayList<String>();
                for (var w : waits) {
                    String raw = w.get(20, TimeUnit.SECONDS).raw();
                    var deltas = new StringBuilder();
                    JsonNode done = null;
                    for (String block : raw.split("\n\n")) {
                        if (block.startsWith("event: delta")) deltas.append(taleweaver.web.Json.parse(block.substring(block.indexOf("data: ") + 6)).path("text").asText());
                        if (block.startsWith("event: done")) done = taleweaver.web.Json.parse(block.substring(block.indexOf("data: ") + 6));
                    }
                    assertTrue(done != null && done.path("events").size() > 0, raw);
                    String resolvedText = done.path("events").findValues("kind").stream().anyMatch(k -> k.asText().equals("resolved"))
                            ? done.path("events").get(done.path("events").size() - 1).path("text").asText() : "";
                    assertEquals("Ann braces the rope while Bob climbs into the dark; the water is cold. " + NEXT, resolvedText);
                    heard.add(deltas.toString());
                }
                assertEquals(heard.get(0), heard.get(1), "the same words for every member");
                assertEquals("Ann braces the rope while Bob climbs into the dark; the water is cold. " + NEXT, heard.get(0),
                        "the next stage is streamed after the model's words");
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /** A 40-round quest of four members: the prompt of its last round is within the bound, no larger than an early one's. */
    @Test
    void thePromptOfALongQuestStaysBounded() {
        var content = PartyContent.builtIn("en");
        var narrator = new PartyNarrator(content, "Narrator", null, "en");
        var task = content.task(WELL).orElseThrow();
        var members = new ArrayList<PartyDao.Member>();
        for (int i = 0; i < 4; i++) members.add(new PartyDao.Member(i, "Member" + i + "x".repeat(40), 10, 100, 100, 100, "active", true, 0, 40, 0, false, false));
        var declared = members.stream().map(m -> new PartyNarrator.Declared(m.name(), "act", "y".repeat(PartyService.ACTION_MAX),
                List.of("Traveller's Dagger"), List.of("Spark"), -1, false)).toList();
        int early = 0, late = 0;
        var recent = new ArrayList<String>();
        var summary = new StringBuilder();
        var ofEachOther = new ArrayList<String>(); // what each remembers of the others, as long as it is kept
        for (var m : members) for (int i = 0; i < taleweaver.world.Memories.OF_EACH_OTHER_EACH; i++) {
            ofEachOther.add(m.name() + ": " + "v".repeat(taleweaver.world.Memories.OF_EACH_OTHER_LINE_MAX));
        }
        for (int round = 1; round <= 40; round++) {
            var scene = new PartyNarrator.Scene(task, 0, declared, members, false, false, List.copyOf(recent), summary.toString(), ofEachOther, round, round);
            int size = narrator.prompt(scene).stream().mapToInt(m -> m.content().length()).sum();
            if (round == 4) early = size;
            late = size;
            recent.add("z".repeat(3000));
            summary.append("w".repeat(200));
        }
        assertTrue(late <= 10_000, "bounded by 10,000 characters (four members, 400-character actions, two memories each): " + late);
        var zh = PartyContent.builtIn("zh");
        var zhScene = new PartyNarrator.Scene(zh.partyTasks().get(0), 0, declared, members, false, false, List.of(), "", List.of(), 1, 0);
        assertTrue(new PartyNarrator(zh, "说书人", null, "zh").prompt(zhScene).get(0).content().contains("in Simplified Chinese"));
        assertTrue(late <= early + PartyNarrator.SUMMARY_MAX, "does not grow with the quest: " + early + " then " + late);
    }
}
