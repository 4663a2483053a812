package taleweaver.narrator;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import taleweaver.Config;
import taleweaver.web.Json;

import java.io.IOException;
import java.util.List;

/** The HTTP request of one try: {@code POST {base_url}/chat/completions} with the conversation, written straight to bytes. */
final class ChatRequest {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final Config.Narrator config;
    private final okhttp3.HttpUrl url; // parsed once: parsing it for every call showed in the profile
    private final String temperature;

    ChatRequest(Config.Narrator config) {
        this.config = config;
        this.url = okhttp3.HttpUrl.get(config.baseUrl().replaceAll("/+$", "") + "/chat/completions");
        this.temperature = String.valueOf(config.temperature());
    }

    Request build(List<ModelClient.Message> messages, boolean jsonMode, boolean stream) {
        var builder = new Request.Builder().url(url).post(RequestBody.create(body(messages, jsonMode, stream), JSON));
        if (!config.apiKey().isBlank()) builder.header("Authorization", "Bearer " + config.apiKey());
        return builder.build();
    }

    /** The request's JSON, written straight to bytes (a tree of nodes first cost as much again as writing it). */
    private byte[] body(List<ModelClient.Message> messages, boolean jsonMode, boolean stream) {
        var out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(8192);
        try (var g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", config.model());
            g.writeArrayFieldStart("messages");
            for (ModelClient.Message m : messages) {
                g.writeStartObject();
                g.writeStringField("role", m.role());
                g.writeStringField("content", m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName("temperature");
            g.writeNumber(temperature); // the double's text, made once (turning it into text showed in the profile)
            g.writeNumberField("max_tokens", config.maxTokens());
            if (jsonMode) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                g.writeEndObject();
            }
            if (stream) g.writeBooleanField("stream", true);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to memory: not expected
        }
        return out.toByteArray();
    }

}
