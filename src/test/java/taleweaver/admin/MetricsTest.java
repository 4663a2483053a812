package taleweaver.admin;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics (SPEC §13): Prometheus text, to this machine or the admin token, with the figures moving as play goes on. */
class MetricsTest {
    @TempDir
    Path dir;

    private static double value(String text, String series) {
        var m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void theFamiliesAreThereAndMove() {
        JavalinTest.test(App.create(TestConfig.of(dir, "admin.token=" + AdminTest.TOKEN)), (server, client) -> {
            var api = new Api(client.getOrigin());
            String before = api.send("GET", "/metrics", null, Map.of()).raw();
            for (String family : List.of("taleweaver_players_online", "taleweaver_turns_total",
                    "taleweaver_model_tokens_total", "taleweaver_battles_active", "taleweaver_model_calls_seconds_count{outcome=\"ok\"} 0", "taleweaver_waits_parked", "taleweaver_narrator_down",
                    "jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads")) {
                assertTrue(before.contains(family), "missing " + family);
            }
            api.signup("Ann");
            api.signup("Bob");
            api.call("/main", "role", "Ann", "text", "");
            api.call("/status", "role", "Ann");
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            api.call("/accept_challenge", "role", "Bob", "id", id);
            var after = api.send("GET", "/metrics", null, Map.of());
            assertTrue(after.headers().get("content-type").get(0).startsWith("text/plain"));
            String text = after.raw();
            assertEquals(2.0, value(text, "taleweaver_players_online"));
            assertEquals(1.0, value(text, "taleweaver_battles_active"));
            assertEquals(1.0, value(text, "taleweaver_turns_total{narrator=\"offline\"}"));
            assertEquals(0.0, value(text, "taleweaver_narrator_down"));
            assertTrue(text.contains("taleweaver_http_requests_seconds_count{route=\"/status\",status=\"200\"}"), text);
        });
    }

    /** GET /metrics from 127.0.0.2, "another machine". */
    private static String get(int port, String headers) throws java.io.IOException {
        return get(port, "/metrics", headers);
    }

    private static String get(int port, String path, String headers) throws java.io.IOException {
        try (var s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void toAnotherMachineWithoutTheTokenThereIsNoSuchRoute() {
        JavalinTest.test(App.create(TestConfig.of(dir, "admin.token=" + AdminTest.TOKEN)), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            String denied = get(server.port(), "");
            assertTrue(denied.startsWith("HTTP/1.1 404"), denied);
            assertTrue(get(server.port(), "Authorization: Bearer wrong\r\n").startsWith("HTTP/1.1 404"));
            String allowed = get(server.port(), "Authorization: Bearer " + AdminTest.TOKEN + "\r\n");
            assertTrue(allowed.startsWith("HTTP/1.1 200") && allowed.contains("taleweaver_players_online"), allowed);
        });
    }

    @Test
    void tokenGuessesAtMetricsAreLimitedAsAtTheAdminRoutes() {
        JavalinTest.test(App.create(TestConfig.of(dir, "admin.token=" + AdminTest.TOKEN)), (server, client) -> {
            for (int i = 0; i < AdminToken.WRONG_TOKENS_PER_MINUTE + 3; i++) {
                assertTrue(get(server.port(), "Authorization: Bearer wrong" + i + "\r\n").startsWith("HTTP/1.1 404"));
            }
            String right = get(server.port(), "Authorization: Bearer " + AdminTest.TOKEN + "\r\n");
            assertTrue(right.startsWith("HTTP/1.1 404"), "after the guesses even the right token waits: " + right.lines().findFirst().orElse(""));
            // the guesses made here count at /admin/... too
            String admin = get(server.port(), "/admin/players", "Authorization: Bearer " + AdminTest.TOKEN + "\r\n");
            assertTrue(admin.startsWith("HTTP/1.1 429"), admin.lines().findFirst().orElse(""));
        });
    }
}
