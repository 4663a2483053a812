package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model turns under real conditions (SPEC §10): a hung server, a failing one, many turns at once, dropped connections. */
class ModelTurnsTest {
    @TempDir
    Path dir;
    ModelStub stub;

    @AfterEach
    void stop() {
        if (stub != null) stub.close();
    }

    private void play(Function<JsonNode, MockResponse> reply, io.javalin.testtools.TestCase test, String... sets) throws Exception {
        stub = new ModelStub(reply);
        var all = new ArrayList<>(List.of("narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k",
                "narrator.timeout_seconds=30", "narrator.max_retries=0"));
        all.addAll(List.of(sets));
        JavalinTest.test(App.create(TestConfig.of(dir, all.toArray(String[]::new))), test);
    }

    private static final MockResponse HUNG = new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();

    private static boolean offline(Api.Reply greeting) {
        return greeting.text("text").contains("迷雾灯塔") && !greeting.text("text").equals("模型");
    }

    @Test
    void aHungModelIsCutOffAtTheTurnsDeadlineAndTheOfflineNarratorAnswers() throws Exception {
        play(r -> HUNG, (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var reply = api.call("/main", "role", "Ash", "text", "");
            assertEquals(200, reply.code());
            assertTrue(offline(reply), reply.raw());
            assertEquals(1, stub.requests.size(), "one try, cut off by the deadline");
        }, "narrator.turn_deadline_seconds=1");
    }

    @Test
    void threeFailedTurnsOpenTheBreakerThenAProbeClosesIt() throws Exception {
        var healthy = new java.util.concurrent.atomic.AtomicBoolean(false);
        play(r -> healthy.get() ? ModelStub.json(Map.of("text", "模型")) : ModelStub.status(500), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            for (int i = 0; i < Breaker.FAILURES_TO_OPEN; i++) assertTrue(offline(api.call("/main", "role", "Ash", "text", "")));
            assertEquals(3, stub.requests.size());
            assertEquals("openai (down)", api.call("/health").text("narrator"));
            assertTrue(offline(api.call("/main", "role", "Ash", "text", "")), "answered offline at once");
            assertEquals(3, stub.requests.size(), "no call while the breaker is open");
            healthy.set(true);
            Api.Reply back = null;
            for (int i = 0; i < 50; i++) {
                back = api.call("/main", "role", "Ash", "text", "");
                if (back.text("text").equals("模型")) break;
                Thread.sleep(100);
            }
            assertEquals("模型", back.text("text"), "the probe found the model back");
            assertEquals("openai", api.call("/health").text("narrator"));
        }, "narrator.retry_down_seconds=1");
    }

    @Test
    void callsBeyondTheLimitWaitTheirTurn() throws Exception {
        var release = new CountDownLatch(1);
        var inFlight = new AtomicInteger();
        var most = new AtomicInteger();
        play(r -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return ModelStub.json(Map.of("text", "模型"));
        }, (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(5);
            var turns = new ArrayList<Future<Api.Reply>>();
            for (int i = 0; i < 5; i++) {
                String name = "P" + i;
                api.signup(name);
                turns.add(pool.submit(() -> api.call("/main", "role", name, "text", "你好")));
            }
            for (int i = 0; i < 100 && stub.requests.size() < 2; i++) Thread.sleep(20);
            Thread.sleep(300); // give a third call every chance to start, were it allowed to
            assertEquals(2, stub.requests.size(), "two calls in flight, three queued");
            release.countDown();
            for (var t : turns) assertEquals("模型", t.get(20, TimeUnit.SECONDS).text("text"));
            assertEquals(5, stub.requests.size());
            assertEquals(2, most.get());
            pool.shutdown();
        }, "narrator.max_concurrent_calls=2");
    }

    @Test
    void aServerThatClosesEachConnectionCostsNoTurn() throws Exception {
        play(r -> new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(taleweaver.web.Json.text(Map.of("choices", List.of(Map.of("message", Map.of("content", "{\"text\":\"模型\"}"))))))
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build(), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            for (int i = 0; i < 4; i++) assertEquals("模型", api.call("/main", "role", "Ash", "text", "你好").text("text"), "turn " + i);
            assertEquals("openai", api.call("/health").text("narrator"));
        });
    }

    @Test
    void aWaitingChallengeOutlivesTheReadTimeout() throws Exception {
        play(r -> ModelStub.json(Map.of("text", "模型")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            var reply = api.call("/challenge", "role1", "Ash", "role2", "Oak", "wait", 2);
            assertEquals("pending", reply.text("state"), reply.raw());
            assertFalse(reply.get("status").asBoolean());
        }, "server.read_timeout_seconds=1");
    }
}
