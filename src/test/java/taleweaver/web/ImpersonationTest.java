package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §2: a request naming a player is theirs only with their token (auth.mode token). Every route of the route table
 * but the four open ones (the host's included, which a player's token does not open: 401, then 429 as wrong tries mount), sent naming Bob with Ann's token — and with none — is refused 401 and changes nothing of
 * Bob's: his sheet, his session, his challenge, his party (none).
 */
class ImpersonationTest {
    private static final List<String> OPEN = List.of("/signup", "/login", "/legal", "/health");

    @TempDir
    Path dir;

    @Test
    void everyRouteNamingAPlayerRefusesAnyoneElse() throws Exception {
        var routes = OpenApiTest.routeTable();
        routes.removeAll(OPEN);
        assertTrue(routes.contains("/party_act") && routes.contains("/accept_c") && routes.size() > 40, routes.toString());
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.mode=token", "game.language=en", "admin.token=host-secret-0123456789abcdef0123456789")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String ann = api.signup("Ann"), bob = api.signup("Bob");
            var asAnn = Map.of("Authorization", "Bearer " + ann);
            var asBob = Map.of("Authorization", "Bearer " + bob);
            String challenge = api.post("/challenge", Api.body("role1", "Ann", "role2", "Bob", "wait", 0), asAnn).text("id");
            String code = api.post("/party_create", Api.body("role", "Ann"), asAnn).text("code");
            String sheet = api.post("/status", Api.body("role", "Bob"), asBob).raw();
            var body = Api.body("role", "Bob", "role1", "Bob", "role2", "Ann", "id", challenge, "text", "I take it all", "task_name", "The Flooded Well",
                    "name", "Ann", "code", code, "mode", 1, "num", 1, "des", "a lamp", "items", List.of(), "skills", List.of(), "roles", List.of(),
                    "info", "a merchant", "ready", true, "after", 0, "wait", 0, "ip", "127.0.0.1:9", "limit", 5);
            var let = new ArrayList<String>();
            for (String route : routes) {
                for (var headers : List.of(asAnn, Map.<String, String>of())) {
                    var r = api.post(route, body, headers);
                    boolean refused = r.http() == 401 || route.startsWith("/admin/") && r.http() == 429; // wrong admin tokens are counted
                    if (!refused) let.add(route + (headers.isEmpty() ? " (no token)" : " (Ann's token)") + ": " + r.http() + " " + r.raw());
                }
            }
            assertEquals(List.of(), let, "refused 401");
            assertEquals(sheet, api.post("/status", Api.body("role", "Bob"), asBob).raw(), "Bob's sheet as it was, his session alive");
            assertEquals(404, api.post("/party_status", Api.body("role", "Bob"), asBob).code(), "in no party");
            assertTrue(api.post("/refrash", Api.body("role", "Bob"), asBob).raw().contains(challenge), "Ann's challenge still waits for him");
        });
    }
}
