package taleweaver.db;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database written by the previous release (db/release-1.db: two players who played a task to its reward,
 * crafted, wished for a personal task, paused another and are in round 2 of a duel) opens in this one and
 * plays on: the same logins, sheets, kit, tasks and battle.
 */
class UpgradeTest {
    static final String PASSWORD = Api.md5("old-secret");

    @TempDir
    Path dir;

    @Test
    void thePreviousReleasesDatabasePlaysOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestConfig.postgres(), "the previous release wrote SQLite files only");
        try (InputStream old = UpgradeTest.class.getResourceAsStream("/db/release-1.db")) {
            Files.copy(old, dir.resolve("game.db"));
        }
        // The duel's round 2 opened long ago; as if the server had stopped a moment ago, it opens now (else it times out at start).
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("game.db"))) {
            c.createStatement().executeUpdate("update battles set round_started = " + System.currentTimeMillis());
        }
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.mode=token")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var login = api.call("/login", "email", "old@example.org", "password", PASSWORD, "ip", "127.0.0.1:7000");
            assertEquals(200, login.code(), login.raw());
            assertEquals("老玩家", login.text("username"));
            var auth = java.util.Map.of("Authorization", "Bearer " + login.text("token"));
            var stats = api.post("/status", java.util.Map.of("role", "老玩家"), auth).get("stats");
            assertEquals(60, stats.path("exp").asInt());
            assertEquals(90, stats.path("matter").asInt());
            var bag = api.post("/bag", java.util.Map.of("role", "老玩家"), auth).get("equipments");
            assertTrue(bag.has("守塔人的铜哨") && bag.size() == 3, bag.toString());
            var offered = api.post("/task_info", java.util.Map.of("role", "老玩家"), auth).get("task_list");
            assertTrue(offered.toString().contains("失踪的信鸽") && !offered.toString().contains("迷雾灯塔"), "the finished task stays finished");
            assertEquals(1, api.post("/task_info_personal", java.util.Map.of("role", "老玩家"), auth).get("task_list").size());
            var turn = api.post("/feedback", java.util.Map.of("role", "老玩家", "text", "我继续打听", "roles", List.of()), auth);
            assertEquals(200, turn.code(), "the paused task plays on: " + turn.raw());

            var rival = api.call("/login", "email", "rival@example.org", "password", PASSWORD, "ip", "127.0.0.1:7001");
            var rivalAuth = java.util.Map.of("Authorization", "Bearer " + rival.text("token"));
            String battle = "x0BptwuXcuUX-hKL6UVzng";
            var a = api.post("/battle", java.util.Map.of("role", "老玩家", "id", battle, "text", "再一剑", "wait", 0), auth);
            assertEquals(2, a.get("round").asInt(), a.raw());
            var b = api.post("/battle", java.util.Map.of("role", "对手", "id", battle, "text", "闪开", "wait", 0), rivalAuth);
            assertEquals(2, b.get("round").asInt(), b.raw());
            assertTrue(b.text("result").contains("第2回合"), b.raw());
        });
    }
}
