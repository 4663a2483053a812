package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportTest {
    @TempDir
    Path dir;

    @Test
    void everyRouteAnswersGetAndPostWithABodyWhateverTheContentType() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            byte[] body = "{\"role\":\"Ann\"}".getBytes(StandardCharsets.UTF_8);
            for (String method : List.of("GET", "POST")) {
                for (String type : List.of("application/json", "text/plain", "application/x-www-form-urlencoded")) {
                    var r = api.send(method, "/status", body, Map.of("Content-Type", type));
                    assertEquals(200, r.http(), method + " " + type);
                    assertTrue(r.body().has("attribute"));
                    assertTrue(r.headers().get("content-type").get(0).replace(" ", "").equalsIgnoreCase("application/json;charset=utf-8"));
                }
            }
        });
    }

    @Test
    void repeatedSlashesAndOneTrailingSlashAreTheSameRoute() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            for (String path : List.of("//status", "/status/", "//status/", "///status")) {
                var r = api.call(path, "role", "Ann");
                assertEquals(200, r.http(), path);
                assertEquals(1, r.get("stats").path("level").asInt(), path);
            }
        });
    }

    @Test
    void malformedRequestsGetJsonErrorsAndChangeNothing() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            var before = api.call("/status", "role", "Ann").body();
            record Case(String path, byte[] body, int http) {}
            var cases = List.of(
                    new Case("/login", "{not json".getBytes(), 400),
                    new Case("/login", "[1,2]".getBytes(), 400),
                    new Case("/login", "\"text\"".getBytes(), 400),
                    new Case("/merge", "{\"role\":\"Ann\",\"mode\":1,\"num\":\"ten\",\"des\":\"d\"}".getBytes(), 400),
                    new Case("/merge", "{\"role\":\"Ann\",\"mode\":1,\"num\":10.5,\"des\":\"d\"}".getBytes(), 400),
                    new Case("/merge", "{\"role\":\"Ann\",\"mode\":1,\"num\":10}".getBytes(), 200),
                    new Case("/feedback", "{\"role\":\"Ann\",\"text\":\"x\",\"items\":\"sword\"}".getBytes(), 400),
                    new Case("/feedback", "{\"role\":\"Ann\",\"text\":5}".getBytes(), 400),
                    new Case("/party_act", ("{\"role\":\"Ann\",\"text\":\"x\",\"skills\":[" + String.join(",",
                            java.util.Collections.nCopies(17, "\"Spark\"")) + "]}").getBytes(), 400), // lists hold 16 entries at most
                    new Case("/feedback", ("{\"role\":\"Ann\",\"text\":\"x\",\"items\":[\"" + "s".repeat(257) + "\"]}").getBytes(), 400),
                    new Case("/main", ("{\"role\":\"Ann\",\"text\":\"" + "x".repeat(2001) + "\"}").getBytes(), 400),
                    new Case("/merge", ("{\"role\":\"Ann\",\"mode\":1,\"num\":1,\"des\":\"" + "d".repeat(201) + "\"}").getBytes(), 400),
                    new Case("/status", new byte[]{'{', '"', 'r', 'o', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, 400),
                    new Case("/status", "{\"role\":\"Ann\",\"role\":\"Bob\"}".getBytes(), 400),
                    new Case("/no_such_route", "{}".getBytes(), 404));
            for (Case c : cases) {
                var r = api.send("GET", c.path(), c.body(), Map.of());
                if (c.http() == 200) {
                    assertEquals(200, r.http(), c.path());
                    continue;
                }
                assertEquals(c.http(), r.http(), c.path() + " " + new String(c.body(), StandardCharsets.UTF_8).substring(0, Math.min(40, c.body().length)));
                assertEquals(c.http(), r.code());
                assertTrue(r.body().has("error") && r.body().has("message"), r.raw());
                assertFalse(r.raw().contains("Exception"), r.raw());
                assertTrue(r.raw().strip().endsWith("}"), "the body is the JSON object alone: " + r.raw());
            }
            var huge = api.call("/merge", "role", "Ann", "mode", 1, "num", 1e10, "des", "d"); // whole, but more than a field holds
            assertEquals(400, huge.http());
            assertEquals("wrong_type", huge.text("error"), huge.raw());
            var after = api.call("/status", "role", "Ann").body();
            assertEquals(before.path("stats").path("energy"), after.path("stats").path("energy"));
            assertEquals(before.path("stats").path("matter").asInt() - 10, after.path("stats").path("matter").asInt(), "only the valid merge spent matter");
        });
    }

    @Test
    void bodiesOverTheLimitGet413AndTheServerCarriesOn() {
        JavalinTest.test(App.create(TestConfig.of(dir, "server.max_body_bytes=4096")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var r = api.send("POST", "/login", ("{\"email\":\"a@b.c\",\"password\":\"" + "x".repeat(10_000) + "\"}").getBytes(), Map.of());
            assertEquals(413, r.http());
            assertEquals("body_too_large", r.text("error"));
            assertEquals(200, api.call("/health").http());
            // at the edge: exactly the limit is read, one byte more is not, with a length and in chunks alike
            String start = "{\"email\":\"a@b.c\",\"password\":\"x\",\"ip\":\"127.0.0.1:9\"}";
            byte[] exact = (start + " ".repeat(4096 - start.length())).getBytes(StandardCharsets.UTF_8);
            byte[] over = (start + " ".repeat(4097 - start.length())).getBytes(StandardCharsets.UTF_8);
            assertEquals(200, api.send("POST", "/login", exact, Map.of()).http());
            assertEquals(413, api.send("POST", "/login", over, Map.of()).http());
            var http = HttpClient.newHttpClient();
            for (byte[] body : List.of(exact, over)) {
                var chunked = HttpRequest.newBuilder(URI.create(client.getOrigin() + "/login"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
                assertEquals(body == exact ? 200 : 413, http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode(), "in chunks");
            }
        });
    }

    @Test
    void hostileStringsAreOnlyData() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String name : List.of("Robert'); DROP TABLE players;--", "<script>x</script>", "名".repeat(40), "\u0000zero", "a\nb", "‮evil")) {
                var r = api.call("/signup", "email", "h@example.org", "username", name, "password", "x", "ip", "127.0.0.1:9");
                assertEquals(200, r.http());
                assertNotEquals(200, r.code(), name);
            }
            api.signup("Still");
            var r = api.call("/main", "role", "Still", "text", "'; DELETE FROM characters; -- \u0007\u001b[31m");
            assertEquals(200, r.http());
            assertEquals(1, api.call("/status", "role", "Still").get("stats").path("level").asInt());
        });
    }

    @Test
    void aFloodOfOddRequestsNeverGets500() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Fuzz");
            var random = new java.util.Random(42);
            List<String> routes = List.of("/signup", "/login", "/logout", "/legal", "/status", "/bag", "/skill", "/time", "/main",
                    "/task_info", "/task_request", "/task_info_personal", "/select", "/select_personal", "/feedback", "/merge",
                    "/others", "/get_list", "/refrash", "/challenge", "/accept_challenge", "/reject_challenge", "/accept_c", "/battle");
            List<Object> values = List.of(1, -1, 0, 3.5, true, "", "Fuzz", "x".repeat(300), List.of(), List.of(1, 2), Map.of("a", 1),
                    1e308, Long.MAX_VALUE);
            List<String> fields = List.of("role", "role1", "role2", "id", "text", "items", "skills", "roles", "mode", "num", "des",
                    "content", "email", "password", "ip", "task_name", "info", "wait", "status", "images", "battle_id", "action");
            for (int i = 0; i < 400; i++) {
                var body = new java.util.LinkedHashMap<String, Object>();
                body.put("role", "Fuzz");
                for (int f = random.nextInt(6); f > 0; f--) body.put(fields.get(random.nextInt(fields.size())), values.get(random.nextInt(values.size())));
                var r = api.send(random.nextBoolean() ? "GET" : "POST", routes.get(random.nextInt(routes.size())), Json.bytes(body), Map.of());
                assertTrue(r.http() < 500, r.raw());
                assertTrue(r.body().has("status_code"), r.raw());
            }
        });
    }

    @Test
    void aBodyInChunksIsReadWholeAndALargeReplyIsGzippedForAClientThatTakesIt() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            var http = HttpClient.newHttpClient();
            // no Content-Length: the body arrives in chunks of unknown total
            byte[] body = "{\"role\":\"Ann\"}".getBytes(StandardCharsets.UTF_8);
            var chunked = HttpRequest.newBuilder(URI.create(client.getOrigin() + "/status"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
            var r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(1, Json.parse(r.body()).path("stats").path("level").asInt(), r.body());

            String task = api.call("/task_info", "role", "Ann").get("task_list").get(0).asText();
            var gz = HttpRequest.newBuilder(URI.create(client.getOrigin() + "/select")).header("Accept-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(Api.body("role", "Ann", "task_name", task)))).build();
            var zipped = http.send(gz, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(List.of("gzip"), zipped.headers().allValues("content-encoding"));
            String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(unzipped.length() > 1500, "a reply long enough to be compressed: " + unzipped.length());
            var selected = Json.parse(unzipped);
            assertEquals(200, selected.path("status_code").asInt(), unzipped);
            assertTrue(selected.path("image_data").asText().length() > 1000);
            // a short reply is sent as it is, with its length
            var small = http.send(HttpRequest.newBuilder(URI.create(client.getOrigin() + "/health")).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(small.headers().firstValue("content-encoding").isEmpty());
            assertEquals(String.valueOf(small.body().getBytes(StandardCharsets.UTF_8).length), small.headers().firstValue("content-length").orElse("none"));
        });
    }
    @Test
    void aReplyIsItsStatusCodeFollowedByTheValuesFieldsAndNothingElse() {
        assertEquals("{\"status_code\":200}", new String(Routes.withStatusCode(null), StandardCharsets.UTF_8));
        assertEquals("{\"status_code\":200}", new String(Routes.withStatusCode(Json.bytes(new Done())), StandardCharsets.UTF_8));
        record Fields(String oneWord, List<Integer> some) {}
        assertEquals("{\"status_code\":200,\"one_word\":\"é\",\"some\":[1]}",
                new String(Routes.withStatusCode(Json.bytes(new Fields("é", List.of(1)))), StandardCharsets.UTF_8));
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            var status = api.call("/status", "role", "Ann");
            assertTrue(status.raw().startsWith("{\"status_code\":200,\"attribute\":{"), status.raw());
            assertEquals("{\"status_code\":200}", api.call("/logout", "role", "Ann").raw());
        });
    }
}
