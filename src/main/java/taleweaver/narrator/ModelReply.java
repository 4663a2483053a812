package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import taleweaver.web.Json;

import java.io.IOException;
import java.util.List;

/**
 * Reading a model's successful reply: streamed (SPEC §11, its text passed on as it is written) or whole, bounded
 * either way ({@link ReplyBody}); what it said and the tokens the exchange used.
 */
record ModelReply(String content, int tokens) {

    static ModelReply read(Response response, boolean stream, UnsentText onText, List<ModelClient.Message> messages) throws IOException {
        String content;
        JsonNode usage;
        String type = String.valueOf(response.header("Content-Type"));
        if (stream && type.startsWith("text/event-stream")) {
            onText.newTry();
            ChatStream.Read read = ChatStream.read(ReplyBody.bounded(response.body()), onText);
            content = read.content();
            usage = read.usage();
        } else {
            JsonNode body = Json.parse(ReplyBody.bytes(response.body())); // from bytes: no string of the whole reply first
            content = content(body.path("choices").path(0).path("message").path("content"));
            usage = body.path("usage");
        }
        return new ModelReply(content, tokens(usage, messages, content));
    }

    /** The start of an error reply's body, to see what the server says it refuses. */
    static String errorText(Response response) {
        try {
            return response.peekBody(4096).string();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Content is a string, or (some servers) a list of parts with text. */
    private static String content(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            var out = new StringBuilder();
            for (JsonNode part : node) out.append(part.path("text").asText(""));
            return out.toString();
        }
        return null;
    }

    /** The server's count, or an estimate from the characters sent and received when it gives none. */
    private static int tokens(JsonNode usage, List<ModelClient.Message> messages, String content) {
        if (usage != null && usage.path("total_tokens").canConvertToInt() && usage.path("total_tokens").asInt() > 0) {
            return usage.path("total_tokens").asInt();
        }
        int chars = content == null ? 0 : content.length();
        for (ModelClient.Message m : messages) chars += m.content().length();
        return Prompts.estimateTokens(chars);
    }
}
