package taleweaver.pvp;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.Services;
import taleweaver.TestConfig;
import taleweaver.images.ProceduralImages;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State that must not go stale or be lost between the database and the waits (issue: hardening). */
class PvpStateTest {
    @TempDir
    Path dir;

    private void sql(String statement, Object... args) throws Exception {
        try (var c = TestConfig.connect(dir)) {
            var st = c.prepareStatement(statement);
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            st.executeUpdate();
        }
    }

    private int rounds(String id) throws Exception {
        return BattleTest.roundsStored(dir, id);
    }

    /** Every instance of a cluster looks for overdue rounds about once a second: among the duels under way only. */
    @Test
    void overdueRoundsAreLookedForAmongTheDuelsUnderWayOnly() {
        try (var db = TestConfig.database(dir)) {
            String plan = TestConfig.plan(db, PvpDao.OVERDUE, System.currentTimeMillis());
            assertTrue(plan.contains("battles_live"), plan);
        }
    }

    @Test
    void aPastRoundsTimerDoesNotJudgeTheNextRound() {
        var config = TestConfig.of(dir);
        var services = new Services(config);
        JavalinTest.test(App.create(config, services), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            String id = BattleTest.startBattle(api, "Ash", "Oak");
            api.call("/battle", "role", "Ash", "id", id, "text", "a", "wait", 0);
            assertEquals(1, api.call("/battle", "role", "Oak", "id", id, "text", "b", "wait", 0).get("round").asInt());
            assertEquals(1, rounds(id));
            services.battles().timeout(id, 1); // round 1's timer fires late, while round 2 is open
            assertEquals(1, rounds(id), "round 2 was not judged by round 1's timer");
            services.battles().timeout(id, 2); // round 2's own timer judges it
            assertEquals(2, rounds(id));
        });
    }

    @Test
    void anAcceptanceThatRacesTheWaitsEndIsReportedAsAccepted() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            var pool = Executors.newSingleThreadExecutor();
            Future<Api.Reply> waiting = pool.submit(() -> api.call("/challenge", "role1", "Ash", "role2", "Oak", "wait", 2));
            String id = null;
            for (int i = 0; i < 100 && id == null; i++) {
                var ids = api.call("/refrash", "role", "Oak").get("id_list");
                if (ids.size() > 0) id = ids.get(0).asText(); else Thread.sleep(20);
            }
            // The answer is stored, but the waiter is never woken (as when the answer lands just as the wait ends).
            sql("update challenges set state = 'accepted', answered_at = ? where id = ?", System.currentTimeMillis(), id);
            var reply = waiting.get(10, TimeUnit.SECONDS);
            pool.shutdown();
            assertEquals("accepted", reply.text("state"));
            assertTrue(reply.get("status").asBoolean());
            assertArrayEquals(ProceduralImages.portrait("Oak"), Base64.getDecoder().decode(reply.text("image_data")));
        });
    }

    @Test
    void aJudgedRoundIsDeliveredOnceToConcurrentHeartbeats() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            for (int trial = 0; trial < 5; trial++) {
                String id = BattleTest.startBattle(api, "Ash", "Oak");
                api.call("/battle", "role", "Ash", "id", id, "text", "a", "wait", 0);
                api.call("/battle", "role", "Oak", "id", id, "text", "b", "wait", 0);
                var pool = Executors.newFixedThreadPool(8);
                var go = new CountDownLatch(1);
                var beats = new ArrayList<Future<Api.Reply>>();
                for (int i = 0; i < 8; i++) {
                    beats.add(pool.submit(() -> {
                        go.await();
                        return api.call("/refrash", "role", "Ash", "battle_id", id);
                    }));
                }
                go.countDown();
                int delivered = 0;
                for (var f : beats) if (!f.get(10, TimeUnit.SECONDS).get("role_text").isNull()) delivered++;
                pool.shutdown();
                assertEquals(1, delivered, "round 1 reached Ash once");
                sql("update battles set over = 1 where id = ?", id); // free both for the next trial
            }
        });
    }

    /** A PNG of about {@code kb} kilobytes (noise does not compress). */
    static String noisyPng(int kb, long seed) throws java.io.IOException {
        int side = (int) Math.sqrt(kb * 1024 / 3.0);
        var image = new java.awt.image.BufferedImage(side, side, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var random = new java.util.Random(seed);
        for (int y = 0; y < side; y++) for (int x = 0; x < side; x++) image.setRGB(x, y, random.nextInt(1 << 24));
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void theOnlineListIsBoundedAsSentAndPortraitsHaveCacheableUrls() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "server.max_body_bytes=1048576")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Viewer");
            for (int i = 0; i < 24; i++) {
                var r = api.call("/signup", "email", "big" + i + "@x.org", "username", "Big" + i, "password", Api.md5("pw"),
                        "ip", "127.0.0.1:9", "image_data", noisyPng(200, i));
                assertEquals(200, r.code(), r.raw());
            }
            var list = api.call("/get_list", "role", "Viewer", "images", true);
            assertTrue(list.raw().length() <= PvpHandlers.LIST_IMAGE_BYTES + 64 * 1024, "bounded as sent: " + list.raw().length());
            var portrait = api.send("GET", "/portrait/Big3", null, java.util.Map.of());
            assertEquals(200, portrait.http());
            assertEquals("image/png", portrait.headers().get("content-type").get(0));
            String tag = portrait.headers().get("etag").get(0);
            assertTrue(portrait.headers().get("cache-control").get(0).contains("max-age"));
            assertEquals(304, api.send("GET", "/portrait/Big3", null, java.util.Map.of("If-None-Match", tag)).http(), "kept by the browser");
            assertEquals(404, api.send("GET", "/portrait/Nobody", null, java.util.Map.of()).http());
        });
    }

    @Test
    void theOnlineListSendsAtMostFiftyAvatars() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (int i = 0; i < 53; i++) api.signup("p" + String.format("%02d", i));
            var reply = api.call("/get_list", "role", "p00", "images", true);
            assertEquals(52, reply.get("roles").size());
            var images = reply.get("image_data");
            assertEquals(52, images.size());
            for (int i = 0; i < 52; i++) assertEquals(i >= PvpHandlers.LIST_IMAGES, images.get(i).isNull(), "image " + i);
            assertArrayEquals(ProceduralImages.portrait(reply.get("roles").get(0).asText()), Base64.getDecoder().decode(images.get(0).asText()));
            assertFalse(api.call("/get_list", "role", "p00").body().has("image_data"));
        });
    }
}
