package taleweaver.pvp;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ladder and the meter (SPEC §14): Elo from duels, exactly once; /ladder; rating and tokens in /status. */
class LadderTest {
    @TempDir
    Path dir;

    private static int rating(Api api, String name) {
        return api.call("/status", "role", name).get("stats").path("rating").asInt();
    }

    @Test
    void aDuelMovesBothRatingsOnceAndTheLadderShowsThem() {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.max_rounds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            api.signup("Elm");
            assertEquals(1000, rating(api, "Ash"));
            String id = BattleTest.startBattle(api, "Ash", "Oak");
            api.call("/battle", "role", "Ash", "id", id, "text", "一剑", "items", java.util.List.of("旅人短剑"), "wait", 0);
            var end = api.call("/battle", "role", "Oak", "id", id, "text", "发呆", "wait", 0);
            assertTrue(end.get("status").asBoolean(), end.raw());
            String winner = end.text("winner");
            // more moves on a finished battle, and the heartbeat, change nothing
            api.call("/battle", "role", "Ash", "id", id, "text", "再来");
            api.call("/refrash", "role", "Oak", "battle_id", id);
            int ash = rating(api, "Ash"), oak = rating(api, "Oak");
            if (winner.isEmpty()) {
                assertEquals(1000, ash);
                assertEquals(1000, oak);
            } else {
                assertEquals(2000, ash + oak, "Elo moves points from one to the other");
                assertEquals(1016, Math.max(ash, oak), "equal ratings: K/2 to the winner");
            }
            var ladder = api.call("/ladder", "role", "Elm", "limit", 2).get("ladder");
            assertEquals(2, ladder.size());
            assertEquals(Math.max(ash, oak), ladder.get(0).path("rating").asInt());
            assertEquals(1, ladder.get(0).path(winner.isEmpty() ? "draws" : "wins").asInt(), ladder.toString());
            assertEquals(3, api.call("/ladder", "role", "Elm").get("ladder").size());
            assertFalse(api.call("/status", "role", "Ash").get("stats").has("tokens_today"), "no meter without a model");
        });
    }

    /** The ladder is kept in memory between the writes that move it: each of them shows at once. */
    @Test
    void aLadderReadBeforeASignupOrADuelShowsThemRightAfter() {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.max_rounds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            assertEquals(2, api.call("/ladder", "role", "Ash").get("ladder").size());
            api.signup("Elm");
            assertEquals(3, api.call("/ladder", "role", "Ash").get("ladder").size(), "a new player is on the ladder at once");
            String id = BattleTest.startBattle(api, "Ash", "Oak");
            assertEquals(0, api.call("/ladder", "role", "Elm").get("ladder").get(0).path("wins").asInt());
            api.call("/battle", "role", "Ash", "id", id, "text", "一剑", "wait", 0);
            var end = api.call("/battle", "role", "Oak", "id", id, "text", "一刀", "wait", 0);
            assertTrue(end.get("status").asBoolean(), end.raw());
            var top = api.call("/ladder", "role", "Elm").get("ladder").get(0);
            assertEquals(1, top.path(end.text("winner").isEmpty() ? "draws" : "wins").asInt(), "the duel's end moves it at once: " + top);
        });
    }

    @Test
    void racingMovesMoveRatingsAndTellTheChronicleExactlyOnce() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "battle.max_rounds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            int battles = 8;
            for (int i = 0; i < battles; i++) {
                api.signup("Red" + i);
                api.signup("Blue" + i);
                String id = BattleTest.startBattle(api, "Red" + i, "Blue" + i);
                var start = new java.util.concurrent.CountDownLatch(1);
                var moves = new java.util.ArrayList<Thread>();
                for (String who : java.util.List.of("Red" + i, "Blue" + i)) {
                    Thread t = new Thread(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        api.call("/battle", "role", who, "id", id, "text", "strike", "wait", 0);
                    });
                    t.start();
                    moves.add(t);
                }
                start.countDown();
                for (Thread t : moves) t.join();
                // and the ending is asked for again from both sides
                api.call("/refrash", "role", "Red" + i, "battle_id", id);
                api.call("/battle", "role", "Blue" + i, "id", id, "text", "again", "wait", 0);
            }
            var ladder = api.call("/ladder", "role", "Red0", "limit", 100).get("ladder");
            int sum = 0;
            for (var e : ladder) {
                sum += e.path("rating").asInt();
                assertEquals(1, e.path("wins").asInt() + e.path("losses").asInt() + e.path("draws").asInt(), e.toString());
            }
            assertEquals(2000 * battles, sum);
            var told = api.call("/chronicle", "role", "Red0", "limit", 100).get("entries").findValuesAsText("text").stream()
                    .filter(t -> t.contains("duel")).count();
            assertEquals(battles, told, "one chronicle line a duel");
        });
    }

    /** SPEC §14's Elo, K 32: the favourite gains less for a win than the underdog would, and loses a little on a draw. */
    @Test
    void eloMovesPointsByHowExpectedTheResultWas() {
        assertEquals(16, Ladder.delta(1000, 1000, 1));
        assertEquals(-16, Ladder.delta(1000, 1000, 0));
        assertEquals(0, Ladder.delta(1000, 1000, 0.5));
        assertEquals(15, Ladder.delta(1016, 984, 1), "32 × (1 − 0.546)");
        assertEquals(17, Ladder.delta(984, 1016, 1), "32 × (1 − 0.454)");
        assertEquals(-1, Ladder.delta(1016, 984, 0.5));
    }

    /** SPEC §14: at most 100 entries, however many are asked for and however many players there are. */
    @Test
    void theLadderShowsAtMostAHundred() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (int i = 0; i < 101; i++) api.signup("P" + i);
            assertEquals(100, api.call("/ladder", "role", "P0", "limit", 1000).get("ladder").size());
            assertEquals(100, api.call("/ladder", "role", "P0", "limit", 101).get("ladder").size());
            assertEquals(20, api.call("/ladder", "role", "P0", "limit", 20).get("ladder").size());
        });
    }

    @Test
    void aForfeitCounts() {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.round_timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Here");
            api.signup("Gone");
            String id = BattleTest.startBattle(api, "Here", "Gone");
            api.call("/battle", "role", "Here", "id", id, "text", "出招");
            var r2 = api.call("/battle", "role", "Here", "id", id, "text", "再出招");
            assertEquals("Here", r2.text("winner"), r2.raw());
            assertEquals(1016, rating(api, "Here"));
            assertEquals(984, rating(api, "Gone"));
            var top = api.call("/ladder", "role", "Gone").get("ladder").get(0);
            assertEquals("Here", top.path("username").asText());
            assertEquals(1, top.path("wins").asInt());
        });
    }

    @Test
    void withAModelStatusShowsTheMeter() throws Exception {
        var stub = new ModelStub(r -> ModelStub.completion("{\"text\":\"你好\"}", 120));
        try {
            JavalinTest.test(App.create(TestConfig.of(dir, "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                    "narrator.api_key=k", "narrator.daily_tokens_per_player=5000")), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Ash");
                var before = api.call("/status", "role", "Ash").get("stats");
                assertEquals(0, before.path("tokens_today").asInt());
                assertEquals(5000, before.path("tokens_budget").asInt());
                api.call("/main", "role", "Ash", "text", "你好");
                assertEquals(120, api.call("/status", "role", "Ash").get("stats").path("tokens_today").asInt());
            });
            JavalinTest.test(App.create(TestConfig.of(dir, "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                    "narrator.api_key=k", "narrator.daily_tokens_per_player=5000")), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.call("/login", "email", Api.email("Ash"), "password", Api.md5("pw-Ash"), "ip", "127.0.0.1:9");
                assertEquals(120, api.call("/status", "role", "Ash").get("stats").path("tokens_today").asInt(), "the count outlives a restart");
            });
        } finally {
            stub.close();
        }
    }
}
