package taleweaver;

import com.fasterxml.jackson.databind.JsonNode;
import taleweaver.web.Json;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A client of the protocol as existing clients speak it: GET with a JSON body, md5-hashed passwords. */
public final class Api {
    public record Reply(int http, JsonNode body, String raw, Map<String, java.util.List<String>> headers) {
        public int code() { return body.path("status_code").asInt(-1); }
        public String text(String field) { return body.path(field).asText(null); }
        public JsonNode get(String field) { return body.path(field); }
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(String base) {
        this.base = base;
    }

    public String base() { return base; }

    public static Map<String, Object> body(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    public Reply call(String path, Object... kv) {
        return send("GET", path, Json.bytes(body(kv)), Map.of());
    }

    public Reply post(String path, Map<String, Object> body, Map<String, String> headers) {
        return send("POST", path, Json.bytes(body), headers);
    }

    public Reply send(String method, String path, byte[] raw, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .method(method, raw == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(raw));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode node;
            try {
                node = Json.parse(r.body());
            } catch (RuntimeException e) {
                node = Json.MAPPER.createObjectNode();
            }
            return new Reply(r.statusCode(), node, r.body(), r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String md5(String s) {
        try {
            return String.format("%032x", new BigInteger(1, MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String email(String name) {
        return "u" + md5(name).substring(0, 12) + "@example.org";
    }

    /** Signs {@code name} up (password "pw-" + name) and returns the session token. */
    /** One of {@code role}'s stats, as {@code /status} gives it under its stable key ({@code energy}, {@code exp}…). */
    public int stat(String role, String key) {
        return call("/status", "role", role).get("stats").path(key).asInt();
    }

    public String signup(String name) {
        return signup(name, "127.0.0.1:9");
    }

    public String signup(String name, String ip) {
        Reply r = call("/signup", "email", email(name), "username", name, "password", md5("pw-" + name), "ip", ip);
        if (r.http() != 200 || r.code() != 200) throw new AssertionError("signup " + name + ": " + r.raw());
        return r.text("token");
    }
}
