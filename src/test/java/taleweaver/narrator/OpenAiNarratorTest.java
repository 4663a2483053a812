package taleweaver.narrator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Config;
import taleweaver.TestConfig;
import taleweaver.character.Sheet;
import taleweaver.db.Database;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI-compatible narrator against a stub model: request shape, odd replies, failures, budget, bounded prompts. */
class OpenAiNarratorTest {
    @TempDir
    Path dir;
    ModelStub stub;
    Database db;
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final ContentPack pack = ContentPack.builtIn("zh");
    final List<Object> script = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new ModelStub(request -> {
            Object next = script.isEmpty() ? ModelStub.json(Map.of("text", "默认")) : script.size() == 1 ? script.get(0) : script.remove(0);
            return (mockwebserver3.MockResponse) next;
        });
        db = TestConfig.database(dir);
        db.write(h -> h.execute("insert into players(id, name, name_key, email, password_hash, created_at) values (1, 'Ann', 'ann', 'a@b.c', 'x', 0)"));
    }

    @AfterEach
    void stop() {
        stub.close();
        db.close();
        timer.shutdownNow();
    }

    private ModelClient client;

    private TokenLedger ledger;

    private OpenAiNarrator narrator(String... sets) {
        var all = new ArrayList<>(List.of("narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=sk-test",
                "narrator.model=test-model", "narrator.timeout_seconds=2", "narrator.max_retries=1"));
        all.addAll(List.of(sets));
        Config c = TestConfig.of(dir, all.toArray(String[]::new));
        client = new ModelClient(c.narrator(), timer);
        return new OpenAiNarrator(client, new OfflineNarrator(pack), new Prompts(pack, c.narrator().historyTurns()),
                ledger = new TokenLedger(db, c.narrator().dailyTokensPerPlayer()), c.events().maxChange(), c.moderation().useModel(),
                new ReplyStreams(), new taleweaver.Metrics());
    }

    private Narrator.DmScene dm(String text) {
        return new Narrator.DmScene(1, "Ann", Sheet.starting(1), text, List.of("迷雾灯塔"), List.of(), null, null, Map.of(), List.of(), "第1天", 7, Narrator.Recall.NONE);
    }

    @Test
    void theRequestHasTheOpenAiShape() throws Exception {
        script.add(ModelStub.json(Map.of("text", "你好，旅人", "take_task", "迷雾灯塔")));
        var reply = narrator().dm(dm("我要接迷雾灯塔")).get(10, TimeUnit.SECONDS);
        assertEquals("你好，旅人", reply.text());
        assertEquals("迷雾灯塔", reply.takeTask());
        var request = stub.requests.get(0);
        assertEquals("/v1/chat/completions", request.path("_path").asText());
        assertEquals("Bearer sk-test", request.path("_auth").asText());
        assertEquals("test-model", request.path("model").asText());
        assertEquals("json_object", request.path("response_format").path("type").asText());
        assertEquals("system", request.path("messages").get(0).path("role").asText());
        assertEquals("我要接迷雾灯塔", ModelStub.lastUser(request));
    }

    @Test
    void jsonModeOffSendsNoResponseFormat() throws Exception {
        narrator("narrator.json_mode=false").dm(dm("hi")).get(10, TimeUnit.SECONDS);
        assertFalse(stub.requests.get(0).has("response_format"));
    }

    @Test
    void aServerThatRefusesResponseFormatIsAskedAgainWithoutIt() throws Exception {
        script.add(ModelStub.status(400));
        script.add(ModelStub.json(Map.of("text", "plain")));
        assertEquals("plain", narrator().dm(dm("hi")).get(10, TimeUnit.SECONDS).text());
        assertTrue(stub.requests.get(0).has("response_format"));
        assertFalse(stub.requests.get(1).has("response_format"));
    }

    @Test
    void oneUnexplainedRefusalDoesNotStepDownLaterTurns() throws Exception {
        script.add(ModelStub.status(400));
        script.add(ModelStub.json(Map.of("text", "一")));
        script.add(ModelStub.json(Map.of("text", "二")));
        var n = narrator();
        assertEquals("一", n.dm(dm("hi")).get(10, TimeUnit.SECONDS).text());
        assertEquals("二", n.dm(dm("again")).get(10, TimeUnit.SECONDS).text());
        assertTrue(stub.requests.get(2).has("response_format"), "the next turn asks in JSON mode again");
    }

    @Test
    void theSameRefusalTwiceInARowStepsDownForAWhileThenTheRicherFormIsTriedAgain() throws Exception {
        script.addAll(List.of(ModelStub.status(400), ModelStub.json(Map.of("text", "一")), ModelStub.status(400),
                ModelStub.json(Map.of("text", "二")), ModelStub.json(Map.of("text", "三"))));
        var n = narrator();
        n.dm(dm("1")).get(10, TimeUnit.SECONDS);
        n.dm(dm("2")).get(10, TimeUnit.SECONDS);
        assertEquals("三", n.dm(dm("3")).get(10, TimeUnit.SECONDS).text());
        assertFalse(stub.requests.get(4).has("response_format"), "refused twice: the third turn starts without it");
        long later = System.currentTimeMillis() + StepDown.STEP_DOWN_MILLIS + 1;
        client.steps.clock = () -> later;
        n.dm(dm("4")).get(10, TimeUnit.SECONDS);
        assertTrue(stub.requests.get(5).has("response_format"), "after a while the richer form is tried again");
    }

    @Test
    void anErrorThatNamesResponseFormatStepsDownAtOnce() throws Exception {
        script.add(new mockwebserver3.MockResponse.Builder().code(400)
                .body("{\"error\":{\"message\":\"'response_format' of type 'json_object' is not supported with this model\"}}").build());
        script.add(ModelStub.json(Map.of("text", "一")));
        var n = narrator();
        n.dm(dm("1")).get(10, TimeUnit.SECONDS);
        n.dm(dm("2")).get(10, TimeUnit.SECONDS);
        assertFalse(stub.requests.get(2).has("response_format"));
    }

    @Test
    void aCompactPromptStillAsksForWhatTheRouteNeeds() {
        var prompts = new Prompts(pack, 8);
        var compact = Prompts.compact(prompts.dm(dm("我接受任务迷雾灯塔")));
        String system = compact.get(0).content();
        assertTrue(system.contains("take_task") && system.contains("迷雾灯塔"), system);
        assertEquals("我接受任务迷雾灯塔", compact.get(1).content());
        assertTrue(compact.stream().mapToInt(m -> m.content().length()).sum() < 1200);
    }

    @Test
    void aRequestThatCannotBeBuiltFallsBackLikeAnyFailure() throws Exception {
        var n = narrator("narrator.api_key=sk-test\nX-Injected: 1");
        var reply = n.dm(dm("你好")).get(10, TimeUnit.SECONDS);
        assertFalse(reply.text().isBlank(), "the offline narrator answered");
        assertEquals(0, stub.requests.size());
    }

    @Test
    void aSmallContextServerIsAskedWithACompactPromptFromThenOn() throws Exception {
        stub.close();
        stub = new ModelStub(request -> request.path("messages").toString().length() > 800
                ? new mockwebserver3.MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"the request exceeds the available context size\"}}").build()
                : ModelStub.completion("Once upon a time, there was a little dog.", 40));
        var n = narrator();
        assertEquals("Once upon a time, there was a little dog.", n.dm(dm("你好")).get(10, TimeUnit.SECONDS).text());
        assertEquals(3, stub.requests.size(), "JSON mode, then plain, then compact");
        assertFalse(stub.requests.get(1).has("response_format"));
        assertEquals(2, stub.requests.get(2).path("messages").size());
        n.dm(dm("再说一次")).get(10, TimeUnit.SECONDS);
        assertEquals(4, stub.requests.size(), "the next request starts compact");
        assertEquals("再说一次", ModelStub.lastUser(stub.requests.get(3)));
    }

    @Test
    void thePlayersClearIntentTakesATaskWhenTheModelMissesIt() throws Exception {
        script.add(ModelStub.json(Map.of("text", "Once upon a time...")));
        var reply = narrator().dm(dm("我接受任务迷雾灯塔")).get(10, TimeUnit.SECONDS);
        assertEquals("迷雾灯塔", reply.takeTask());
    }

    @Test
    void fencedJsonAndProseAroundItAreRead() throws Exception {
        script.add(ModelStub.completion("```json\n{\"text\": \"围栏里的话\"}\n```", 30));
        script.add(ModelStub.completion("好的：{\"text\": \"散文里的话\", \"take_task\": null} 祝你玩得开心", 30));
        var n = narrator();
        assertEquals("围栏里的话", n.dm(dm("a")).get(10, TimeUnit.SECONDS).text());
        assertEquals("散文里的话", n.dm(dm("b")).get(10, TimeUnit.SECONDS).text());
    }

    @Test
    void brokenJsonIsAskedForOnceMoreThenTheOfflineNarratorAnswers() throws Exception {
        script.add(ModelStub.completion("{\"text\": \"broken", 30));
        script.add(ModelStub.json(Map.of("text", "second try")));
        assertEquals("second try", narrator().dm(dm("a")).get(10, TimeUnit.SECONDS).text());
        assertTrue(ModelStub.lastUser(stub.requests.get(1)).contains("JSON object"), "the re-ask says what is wanted");

        script.clear();
        stub.requests.clear();
        script.add(ModelStub.completion("{\"text\": \"broken", 30));
        var reply = narrator().dm(dm("")).get(10, TimeUnit.SECONDS);
        assertEquals(2, stub.requests.size(), "asked once more, then no more");
        assertTrue(reply.text().startsWith(pack.dm().greeting()), "the offline greeting");
    }

    @Test
    void serverErrorsAreRetriedThenFallBack() throws Exception {
        script.add(ModelStub.status(500));
        var reply = narrator("narrator.max_retries=2").dm(dm("")).get(2 * 3 + 5, TimeUnit.SECONDS);
        assertEquals(3, stub.requests.size(), "one try and two retries");
        assertTrue(reply.text().startsWith(pack.dm().greeting()));
    }

    @Test
    void aSilentModelTimesOutAndFallsBack() throws Exception {
        script.add(new mockwebserver3.MockResponse.Builder(ModelStub.json(Map.of("text", "too late"))).headersDelay(4, TimeUnit.SECONDS).build());
        var reply = narrator("narrator.timeout_seconds=1", "narrator.max_retries=1").dm(dm("")).get(1 * 2 + 5, TimeUnit.SECONDS);
        assertTrue(reply.text().startsWith(pack.dm().greeting()));
        assertEquals(2, stub.requests.size());
    }

    @Test
    void aSpentDailyBudgetMeansNoMoreModelCalls() throws Exception {
        script.add(ModelStub.completion("{\"text\": \"model\"}", 100)); // exactly the day's budget: spent
        var n = narrator("narrator.daily_tokens_per_player=100");
        assertEquals("model", n.dm(dm("a")).get(10, TimeUnit.SECONDS).text());
        assertEquals(100, ledger.spentToday(1));
        assertEquals(0, new TokenLedger(db, 100).spentToday(1), "counted, not yet written");
        ledger.flush();
        assertEquals(100, new TokenLedger(db, 100).spentToday(1), "written by the flush");
        var offline = n.dm(dm("")).get(10, TimeUnit.SECONDS);
        assertEquals(1, stub.requests.size(), "the second turn never reached the model");
        assertTrue(offline.text().startsWith(pack.dm().greeting()));
    }

    @Test
    void eventEffectsAreReadButNotTrusted() throws Exception {
        script.add(ModelStub.json(Map.of("text", "你被封神了", "speaker", "神", "effect", Map.of("exp", 999999, "matter", "lots", "gold", 5))));
        var e = narrator().event(new Narrator.EventScene(1, "Ann", Sheet.starting(1), "info", "给我999999经验", 1, Narrator.Recall.NONE,
                new ContentPack.Encounter("info", "路人", "偶遇的行人", null, null, null, null))).get(10, TimeUnit.SECONDS);
        assertEquals(Map.of("exp", 999999), e.effect(), "only numeric known stats pass; the service clamps them");
    }

    @Test
    void moderationAsksTheModelWhenOn() throws Exception {
        script.add(ModelStub.json(Map.of("allowed", false, "reason", "不合适")));
        assertEquals("不合适", narrator("moderation.use_model=true").moderate("某段设定").get(10, TimeUnit.SECONDS).orElseThrow());
        assertTrue(narrator().moderate("某段设定").get(10, TimeUnit.SECONDS).isEmpty(), "off: no model call");
        assertEquals(1, stub.requests.size());
    }

    @Test
    void thePromptStaysBoundedHoweverLongTheGame() {
        var prompts = new Prompts(pack, 8);
        var history = new ArrayList<Narrator.Turn>();
        String longText = "很长的输入".repeat(400);
        for (int i = 0; i < 100; i++) history.add(new Narrator.Turn(longText, "老苏", longText));
        var scene = new Narrator.TurnScene(1, "Ann", Sheet.starting(1), "迷雾灯塔", longText, longText, longText, longText, "老苏", longText,
                List.of("老苏", "渔娘阿芷"), false, false, longText, List.of(), history, longText, 1, Narrator.Recall.NONE,
                List.of(longText), List.of(longText));
        int chars = prompts.turn(scene).stream().mapToInt(m -> m.content().length()).sum();
        assertTrue(chars <= PROMPT_BOUND_CHARS, "prompt after 100 turns: " + chars + " chars");
        assertEquals(1 + 2 * 8 + 1, prompts.turn(scene).size(), "system, eight recent turns, the new words");
    }

    @Test
    void twoHundredMemoriesKeepThePromptBoundedTheRelevantAndNewestFirst() {
        var prompts = new Prompts(pack, Lorebook.load("", "zh"), 8);
        var past = new ArrayList<taleweaver.world.Memories.Memory>();
        for (int i = 199; i >= 0; i--) { // newest first, as they are read
            boolean aboutSu = i == 3; // an old memory with the character of the scene
            past.add(new taleweaver.world.Memories.Memory(taleweaver.world.Memories.Kind.STAGE, (aboutSu ? "你帮老苏修好了灯塔的楼梯。" : "第" + i + "件往事：") + "很长的回忆".repeat(20),
                    aboutSu ? List.of("老苏") : List.of(), "c:别的任务"));
        }
        var recall = new Narrator.Recall(past.get(0).text(), taleweaver.world.Memories.byRelevance(past, List.of("老苏", "迷雾灯塔")),
                java.util.Set.of("老苏"), List.of("Bob完成了「迷雾灯塔」。".repeat(10)));
        var history = new ArrayList<Narrator.Turn>();
        String longText = "很长的输入，灯塔、古井、磨坊、星落湖".repeat(100);
        for (int i = 0; i < 100; i++) history.add(new Narrator.Turn(longText, "老苏", longText));
        var scene = new Narrator.TurnScene(1, "Ann", Sheet.starting(1), "迷雾灯塔", longText, longText, longText, longText, "老苏", longText,
                List.of("老苏", "渔娘阿芷"), false, false, longText, List.of(), history, longText, 1, recall, List.of(longText), List.of(longText));
        var messages = prompts.turn(scene);
        int chars = messages.stream().mapToInt(m -> m.content().length()).sum();
        assertTrue(chars <= PROMPT_BOUND_CHARS, "prompt after 100 turns and 200 memories: " + chars + " chars");
        String state = messages.get(messages.size() - 1).content();
        int su = state.indexOf("你帮老苏修好了"), newest = state.indexOf("第199件往事"), oldest = state.indexOf("第0件往事");
        assertTrue(su >= 0 && newest > su, "the memory with the scene's character first, then the newest: " + state);
        assertEquals(-1, oldest, "the oldest unrelated ones do not fit");
        var dm = prompts.dm(new Narrator.DmScene(1, "Ann", Sheet.starting(1), longText, List.of("迷雾灯塔"), List.of(), null, null, Map.of(),
                history, "第1天", 7, recall));
        assertTrue(dm.stream().mapToInt(m -> m.content().length()).sum() <= PROMPT_BOUND_CHARS, "the DM's prompt too");
    }

    /** The bound chosen for a prompt: about 3,500 tokens at two characters a token. */
    static final int PROMPT_BOUND_CHARS = 12_000;
}
