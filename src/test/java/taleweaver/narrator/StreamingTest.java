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
import taleweaver.web.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streamed replies (SPEC §11): the model's text passed on as it is written, as server-sent events. */
class StreamingTest {
    @TempDir
    Path dir;
    ModelStub stub;

    @AfterEach
    void stop() {
        if (stub != null) stub.close();
    }

    // ---------------------------------------------------------------- the text field, piece by piece

    private static String pulled(String... pieces) {
        var out = new StringBuilder();
        var field = new TextField(piece -> {
            assertFalse(piece.isEmpty());
            assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "no piece ends in half a character");
            out.append(piece);
        });
        for (String p : pieces) field.feed(p);
        return out.toString();
    }

    @Test
    void theTextFieldIsPulledOutAsItGrows() {
        assertEquals("你好\n\"世界\"世 🐉 end", pulled("{\"speaker\":\"老苏\",\"te", "xt\":\"你好\\", "n\\\"世", "界\\\"\\u4e", "16 \\ud83d", "\\udc09 end\",\"stage_done\":true}"));
        assertEquals("🐉!", pulled("{\"text\":\"", "🐉".substring(0, 1), "🐉".substring(1), "!\"}"));
        assertEquals("hi", pulled("<think>the player wants {\"text\": no}</think>\n", "```json\n{\"text\":\"hi\"}\n```"));
        assertEquals("hi", pulled("{\"subtext\":\"no\",\"nested\":{\"text\":\"no\"},\"list\":[\"text\"],\"text\":\"hi\"}"));
        assertEquals("Once upon a time", pulled("Once upon", " a time"));
        assertEquals("", pulled("{\"speaker\":\"x\"}"));
    }

    // ---------------------------------------------------------------- over HTTP

    static MockResponse streamed(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").chunkedBody(body, 7).build();
    }

    record Event(String name, JsonNode data) {}

    static List<Event> events(String raw) {
        var events = new ArrayList<Event>();
        for (String block : raw.split("\n\n")) {
            if (block.isBlank()) continue;
            String name = null, data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) name = line.substring(7);
                if (line.startsWith("data: ")) data = line.substring(6);
            }
            events.add(new Event(name, Json.parse(data)));
        }
        return events;
    }

    private Api.Reply ask(Api api, String path, Object... kv) {
        return api.send("POST", path, Json.bytes(Api.body(kv)), Map.of("Accept", "text/event-stream"));
    }

    private void play(Function<JsonNode, MockResponse> reply, io.javalin.testtools.TestCase test) throws Exception {
        play(reply, test, "narrator.max_retries=0");
    }

    private void play(Function<JsonNode, MockResponse> reply, io.javalin.testtools.TestCase test, String... sets) throws Exception {
        stub = new ModelStub(reply);
        var all = new ArrayList<>(List.of("narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k"));
        all.addAll(List.of(sets));
        JavalinTest.test(App.create(TestConfig.of(dir, all.toArray(String[]::new))), test);
    }

    @Test
    void aRetryAfterAStreamCutHalfwaySendsOnlyTheWordsNotYetSent() throws Exception {
        String content = "{\"text\": \"The lantern flickers as the fog rolls in over the harbour.\"}";
        var tries = new java.util.concurrent.atomic.AtomicInteger();
        play(r -> tries.getAndIncrement() == 0
                ? new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").body(ModelStub.sse(content.substring(0, 30), 4, false))
                        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build()
                : streamed(ModelStub.sse(content, 5, true)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var events = events(ask(api, "/main", "role", "Ash", "text", "hello").raw());
            String joined = String.join("", events.stream().filter(e -> e.name().equals("delta")).map(e -> e.data().path("text").asText()).toList());
            Event done = events.get(events.size() - 1);
            assertEquals("The lantern flickers as the fog rolls in over the harbour.", done.data().path("text").asText());
            assertEquals(done.data().path("text").asText(), joined, "each word once, though the stream was tried twice");
            assertEquals(2, stub.requests.size());
        }, "narrator.max_retries=1");
    }

    @Test
    void aReplyOfManyMegabytesEndsItsTryAndTheOfflineNarratorAnswersAtOnce() throws Exception {
        String huge = "{\"text\": \"" + "A".repeat(6 << 20) + "\"}";
        play(r -> r.path("stream").asBoolean()
                ? streamed(ModelStub.sse(huge, 64 << 10, true))
                : ModelStub.json(Map.of("text", huge)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var plain = api.call("/main", "role", "Ash", "text", "hello");
            assertEquals(200, plain.code());
            assertFalse(plain.text("text").contains("AAAA"), "not the model's reply");
            var streamedReply = events(ask(api, "/main", "role", "Ash", "text", "hello").raw());
            assertFalse(streamedReply.get(streamedReply.size() - 1).data().path("text").asText().contains("AAAA"));
            assertEquals(2, stub.requests.size(), "a reply too large is not asked for again");
        }, "narrator.max_retries=2");
    }

    @Test
    void aModelsReplyArrivesAsDeltasThenOneDone() throws Exception {
        String content = "{\"text\": \"雾气里，老苏\\\"笑\\\"了：欢迎，旅人 🐉。\", \"take_task\": null}";
        play(r -> r.path("stream").asBoolean() ? streamed(ModelStub.sse(content, 3, true))
                : ModelStub.json(Map.of("text", "雾气里，老苏\"笑\"了：欢迎，旅人 🐉。")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var reply = ask(api, "/main", "role", "Ash", "text", "你好");
            assertEquals(200, reply.http());
            assertTrue(reply.headers().get("content-type").get(0).startsWith("text/event-stream"));
            var events = events(reply.raw());
            var deltas = events.stream().filter(e -> e.name().equals("delta")).toList();
            assertTrue(deltas.size() > 3, "the text came in pieces: " + deltas.size());
            String joined = String.join("", deltas.stream().map(e -> e.data().path("text").asText()).toList());
            Event done = events.get(events.size() - 1);
            assertEquals("done", done.name());
            assertEquals(1, events.stream().filter(e -> e.name().equals("done")).count());
            assertEquals("雾气里，老苏\"笑\"了：欢迎，旅人 🐉。", done.data().path("text").asText());
            assertEquals(joined, done.data().path("text").asText());
            assertTrue(stub.requests.get(0).path("stream").asBoolean());

            var plain = api.call("/main", "role", "Ash", "text", "你好");
            assertEquals("雾气里，老苏\"笑\"了：欢迎，旅人 🐉。", plain.text("text"), "without the header: the usual JSON");
            assertFalse(stub.requests.get(1).has("stream"));
        });
    }

    @Test
    void aStreamCutOffHalfwayEndsWithTheFallbackInDone() throws Exception {
        String content = "{\"text\": \"这句话说到一半就";
        play(r -> new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").body(ModelStub.sse(content, 4, false))
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build(), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var events = events(ask(api, "/main", "role", "Ash", "text", "").raw());
            Event done = events.get(events.size() - 1);
            assertEquals("done", done.name());
            assertTrue(events.stream().anyMatch(e -> e.name().equals("delta") && e.data().path("text").asText().contains("说到")),
                    "the words streamed before the cut");
            assertTrue(done.data().path("text").asText().contains("迷雾灯塔"), "done carries the offline greeting: " + done.data());
        });
    }

    @Test
    void aServerThatRejectsStreamingIsAskedWithoutItFromThenOn() throws Exception {
        play(r -> r.path("stream").asBoolean()
                ? new MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"stream is not supported\"}}").build()
                : ModelStub.json(Map.of("text", "模型")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var first = events(ask(api, "/main", "role", "Ash", "text", "你好").raw());
            assertEquals(List.of("delta", "done"), first.stream().map(Event::name).toList(), "one delta, then done");
            assertEquals("模型", first.get(0).data().path("text").asText());
            var second = events(ask(api, "/main", "role", "Ash", "text", "再说").raw());
            assertEquals("模型", second.get(1).data().path("text").asText());
            assertEquals(3, stub.requests.size(), "stream, then without; the next turn asks without at once");
            assertFalse(stub.requests.get(2).has("stream"));
        });
    }

    @Test
    void refusalsComeAsALoneDoneAndRequestErrorsAsJson() throws Exception {
        play(r -> ModelStub.json(Map.of("text", "模型")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var refused = events(ask(api, "/feedback", "role", "Ash", "text", "我四处看看").raw());
            assertEquals(1, refused.size());
            assertEquals("done", refused.get(0).name());
            assertEquals(409, refused.get(0).data().path("status_code").asInt());
            var unauthorised = ask(api, "/main", "role", "Nobody", "text", "");
            assertEquals(401, unauthorised.http());
            assertEquals("unauthorized", unauthorised.text("error"));
            var offlineRoute = events(ask(api, "/select", "role", "Ash", "task_name", "迷雾灯塔").raw());
            assertEquals(List.of("delta", "done"), offlineRoute.stream().map(Event::name).toList());
            assertEquals(offlineRoute.get(0).data().path("text").asText(), offlineRoute.get(1).data().path("text").asText());
        });
    }
}
