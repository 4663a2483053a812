package taleweaver.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /openapi.json (SPEC §13): every route of the route table is described, and the server's real replies validate. */
class OpenApiTest {
    static final String ADMIN = "openapi-admin-token-123456";

    @TempDir
    Path dir;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final List<String> problems = new ArrayList<>();
    private final java.util.Set<String> checked = new TreeSet<>();
    private JsonNode document;

    private void check(String path, Api.Reply reply) {
        JsonNode schema = document.path("paths").path(path).path("post").path("responses").path(String.valueOf(reply.http()))
                .path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            problems.add(path + ": no schema for HTTP " + reply.http());
            return;
        }
        Schema s = registry.getSchema(schema.toString(), InputFormat.JSON);
        var errors = s.validate(reply.raw(), InputFormat.JSON);
        if (!errors.isEmpty()) problems.add(path + " " + reply.raw().substring(0, Math.min(160, reply.raw().length())) + " -> " + errors);
        checked.add(path);
    }

    private Api.Reply call(Api api, String path, Object... kv) {
        var r = api.call(path, kv);
        check(path, r);
        return r;
    }

    private Api.Reply admin(Api api, String path, Object... kv) {
        var r = api.post(path, Api.body(kv), Map.of("Authorization", "Bearer " + ADMIN));
        check(path, r);
        return r;
    }

    /** Every path of the route table ({@code Routes}), as its source names them. */
    static TreeSet<String> routeTable() throws java.io.IOException {
        var routes = new TreeSet<String>();
        var table = Pattern.compile("r\\.(?:on|streamed)\\(\"([^\"]+)\"").matcher(Files.readString(Path.of("src/main/java/taleweaver/web/Routes.java")));
        while (table.find()) routes.add(table.group(1));
        return routes;
    }

    @Test
    void everyRouteIsDescribedAndTheRealRepliesValidate() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "admin.token=" + ADMIN, "tasks.max_turns_per_stage=1", "battle.max_rounds=1")),
                (server, client) -> {
            var api = new Api(client.getOrigin());
            var served = api.send("GET", "/openapi.json", null, Map.of());
            assertEquals(200, served.http());
            document = served.body();
            assertEquals("3.1.0", document.path("openapi").asText());

            for (String route : routeTable()) assertTrue(document.path("paths").has(route), "undescribed route " + route);

            call(api, "/health");
            call(api, "/legal", "mode", 0, "content", "林风");
            call(api, "/legal", "mode", 0, "content", "系统");
            call(api, "/signup", "email", "a@x.org", "username", "Ann", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            call(api, "/signup", "email", "b@x.org", "username", "Ann", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            call(api, "/signup", "email", "b@x.org", "username", "Bob", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            call(api, "/login", "email", "a@x.org", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            call(api, "/login", "email", "a@x.org", "password", Api.md5("wrong"), "ip", "127.0.0.1:9");
            call(api, "/login", "email", "nobody@x.org", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            for (String p : List.of("/status", "/bag", "/skill", "/time", "/task_info", "/task_info_personal", "/get_list", "/refrash", "/refresh")) {
                call(api, p.equals("/refresh") ? "/refrash" : p, "role", "Ann");
            }
            call(api, "/get_list", "role", "Ann", "images", true);
            call(api, "/status", "role", "Nobody"); // HTTP 401
            call(api, "/main", "role", "Ann", "text", "");
            call(api, "/feedback", "role", "Ann", "text", "我四处看看");
            call(api, "/main", "role", "Ann", "text", "我接受任务迷雾灯塔");
            call(api, "/select", "role", "Ann", "task_name", "迷雾灯塔");
            call(api, "/select", "role", "Ann", "task_name", "不存在的任务");
            Api.Reply turn = null;
            for (int i = 0; i < 6 && (turn == null || !turn.get("status").asBoolean()); i++) {
                turn = call(api, "/feedback", "role", "Ann", "text", "我去找灯油", "items", List.of(), "skills", List.of(), "roles", List.of());
            }
            call(api, "/feedback", "role", "Ann", "text", "我用神器", "items", List.of("神器"));
            call(api, "/task_request", "role", "Ann", "text", "我想去海边寻找失落的灯塔");
            String personal = api.call("/task_info_personal", "role", "Ann").get("task_list").get(0).asText();
            call(api, "/select_personal", "role", "Ann", "task_name", personal);
            call(api, "/merge", "role", "Ann", "mode", 1, "num", 30, "des", "一面轻巧的藤盾");
            call(api, "/merge", "role", "Ann", "mode", 1, "num", 1000, "des", "一座城堡");
            call(api, "/others", "role", "Ann", "info", "一位受伤的商人", "text", "我帮他包扎");
            call(api, "/challenge", "role1", "Ann", "role2", "Ann", "wait", 0);
            call(api, "/challenge", "role1", "Ann", "role2", "Nobody", "wait", 0);
            String id = call(api, "/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            String other = call(api, "/challenge", "role1", "Bob", "role2", "Ann", "wait", 0).text("id");
            call(api, "/reject_challenge", "role", "Ann", "id", other);
            call(api, "/accept_challenge", "role", "Ann", "id", id); // 403: not addressed to Ann
            call(api, "/accept_c", "id", id, "status", true);
            call(api, "/accept_c", "id", id, "status", true); // 409: already answered
            call(api, "/battle", "role", "Ann", "id", id, "text", "一剑", "wait", 0);
            call(api, "/battle", "role", "Bob", "id", id, "text", "格挡", "wait", 0);
            call(api, "/refrash", "role", "Ann", "battle_id", id);
            call(api, "/battle", "role", "Ann", "id", id, "text", "再来", "wait", 0);
            call(api, "/ladder", "role", "Ann");
            call(api, "/chronicle", "role", "Ann", "limit", 5);
            admin(api, "/admin/players");
            admin(api, "/admin/status");
            admin(api, "/admin/backup");
            admin(api, "/admin/password", "username", "Bob", "password", Api.md5("new"));
            admin(api, "/admin/ban", "username", "Bob", "minutes", 0);
            admin(api, "/admin/kick", "username", "Nobody");
            call(api, "/party_status", "role", "Ann"); // 404: not in a party
            String code = call(api, "/party_create", "role", "Ann").text("code");
            call(api, "/party_create", "role", "Ann"); // 409
            call(api, "/party_join", "role", "Bob", "code", "ZZZZZZ"); // 404
            call(api, "/party_join", "role", "Bob", "code", code);
            call(api, "/party_tasks", "role", "Ann");
            call(api, "/party_kick", "role", "Bob", "name", "Ann"); // 403
            call(api, "/signup", "email", "c@x.org", "username", "Cid", "password", Api.md5("pw"), "ip", "127.0.0.1:9");
            call(api, "/party_invite", "role", "Ann", "name", "Cid");
            call(api, "/refrash", "role", "Cid");
            String party = api.call("/refrash", "role", "Cid").get("party_invites").get(0).path("party_id").asText();
            call(api, "/party_accept", "role", "Cid", "party_id", party);
            call(api, "/party_start", "role", "Ann", "task_name", "塌井救犬");
            call(api, "/party_ready", "role", "Bob", "ready", true);
            call(api, "/party_ready", "role", "Cid", "ready", true);
            call(api, "/party_act", "role", "Ann", "text", "我拉住绳子");
            call(api, "/party_act", "role", "Bob", "text", "我用神器", "items", List.of("神器")); // 422
            call(api, "/party_hold", "role", "Cid");
            call(api, "/party_act", "role", "Bob", "text", "我爬下井");
            call(api, "/party_say", "role", "Cid", "text", "好样的");
            call(api, "/party_status", "role", "Ann");
            call(api, "/party_wait", "role", "Ann", "after", 0, "wait", 0);
            call(api, "/party_leave", "role", "Cid");
            call(api, "/logout", "role", "Ann");
            call(api, "/main", "role", 5); // HTTP 400
        });
        assertEquals(List.of(), problems);
        var described = new TreeSet<String>();
        document.path("paths").fieldNames().forEachRemaining(described::add);
        described.removeAll(List.of("/metrics", "/openapi.json", "/refresh"));
        described.removeAll(checked);
        assertEquals(new TreeSet<String>(), described, "routes whose replies no test checked");
    }
}
