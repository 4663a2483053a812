package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import okio.BufferedSource;
import taleweaver.web.Json;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A streamed chat completion ({@code stream: true}): server-sent events whose {@code choices[0].delta.content} pieces
 * make the reply. Each piece goes to {@code onText} through a {@link TextField} as it arrives; the whole content is
 * returned at the end ({@code [DONE]} or the end of the body). A stream cut off halfway is an IOException.
 */
final class ChatStream {
    record Read(String content, JsonNode usage) {}

    private ChatStream() {}

    static Read read(BufferedSource source, Consumer<String> onText) throws IOException {
        var content = new StringBuilder();
        var text = new TextField(onText);
        JsonNode usage = null;
        boolean done = false;
        for (String line; (line = source.readUtf8Line()) != null; ) {
            if (!line.startsWith("data:")) continue;
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            JsonNode chunk = Json.parse(data);
            if (chunk.path("usage").isObject()) usage = chunk.path("usage");
            JsonNode delta = chunk.path("choices").path(0).path("delta").path("content");
            String piece = delta.isTextual() ? delta.asText() : partsText(delta);
            if (piece.isEmpty()) continue;
            content.append(piece);
            text.feed(piece);
            if (!chunk.path("choices").path(0).path("finish_reason").isMissingNode()
                    && !chunk.path("choices").path(0).path("finish_reason").isNull()) done = true;
        }
        if (!done) throw new IOException("the stream broke off");
        return new Read(content.toString(), usage);
    }

    private static String partsText(JsonNode parts) {
        if (!parts.isArray()) return "";
        var out = new StringBuilder();
        for (JsonNode part : parts) out.append(part.path("text").asText(""));
        return out.toString();
    }
}
