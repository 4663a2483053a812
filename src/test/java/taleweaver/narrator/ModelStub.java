package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import taleweaver.web.Json;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A MockWebServer that answers chat completions with whatever {@code reply} makes of the request's last message. */
public final class ModelStub implements AutoCloseable {
    public final MockWebServer server = new MockWebServer();
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    public ModelStub(Function<JsonNode, MockResponse> reply) throws java.io.IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                JsonNode body = Json.parse(request.getBody() == null ? "{}" : request.getBody().utf8());
                ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_path", request.getTarget())
                        .put("_auth", String.valueOf(request.getHeaders().get("Authorization")));
                requests.add(body);
                return reply.apply(body);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return server.url("/v1").toString();
    }

    /** A chat completion whose message content is {@code content}. */
    public static MockResponse completion(String content, int tokens) {
        var body = Map.of("id", "c1", "object", "chat.completion", "choices",
                List.of(Map.of("index", 0, "finish_reason", "stop", "message", Map.of("role", "assistant", "content", content))),
                "usage", Map.of("prompt_tokens", tokens - 10, "completion_tokens", 10, "total_tokens", tokens));
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(Json.text(body)).build();
    }

    /** A streamed chat completion's body whose content is {@code content}, cut into pieces of {@code size} characters. */
    public static String sse(String content, int size, boolean finish) {
        var out = new StringBuilder();
        for (int i = 0; i < content.length(); ) {
            int end = Math.min(content.length(), i + size);
            if (end < content.length() && Character.isHighSurrogate(content.charAt(end - 1))) end++; // whole characters, as servers send
            String piece = content.substring(i, end);
            i = end;
            out.append("data: ").append(Json.text(Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece)))))).append("\n\n");
        }
        if (finish) out.append("data: [DONE]\n\n");
        return out.toString();
    }

    public static MockResponse json(Object object) {
        return completion(Json.text(object), 60);
    }

    public static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("{\"error\":{\"message\":\"nope\"}}").build();
    }

    /** The player's words in the last user message of a request (after the scene's state). */
    public static String lastUser(JsonNode request) {
        JsonNode messages = request.path("messages");
        String last = messages.get(messages.size() - 1).path("content").asText();
        int says = last.lastIndexOf(Prompts.PLAYER_SAYS);
        return says < 0 ? last : last.substring(says + Prompts.PLAYER_SAYS.length());
    }

    public void close() {
        server.close();
    }
}
