package taleweaver.pvp;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.Config;
import taleweaver.Services;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class BattleTest {
    @TempDir
    Path dir;

    static String startBattle(Api api, String a, String b) {
        String id = api.call("/challenge", "role1", a, "role2", b, "wait", 0).text("id");
        assertEquals(200, api.call("/accept_challenge", "role", b, "id", id).code());
        return id;
    }

    /** Stay and Stand in a duel, Stay's first move made ("一"): the battle's id. */
    static String stayMovesFirst(Api api) {
        api.signup("Stay");
        api.signup("Stand");
        String id = startBattle(api, "Stay", "Stand");
        assertEquals(200, api.call("/battle", "role", "Stay", "id", id, "text", "一", "wait", 0).code());
        return id;
    }

    static int roundsStored(Path dir, String id) throws Exception {
        try (var c = TestConfig.connect(dir)) {
            var st = c.prepareStatement("select count(*) from battle_rounds where battle_id = ?");
            st.setString(1, id);
            var rs = st.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aBattleIsFoughtToTheEndAndBothSidesAgree() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Sword");
            api.signup("Saber");
            String id = startBattle(api, "Sword", "Saber");
            int exp0 = api.call("/status", "role", "Sword").get("stats").path("exp").asInt() + api.call("/status", "role", "Saber").get("stats").path("exp").asInt();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<List<Api.Reply>> one = pool.submit(() -> fight(api, "Sword", id, "text", "一剑刺向咽喉", List.of("旅人短剑")));
            Future<List<Api.Reply>> two = pool.submit(() -> fight(api, "Saber", id, "action", "横刀格挡后反砍", List.of()));
            List<Api.Reply> a = one.get(60, TimeUnit.SECONDS), b = two.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertEquals("Saber", a.get(0).text("role"));
            assertEquals("横刀格挡后反砍", a.get(0).text("action"));
            assertEquals("一剑刺向咽喉", b.get(0).text("action"));
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).text("result"), b.get(i).text("result"), "both see one judgement of round " + (i + 1));
                assertEquals(i + 1, a.get(i).get("round").asInt());
            }
            var lastA = a.get(a.size() - 1);
            assertTrue(lastA.get("status").asBoolean());
            assertEquals(lastA.text("winner"), b.get(b.size() - 1).text("winner"));
            assertEquals(a.size(), roundsStored(dir, id));
            int exp1 = api.call("/status", "role", "Sword").get("stats").path("exp").asInt() + api.call("/status", "role", "Saber").get("stats").path("exp").asInt();
            assertEquals(lastA.text("winner").isEmpty() ? 0 : 50, exp1 - exp0, "the winner's exp, once");
            for (String n : List.of("Sword", "Saber")) {
                var st = api.call("/status", "role", n).get("stats");
                assertEquals(st.path("max_hp").asInt(), st.path("hp").asInt(), "hp restored");
            }
            var late = api.call("/battle", "role", "Sword", "id", id, "text", "再来");
            assertTrue(late.get("status").asBoolean());
            assertFalse(late.text("result").isBlank());
            api.signup("Next");
            assertEquals(200, api.call("/challenge", "role1", "Next", "role2", "Sword", "wait", 0).code(), "free for new battles");
        });
    }

    private static List<Api.Reply> fight(Api api, String me, String id, String field, String move, List<String> items) {
        var replies = new ArrayList<Api.Reply>();
        for (int i = 0; i < 15; i++) {
            var r = api.call("/battle", "role", me, "id", id, field, move, "items", items, "skills", List.of());
            assertEquals(200, r.code(), r.raw());
            replies.add(r);
            if (r.get("status").asBoolean()) return replies;
        }
        throw new AssertionError("no end after 15 rounds");
    }

    @Test
    void movesWithoutWaitingTwiceAndUnowned() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Quick");
            api.signup("Slow");
            String id = startBattle(api, "Quick", "Slow");
            var unowned = api.call("/battle", "role", "Quick", "id", id, "text", "神剑", "items", List.of("神剑"), "wait", 0);
            assertEquals(422, unowned.code());
            var first = api.call("/battle", "role", "Quick", "id", id, "text", "先发制人", "wait", 0);
            assertTrue(first.get("pending").asBoolean(), "the unowned move was not taken: " + first.raw());
            assertFalse(first.get("status").asBoolean());
            assertEquals("Slow", first.text("role"));
            assertEquals(409, api.call("/battle", "role", "Quick", "id", id, "text", "再出一招", "wait", 0).code());
            var other = api.call("/battle", "role", "Slow", "id", id, "text", "稳稳招架");
            assertEquals("先发制人", other.text("action"));
            var late = api.call("/refrash", "role", "Quick", "battle_id", id);
            assertEquals("Slow", late.text("role"));
            assertEquals("稳稳招架", late.text("role_text"));
            assertEquals(other.text("result"), late.text("system_text"));
            assertTrue(api.call("/refrash", "role", "Quick", "battle_id", id).get("role").isNull(), "delivered once");
            assertTrue(api.call("/refrash", "role", "Slow", "battle_id", id).get("role").isNull(), "Slow had it from /battle");
            api.signup("Outsider");
            assertEquals(403, api.call("/battle", "role", "Outsider", "id", id, "text", "x").code());
            assertEquals(404, api.call("/battle", "role", "Quick", "id", "nope", "text", "x").code());
        });
    }

    @Test
    void bothMovesOfARoundArrivingTogetherAreJudgedExactlyOnce() throws Exception {
        Config config = TestConfig.of(dir, "battle.max_rounds=50");
        Services services = new Services(config);
        JavalinTest.test(App.create(config, services), (server, client) -> {
            Api api = new Api(client.getOrigin());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            int rounds = 0;
            for (int battle = 0; battle < 3; battle++) {
                String a = "Ra" + battle, b = "Rb" + battle;
                api.signup(a);
                api.signup(b);
                String id = startBattle(api, a, b);
                for (int round = 1; ; round++) {
                    var go = new CountDownLatch(1);
                    Future<Api.Reply> x = pool.submit(() -> { go.await(); return api.call("/battle", "role", a, "id", id, "text", "攻"); });
                    Future<Api.Reply> y = pool.submit(() -> { go.await(); return api.call("/battle", "role", b, "id", id, "text", "守"); });
                    go.countDown();
                    var rx = x.get(30, TimeUnit.SECONDS);
                    var ry = y.get(30, TimeUnit.SECONDS);
                    assertEquals(round, rx.get("round").asInt(), rx.raw());
                    assertEquals(rx.text("result"), ry.text("result"));
                    rounds++;
                    if (rx.get("status").asBoolean()) break;
                }
                assertEquals(services.battles().judgements(), rounds, "judgements so far");
            }
            pool.shutdown();
        });
    }

    @Test
    void aSideThatMissesTwoRoundsForfeits() {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.round_timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Here");
            api.signup("Gone");
            String id = startBattle(api, "Here", "Gone");
            var r1 = api.call("/battle", "role", "Here", "id", id, "text", "出招");
            assertFalse(r1.get("status").asBoolean());
            assertTrue(r1.text("result").contains("Gone"), r1.text("result"));
            var r2 = api.call("/battle", "role", "Here", "id", id, "text", "再出招");
            assertTrue(r2.get("status").asBoolean(), r2.raw());
            assertEquals("Here", r2.text("winner"));
            assertTrue(api.call("/refrash", "role", "Gone", "battle_id", id).get("status").asBoolean());
        });
    }

    @Test
    void aMoveRacingTheRoundTimeoutLandsInOneRoundOnly() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.round_timeout_seconds=1", "battle.max_rounds=30")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Early");
            api.signup("Edge");
            String id = startBattle(api, "Early", "Edge");
            var seen = new HashSet<Integer>();
            int moves2 = 0;
            for (int i = 0; i < 4; i++) {
                var first = api.call("/battle", "role", "Early", "id", id, "text", "a", "wait", 0);
                if (first.get("status").asBoolean()) break;
                Thread.sleep(950 + 25L * i);
                var second = api.call("/battle", "role", "Edge", "id", id, "text", "b", "wait", 0);
                assertTrue(second.code() == 200, second.raw());
                seen.add(second.get("round").asInt());
                moves2++;
                Thread.sleep(1200);
            }
            Thread.sleep(2500); // let any open round time out
            try (var c = TestConfig.connect(dir)) {
                var rs = c.createStatement().executeQuery("select round, over from battles where id = '" + id + "'");
                rs.next();
                int open = rs.getInt(1);
                boolean over = rs.getBoolean(2);
                assertEquals(over ? open : open - 1, roundsStored(dir, id), "every round before the open one was judged once");
                var moves = c.createStatement().executeQuery("select count(*) from battle_moves where battle_id = '" + id + "' and round > " + open);
                moves.next();
                assertEquals(0, moves.getInt(1), "no move beyond the open round");
            }
            assertTrue(moves2 > 0);
            assertEquals(moves2, seen.size(), "each of Edge's moves landed in a round of its own");
        });
    }

    @Test
    void aRestartMidBattleGoesOnFromTheLastJudgedRound() throws Exception {
        var id = new String[1];
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            id[0] = stayMovesFirst(api);
            assertEquals(1, api.call("/battle", "role", "Stand", "id", id[0], "text", "二").get("round").asInt());
            api.call("/battle", "role", "Stay", "id", id[0], "text", "三", "wait", 0);
        });
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Stay", "Stand")) api.call("/login", "email", Api.email(n), "password", Api.md5("pw-" + n), "ip", "127.0.0.1:9");
            int exp0 = api.call("/status", "role", "Stay").get("stats").path("exp").asInt() + api.call("/status", "role", "Stand").get("stats").path("exp").asInt();
            var r2 = api.call("/battle", "role", "Stand", "id", id[0], "text", "四");
            assertEquals(2, r2.get("round").asInt());
            assertEquals("三", r2.text("action"), "the move stored before the restart counts");
            Api.Reply last = r2;
            for (int i = 0; i < 20 && !last.get("status").asBoolean(); i++) {
                api.call("/battle", "role", "Stay", "id", id[0], "text", "攻", "wait", 0);
                last = api.call("/battle", "role", "Stand", "id", id[0], "text", "守");
            }
            assertTrue(last.get("status").asBoolean());
            int exp1 = api.call("/status", "role", "Stay").get("stats").path("exp").asInt() + api.call("/status", "role", "Stand").get("stats").path("exp").asInt();
            assertEquals(last.text("winner").isEmpty() ? 0 : 50, exp1 - exp0, "the reward once");
            assertNotNull(last.text("result"));
        });
        assertTrue(roundsStored(dir, id[0]) >= 2);
    }
    /**
     * A round overdue when the server starts again (it was down past the round's timeout) is not judged at once, when
     * the restart has made everyone offline and the side yet to move would forfeit: it runs a few seconds more, and the
     * side's move, made as soon as the server is back, is judged with the other's. (On PostgreSQL the shared presence
     * rows outlive a restart and the cluster's check judges overdue rounds: SQLite here.)
     */
    @Test
    void aRoundOverdueAtARestartWaitsForItsPlayersToComeBack() throws Exception {
        assumeFalse(TestConfig.postgres(), "one instance: SQLite");
        var id = new String[1];
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            id[0] = stayMovesFirst(new Api(client.getOrigin()));
        });
        try (var c = TestConfig.connect(dir); var st = c.prepareStatement("update battles set round_started = ? where id = ?")) {
            st.setLong(1, System.currentTimeMillis() - 10 * 60_000);
            st.setString(2, id[0]);
            assertEquals(1, st.executeUpdate());
        }
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var r = api.call("/battle", "role", "Stand", "id", id[0], "text", "二");
            assertEquals(1, r.get("round").asInt(), r.raw());
            assertEquals("一", r.text("action"), "judged with both moves: " + r.raw());
            assertFalse(r.get("status").asBoolean(), "nobody forfeited: " + r.raw());
        });
    }
}
