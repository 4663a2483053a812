package taleweaver.pvp;

import io.javalin.testtools.JavalinTest;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.images.Png;
import taleweaver.images.ProceduralImages;
import taleweaver.web.Json;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChallengeTest {
    @TempDir
    Path dir;

    static List<String> strings(com.fasterxml.jackson.databind.JsonNode list) {
        var out = new ArrayList<String>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Statements the server has run since start, from its Prometheus text. */
    static long statements(Api api) {
        return api.send("GET", "/metrics", null, java.util.Map.of()).raw().lines()
                .filter(l -> l.startsWith("taleweaver_db_statements ")).mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1])).findFirst().orElseThrow();
    }

    static final int BEATS = 40;

    /**
     * Runs {@code beat} {@link #BEATS} times and checks they read nothing. On PostgreSQL the instance shares presence and
     * rechecks battles and party rounds in the background, about three statements a second however slow the machine: those
     * are allowed for each second the beats took, plus three. A heartbeat that read would run 40 or more.
     */
    static void assertNoReads(Api api, String what, Runnable beat) {
        long before = statements(api);
        long start = System.nanoTime();
        for (int i = 0; i < BEATS; i++) beat.run();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
        long ran = statements(api) - before;
        long allowed = Math.min(3 + 3 * seconds, BEATS * 3 / 4);
        assertTrue(ran <= allowed, BEATS + " " + what + " ran " + ran + " statements in about " + seconds + " s (" + allowed + " allowed)");
    }

    /** SPEC §6: a wait as asked in whole seconds, 0 to 60; not given, the configured default. */
    @Test
    void aWaitIsWholeSecondsFromNoneToAMinute() {
        assertEquals(60, ChallengeService.waitSeconds(600, 20));
        assertEquals(60, ChallengeService.waitSeconds(60.9, 20));
        assertEquals(2, ChallengeService.waitSeconds(2.7, 20));
        assertEquals(0, ChallengeService.waitSeconds(-5, 20));
        assertEquals(20, ChallengeService.waitSeconds(Double.NaN, 20));
    }

    @Test
    void aQuietHeartbeatTouchesNoTableAndEveryChangeShowsInTheNextOne() {
        JavalinTest.test(App.create(TestConfig.of(dir, "challenge.ttl_seconds=2")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size());
            assertNoReads(api, "quiet heartbeats", () -> assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size()));

            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            assertEquals(List.of(id), strings(api.call("/refrash", "role", "Bob").get("id_list")), "a new challenge shows at once");
            assertEquals(List.of(id), strings(api.call("/refrash", "role", "Bob").get("id_list")));
            Thread.sleep(2100);
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size(), "and goes when it runs out");

            String second = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            assertEquals(List.of(second), strings(api.call("/refrash", "role", "Bob").get("id_list")));
            assertEquals(0, api.call("/refrash", "role", "Ann").get("accept_id").size());
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", second).code());
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size(), "an answer shows at once");
            assertEquals(List.of(second), strings(api.call("/refrash", "role", "Ann").get("accept_id")), "to the challenger too");
            api.call("/battle", "role", "Ann", "id", second, "text", "I strike first", "wait", 0);
            assertEquals(0, api.call("/refrash", "role", "Ann").get("accept_id").size(), "a first move ends the accepted list");
        });
    }

    @Test
    void theOnlineListAndTheHeartbeatsFields() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Cat");
            api.signup("Ann");
            api.signup("Bob");
            assertEquals(List.of("Ann", "Cat"), strings(api.call("/get_list", "role", "Bob").get("roles")));
            var withImages = api.call("/get_list", "role", "Bob", "images", true);
            assertEquals(2, withImages.get("image_data").size());
            api.call("/logout", "role", "Cat");
            assertEquals(List.of("Ann"), strings(api.call("/get_list", "role", "Bob").get("roles")));
            var beat = api.call("/refrash", "role", "Bob");
            for (String key : List.of("id_list", "role_list", "accpec_id", "accpet_id", "accept_id")) assertEquals(0, beat.get(key).size(), key);
            for (String key : List.of("role", "role_text", "system_text")) assertTrue(beat.get(key).isNull(), key);
            assertFalse(beat.get("status").asBoolean());
        });
    }

    @Test
    void challengeCodesInTheSpecOrder() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Cat", "Dan")) api.signup(n);
            assertEquals(400, api.call("/challenge", "role1", "Ann", "role2", "ann", "wait", 0).code());
            assertEquals(404, api.call("/challenge", "role1", "Ann", "role2", "Nobody", "wait", 0).code());
            api.call("/logout", "role", "Dan");
            assertEquals(409, api.call("/challenge", "role1", "Ann", "role2", "Dan", "wait", 0).code());
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            assertEquals(423, api.call("/challenge", "role1", "Cat", "role2", "Ann", "wait", 0).code(), "target in a battle");
            assertEquals(423, api.call("/challenge", "role1", "Bob", "role2", "Cat", "wait", 0).code(), "challenger in a battle");
            assertEquals(400, api.call("/challenge", "role1", "Cat", "role2", "Ann", "wait", "soon").http());
            assertEquals(401, api.call("/challenge", "role1", "Dan", "role2", "Cat", "wait", 0).http(), "role1 must be the caller");
        });
    }

    @Test
    void aPolledChallengeIsAnsweredOnce() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Cat")) api.signup(n);
            var sent = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0);
            assertEquals(200, sent.code());
            assertFalse(sent.get("status").asBoolean());
            assertTrue(sent.get("image_data").isNull());
            assertEquals("pending", sent.text("state"));
            String id = sent.text("id");
            assertTrue(id.length() >= 22, "unguessable");
            String other = api.call("/challenge", "role1", "Cat", "role2", "Bob", "wait", 0).text("id");
            var beat = api.call("/refrash", "role", "Bob");
            assertEquals(List.of(id, other), strings(beat.get("id_list")), "oldest first");
            assertEquals(List.of("Ann", "Cat"), strings(beat.get("role_list")));
            assertEquals(403, api.call("/accept_challenge", "role", "Ann", "id", id).code());
            assertEquals(404, api.call("/accept_challenge", "role", "Bob", "id", "no-such-id").code());
            assertEquals(200, api.call("/reject_challenge", "role", "Bob", "id", other).code());
            assertEquals(409, api.call("/reject_challenge", "role", "Bob", "id", other).code());
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            assertEquals(409, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size());
            var mine = api.call("//refresh/", "role", "Ann");
            for (String key : List.of("accpec_id", "accpet_id", "accept_id")) assertEquals(List.of(id), strings(mine.get(key)), key);
            assertEquals(List.of(id), strings(api.call("/refrash", "role", "Ann").get("accept_id")), "a missed poll loses nothing");
            api.call("/battle", "role", "Ann", "id", id, "text", "hi", "wait", 0);
            assertEquals(0, api.call("/refrash", "role", "Ann").get("accept_id").size(), "until the challenger's first move");
        });
    }

    @Test
    void theFirstClientsAnswerInsideTheHeartbeat() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Cat")) api.signup(n);
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            var beat = api.call("/refrash", "role", "Cat", "ip", id, "ip_status", true);
            assertEquals(200, beat.code(), "not Cat's to answer: the heartbeat still works");
            assertEquals(List.of(id), strings(api.call("/refrash", "role", "Bob").get("id_list")));
            api.call("/refrash", "role", "Bob", "ip", id, "ip_status", true);
            assertEquals(List.of(id), strings(api.call("/refrash", "role", "Ann").get("accept_id")));
            assertEquals(409, api.call("/accept_challenge", "role", "Bob", "id", id).code());
        });
    }

    @Test
    void aWaitingChallengerLearnsOfTheAcceptanceAtOnce() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            var waiting = CompletableFuture.supplyAsync(() -> api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 30));
            List<String> ids = List.of();
            for (int i = 0; i < 100 && ids.isEmpty(); i++) {
                ids = strings(api.call("/refrash", "role", "Bob").get("id_list"));
                Thread.sleep(50);
            }
            assertEquals(1, ids.size());
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", ids.get(0)).code());
            var r = waiting.get(20, TimeUnit.SECONDS);
            assertTrue(r.get("status").asBoolean());
            assertEquals("accepted", r.text("state"));
            assertEquals(ids.get(0), r.text("id"));
            assertTrue(Png.isPng(java.util.Base64.getDecoder().decode(r.text("image_data"))), "Bob's avatar");
        });
    }

    /** Later clients name their last battle in every heartbeat, over or not, "" before their first: the quiet path all the same. */
    @Test
    void aHeartbeatNamingAFinishedUnknownOrNoBattleTouchesNoTable() {
        JavalinTest.test(App.create(TestConfig.of(dir, "battle.max_rounds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            assertFalse(api.call("/refrash", "role", "Bob", "battle_id", id).get("status").asBoolean(), "not a battle yet");
            assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            api.call("/battle", "role", "Ann", "id", id, "text", "I strike", "wait", 0);
            api.call("/battle", "role", "Bob", "id", id, "text", "I parry", "wait", 0);
            var news = api.call("/refrash", "role", "Bob", "battle_id", id);
            assertTrue(news.get("status").asBoolean(), "the battle that was not one a moment ago is heard, and over: " + news.raw());
            api.call("/refrash", "role", "Ann", "battle_id", id);
            for (String named : List.of(id, "", "no-such-battle")) {
                api.call("/refrash", "role", "Bob", "battle_id", named);
                assertNoReads(api, "heartbeats naming '" + named + "'", () -> {
                    var beat = api.call("/refrash", "role", "Bob", "battle_id", named);
                    assertEquals(named.equals(id), beat.get("status").asBoolean());
                    assertTrue(beat.get("role_text").isNull());
                });
            }
        });
    }

    @Test
    void unansweredChallengesExpireAndLateAnswersGet410() {
        JavalinTest.test(App.create(TestConfig.of(dir, "challenge.ttl_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            var r = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 3);
            assertEquals("expired", r.text("state"), "the wait outlived the challenge");
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size());
            assertEquals(410, api.call("/accept_challenge", "role", "Bob", "id", r.text("id")).code());
            assertEquals(410, api.call("/reject_challenge", "role", "Bob", "id", r.text("id")).code());
        });
    }

    @Test
    void aChallengerWhoWentOfflineCannotBeAccepted() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
            api.call("/logout", "role", "Ann");
            assertEquals(410, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            assertFalse(api.call("/accept_c", "id", id, "status", true).get("status").asBoolean());
            // the refusal ended the challenge: once Ann is back, the same accept starts nothing
            assertEquals(200, api.call("/login", "email", Api.email("Ann"), "password", Api.md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            assertEquals(0, api.call("/refrash", "role", "Bob").get("id_list").size());
            assertEquals(410, api.call("/accept_challenge", "role", "Bob", "id", id).code());
            assertEquals(0, api.call("/refrash", "role", "Ann").get("battle_id").asText("").length(), "no battle began");
        });
    }

    @Test
    void theFirstAcceptanceWinsWhenTwoArriveTogether() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(4);
            for (int round = 0; round < 8; round++) {
                String a = "Ch" + round, b = "Ta" + round, c = "Tb" + round;
                for (String n : List.of(a, b, c)) api.signup(n);
                String x = api.call("/challenge", "role1", a, "role2", b, "wait", 0).text("id");
                String y = api.call("/challenge", "role1", a, "role2", c, "wait", 0).text("id");
                var go = new CountDownLatch(1);
                var one = pool.submit(() -> { go.await(); return api.call("/accept_challenge", "role", b, "id", x).code(); });
                var two = pool.submit(() -> { go.await(); return api.call("/accept_c", "id", y, "status", true); });
                go.countDown();
                int first = one.get(20, TimeUnit.SECONDS);
                var second = two.get(20, TimeUnit.SECONDS);
                boolean secondWon = second.get("status").asBoolean();
                assertTrue(first == 200 ^ secondWon, "exactly one battle starts: " + first + " / " + second.raw());
                if (!secondWon) assertEquals(409, second.code());
            }
            pool.shutdown();
        });
    }

    @Test
    void twoAcceptsOfOneChallengeAtOnceStartOneBattle() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(4);
            for (int round = 0; round < 8; round++) {
                String a = "Aa" + round, b = "Bb" + round;
                api.signup(a);
                api.signup(b);
                String id = api.call("/challenge", "role1", a, "role2", b, "wait", 0).text("id");
                var go = new CountDownLatch(1);
                var futures = new ArrayList<java.util.concurrent.Future<Boolean>>();
                for (int i = 0; i < 3; i++) futures.add(pool.submit(() -> { go.await(); return api.call("/accept_c", "id", id, "status", true).get("status").asBoolean(); }));
                go.countDown();
                int wins = 0;
                for (var f : futures) wins += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
                assertEquals(1, wins);
            }
            pool.shutdown();
        });
    }

    @Test
    void pushedChallengesAreAnsweredByTheClient() throws Exception {
        try (var peer = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.1"), 0);
            String picture = Png.base64(ProceduralImages.portrait("pushed"));
            JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Ann");
                api.signup("Bob", "127.0.0.1:" + peer.getPort());
                peer.enqueue(new MockResponse.Builder().code(200).body(Json.text(Map.of("status", true, "image_data", picture))).build());
                var r = api.call("/challenge", "role1", "Ann", "role2", "Bob", "image_data", picture);
                assertTrue(r.get("status").asBoolean(), r.raw());
                assertEquals(picture, r.text("image_data"), "the picture the client sent back");
                var pushed = peer.takeRequest(5, TimeUnit.SECONDS);
                assertEquals("/challenge_info", pushed.getTarget());
                var body = Json.parse(pushed.getBody().utf8());
                assertEquals("Ann", body.path("role").asText());
                assertEquals(r.text("id"), body.path("id").asText());
                assertEquals(picture, body.path("image_data").asText());
                api.call("/battle", "role", "Ann", "id", r.text("id"), "text", "x", "wait", 0);
            });
        }
    }

    @Test
    void pushedRefusalsAndGarbageAndSilence() throws Exception {
        try (var peer = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.1"), 0);
            JavalinTest.test(App.create(TestConfig.of(dir, "challenge.push_timeout_seconds=1")), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Ann");
                api.signup("Bob", "127.0.0.1:" + peer.getPort());
                peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": false}").build());
                var no = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 5);
                assertFalse(no.get("status").asBoolean());
                assertEquals("rejected", no.text("state"));

                peer.enqueue(new MockResponse.Builder().code(200).body("<html>not json</html>").build());
                var garbled = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 1);
                assertEquals("pending", garbled.text("state"));
                assertTrue(strings(api.call("/refrash", "role", "Bob").get("id_list")).contains(garbled.text("id")), "still delivered by polling");

                peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": true}").headersDelay(4, TimeUnit.SECONDS).build());
                var slow = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 3);
                assertEquals("pending", slow.text("state"), "a reply past the push timeout is not an answer");
                assertEquals(200, api.call("/reject_challenge", "role", "Bob", "id", slow.text("id")).code());
                assertEquals(200, api.call("/reject_challenge", "role", "Bob", "id", garbled.text("id")).code());
            });
        }
    }

    @Test
    void anUnreachableClientDoesNotHangTheChallenge() throws Exception {
        int closedPort;
        try (var s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob", "127.0.0.1:" + closedPort);
            var r = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 1);
            assertEquals(200, r.code());
            assertEquals("pending", r.text("state"));
            assertTrue(strings(api.call("/refrash", "role", "Bob").get("id_list")).contains(r.text("id")));
        });
    }

    @Test
    void pushesGoOnlyToTheAddressThePlayerCameFrom() throws Exception {
        try (var peer = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.2"), 0);
            JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Ann");
                api.signup("Bob", "127.0.0.2:" + peer.getPort()); // signed up from 127.0.0.1
                var r = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 1);
                assertEquals("pending", r.text("state"));
                assertNull(peer.takeRequest(500, TimeUnit.MILLISECONDS), "same_as_client: no push to another host");
            });
            JavalinTest.test(App.create(TestConfig.of(dir.resolve("any"), "challenge.callback_hosts=any")), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Ann");
                api.signup("Bob", "127.0.0.2:" + peer.getPort());
                peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": false}").build());
                api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 2);
                assertNotEquals(null, peer.takeRequest(2, TimeUnit.SECONDS), "any: the push goes out");
            });
        }
    }

    @Test
    void neverLinkLocalMetadataOrTheServersOwnPort() throws Exception {
        assertTrue(ChallengeNotifier.forbidden(InetAddress.getByName("169.254.169.254")));
        assertTrue(ChallengeNotifier.forbidden(InetAddress.getByName("fe80::1")));
        assertTrue(ChallengeNotifier.forbidden(InetAddress.getByName("::ffff:169.254.169.254")));
        assertTrue(ChallengeNotifier.forbidden(InetAddress.getByName("0.0.0.0")));
        assertFalse(ChallengeNotifier.forbidden(InetAddress.getByName("127.0.0.1")));
        assertFalse(ChallengeNotifier.forbidden(InetAddress.getByName("192.168.1.20")));
        try (var peer = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.1"), 0);
            var config = TestConfig.of(dir, "challenge.callback_hosts=any").challenge();
            var notifier = new ChallengeNotifier(config, peer.getPort()); // as if the peer were this server
            assertTrue(notifier.push("127.0.0.1", peer.getPort(), null, "id", "Ann", null).get(10, TimeUnit.SECONDS).isEmpty());
            assertTrue(notifier.push("169.254.169.254", 80, null, "id", "Ann", null).get(10, TimeUnit.SECONDS).isEmpty());
            assertEquals(0, peer.getRequestCount());
            notifier.close();
        }
    }
}
