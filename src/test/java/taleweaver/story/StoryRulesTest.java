package taleweaver.story;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules kept inside the transaction that commits a change: checked again there, because what was read before the
 * model call may have changed meanwhile (another instance, another route). The stub model makes that change while
 * it "thinks".
 */
class StoryRulesTest {
    @TempDir
    Path dir;
    ModelStub stub;
    volatile Consumer<JsonNode> whileThinking = r -> {};

    @AfterEach
    void stop() {
        if (stub != null) stub.close();
    }

    private void withModel(Map<String, Object> reply, io.javalin.testtools.TestCase test, String... sets) throws Exception {
        stub = new ModelStub(request -> {
            whileThinking.accept(request);
            return ModelStub.json(reply);
        });
        var all = new java.util.ArrayList<>(List.of("narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k"));
        all.addAll(List.of(sets));
        JavalinTest.test(App.create(TestConfig.of(dir, all.toArray(String[]::new))), test);
    }

    private long sql(String statement, Object... args) {
        try (var c = TestConfig.connect(dir)) {
            var st = c.prepareStatement(statement);
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            if (!statement.startsWith("select")) return st.executeUpdate();
            var rs = st.executeQuery();
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theOpenPersonalTaskLimitIsCountedWhereTheTaskIsAdded() throws Exception {
        withModel(Map.of("text", "好的", "name", "寻找灯塔", "summary", "去海边", "opening", "出发吧"), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            // While the model drafts the task, another one is added (another instance, say): the limit of 1 is reached.
            whileThinking = r -> sql("insert into personal_tasks(player_id, name, summary, opening, npc, persona, stages, created_at) "
                    + "select id, '别处的任务', 's', 'o', 'n', 'p', '[]', 0 from players where name = 'Wren'");
            var reply = api.call("/task_request", "role", "Wren", "text", "我想去海边");
            assertEquals(409, reply.code());
            assertEquals(1, api.call("/task_info_personal", "role", "Wren").get("task_list").size());
        }, "tasks.max_open_personal=1");
    }

    @Test
    void atTheLimitTheModelIsNotEvenAsked() throws Exception {
        withModel(Map.of("text", "好的", "name", "寻找灯塔", "summary", "去海边", "opening", "出发吧"), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            assertEquals(200, api.call("/task_request", "role", "Wren", "text", "我想去海边").code());
            int asked = stub.requests.size();
            assertEquals(409, api.call("/task_request", "role", "Wren", "text", "再来一个").code());
            assertEquals(asked, stub.requests.size(), "refused before the model is asked");
        }, "tasks.max_open_personal=1");
    }

    @Test
    void aTurnWhoseStageMovedMeanwhileIsRefusedAndGrantsNothing() throws Exception {
        withModel(Map.of("text", "你走上前去", "speaker", "老苏", "stage_done", true), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            api.call("/select", "role", "Wren", "task_name", "迷雾灯塔");
            whileThinking = r -> sql("update task_progress set turns_in_stage = turns_in_stage + 1 where task_key = 'c:迷雾灯塔'");
            var turn = api.call("/feedback", "role", "Wren", "text", "我去找灯油", "roles", List.of());
            assertEquals(409, turn.code());
            assertEquals(0, sql("select stage from task_progress where task_key = 'c:迷雾灯塔'"), "the stage did not advance");
            assertEquals(0, sql("select count(*) from turns"), "no turn was recorded");
        });
    }

    @Test
    void progressRecordsItsTimeInMilliseconds() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            long before = System.currentTimeMillis();
            api.call("/select", "role", "Wren", "task_name", "迷雾灯塔");
            api.call("/feedback", "role", "Wren", "text", "我四处看看", "roles", List.of());
            long at = sql("select updated_at from task_progress where task_key = 'c:迷雾灯塔'");
            assertTrue(at >= before && at <= System.currentTimeMillis(), "updated_at " + at + " is a time in ms");
        });
    }

    @Test
    void aPackRewardWithoutItemsStillEndsItsTask() throws Exception {
        String pack = Files.readString(Path.of("src/main/resources/content/zh.json")).replaceAll(",\\s*\"items\":\\s*\\[[^\\]]*\\]\\s*}", "}");
        Path file = dir.resolve("pack.json");
        Files.writeString(file, pack);
        assertTrue(pack.contains("\"reward\": {\"exp\": 60, \"matter\": 20}"), "the rewards lost their items");
        JavalinTest.test(App.create(TestConfig.of(dir, "game.content_pack=" + file, "tasks.max_turns_per_stage=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wren");
            api.call("/select", "role", "Wren", "task_name", "迷雾灯塔");
            Api.Reply last = null;
            for (int i = 0; i < 6 && (last == null || !last.get("status").asBoolean()); i++) {
                last = api.call("/feedback", "role", "Wren", "text", "我继续前进", "roles", List.of());
                assertEquals(200, last.code(), last.raw());
            }
            assertTrue(last.get("status").asBoolean(), "the task ended");
            assertTrue(last.get("reward").has("经验"));
        });
    }
}
