package taleweaver.account;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.RawHttp;
import taleweaver.TestConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taleweaver.Api.email;
import static taleweaver.Api.md5;

class AccountsTest {
    @TempDir
    Path dir;

    private static Api.Reply signup(Api api, String email, String name, String password, String ip) {
        return api.call("/signup", "email", email, "username", name, "password", password, "ip", ip);
    }

    @Test
    void signupCodesComeInTheSpecOrder() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var ok = signup(api, "ann@example.org", "Ann", md5("pw"), "127.0.0.1:9");
            assertEquals(200, ok.code());
            assertEquals(43, ok.text("token").length());
            assertEquals(400, signup(api, "not-an-email", "Valid", md5("x"), "127.0.0.1:9").code());
            assertEquals(400, signup(api, "b@example.org", "Valid", "", "127.0.0.1:9").code());
            assertEquals(400, signup(api, "b@example.org", "Valid", md5("x"), "no-port").code());
            assertEquals(400, signup(api, "b@example.org", "Valid", md5("x"), "127.0.0.1:99999").code());
            assertEquals(400, signup(api, "b@example.org", "Valid", md5("x"), "127.0.0.1:65536").code(), "ports end at 65535");
            assertEquals(400, signup(api, "b@example.org", "Valid", md5("x"), "127.0.0.1:0").code(), "and start at 1");
            assertEquals(400, signup(api, "a@" + "b".repeat(249) + ".org", "Valid", md5("x"), "127.0.0.1:9").code(), "255 characters: too long");
            var bad = signup(api, "b@example.org", "a b", md5("x"), "127.0.0.1:9");
            assertEquals(422, bad.code());
            assertFalse(bad.text("reason").isBlank());
            assertEquals(422, signup(api, "b@example.org", "系统", md5("x"), "127.0.0.1:9").code());
            assertEquals(409, signup(api, "ann@example.org", "ANN", md5("x"), "127.0.0.1:9").code(), "taken, and checked before the email");
            assertEquals(410, signup(api, "ANN@example.org", "Ann2", md5("x"), "127.0.0.1:9").code());
            assertEquals(400, api.call("/signup", "email", "c@example.org", "username", "Cat", "ip", "127.0.0.1:9").http(), "missing password field");
            assertEquals(200, api.call("/status", "role", "Ann").http(), "signed up means logged in");
            assertEquals(200, signup(api, "a@" + "b".repeat(248) + ".org", "Edge", md5("x"), "127.0.0.1:65535").code(), "254 characters, port 65535");
        });
    }

    @Test
    void racingSignupsCreateOneAccount() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            for (int round = 0; round < 5; round++) {
                var go = new java.util.concurrent.CountDownLatch(1);
                String name = "Twin" + round, email = "twin" + round + "@example.org";
                var sameName = pool.submit(() -> { go.await(); return signup(api, "a" + email, name, md5("x"), "127.0.0.1:9").code(); });
                var sameEmail = pool.submit(() -> { go.await(); return signup(api, email, name + "b", md5("x"), "127.0.0.1:9").code(); });
                var first = pool.submit(() -> { go.await(); return signup(api, email, name, md5("x"), "127.0.0.1:9").code(); });
                go.countDown();
                var codes = new java.util.ArrayList<>(java.util.List.of(sameName.get(), sameEmail.get(), first.get()));
                assertTrue(codes.stream().allMatch(c -> c == 200 || c == 409 || c == 410), codes.toString());
                assertTrue(codes.stream().filter(c -> c == 200).count() >= 1 && codes.stream().filter(c -> c == 200).count() <= 2, codes.toString());
                if (first.get() == 200) {
                    assertEquals(409, sameName.get());
                    assertEquals(410, sameEmail.get());
                }
            }
            pool.shutdown();
        });
    }

    @Test
    void loginCodesAndLockout() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=3")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            var ok = api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9");
            assertEquals(200, ok.code());
            assertEquals("Ann", ok.text("username"));
            assertNotNull(ok.text("token"));
            assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "").code(), "a blank ip keeps the old one");
            assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann")).code(), "so does none");
            assertEquals(400, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "nonsense").code());
            var unknown = api.call("/login", "email", "nobody@example.org", "password", md5("x"), "ip", "127.0.0.1:9");
            assertEquals(404, unknown.code());
            assertEquals("", unknown.text("username"));
            for (int i = 0; i < 3; i++) {
                var wrong = api.call("/login", "email", email("Ann"), "password", md5("wrong"), "ip", "127.0.0.1:9");
                assertEquals(200, wrong.http());
                assertEquals(401, wrong.code());
                assertEquals("", wrong.text("username"));
            }
            var locked = api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9");
            assertEquals(429, locked.code(), "locked even for the right password");
            api.signup("Bob");
            assertEquals(200, api.call("/login", "email", email("Bob"), "password", md5("pw-Bob"), "ip", "127.0.0.1:9").code(),
                    "one account's lock leaves the address's other players alone");
        });
    }

    /** 29 wrong guesses at once, then the right one: the lock holds however the hashing interleaves (default cost). */
    @Test
    void parallelGuessesDoNotWalkThroughTheLockout() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=5", "auth.bcrypt_cost=10", "auth.bcrypt_threads=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            var pool = java.util.concurrent.Executors.newFixedThreadPool(30);
            try {
                var replies = new java.util.ArrayList<java.util.concurrent.Future<Api.Reply>>();
                for (int i = 0; i < 30; i++) {
                    String password = i == 29 ? md5("pw-Ann") : md5("wrong" + i);
                    replies.add(pool.submit(() -> api.call("/login", "email", email("Ann"), "password", password, "ip", "127.0.0.1:9")));
                }
                int wrong = 0, locked = 0, in = 0;
                for (var r : replies) {
                    int code = r.get().code();
                    if (code == 401) wrong++; else if (code == 429) locked++; else if (code == 200) in++;
                }
                assertTrue(wrong + in <= 5, "at most five passwords checked: " + wrong + " wrong, " + in + " in, " + locked + " locked");
                assertEquals(30, wrong + locked + in);
                if (in == 0) assertEquals(429, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=3")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 2; i++) api.call("/login", "email", email("Ann"), "password", md5("wrong"), "ip", "127.0.0.1:9");
                assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            }
        });
    }

    @Test
    void anAddressIsLockedAfterTenTimesTheAccountLimit() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (int i = 0; i < 10; i++) {
                api.signup("P" + i);
                assertEquals(401, api.call("/login", "email", email("P" + i), "password", md5("wrong"), "ip", "127.0.0.1:9").code());
            }
            api.signup("Late");
            assertEquals(429, api.call("/login", "email", email("Late"), "password", md5("pw-Late"), "ip", "127.0.0.1:9").code());
            var elsewhere = RawHttp.from("127.0.0.2", api.base(), "/login", "email", email("Late"), "password", md5("pw-Late"), "ip", "127.0.0.2:9");
            assertEquals(200, elsewhere.code(), "another address is not locked");
        });
    }

    /**
     * Guesses at 30 accounts at once from one address (a spray, one each, under every account's own limit): the address's
     * limit (ten times the account's) holds however they interleave, as the account's does for parallel guesses at one.
     */
    @Test
    void parallelGuessesAtManyAccountsDoNotWalkThroughTheAddressLimit() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=1", "auth.bcrypt_cost=10", "auth.bcrypt_threads=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (int i = 0; i < 30; i++) api.signup("S" + i);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(30);
            try {
                var replies = new java.util.ArrayList<java.util.concurrent.Future<Api.Reply>>();
                for (int i = 0; i < 30; i++) {
                    String who = "S" + i;
                    replies.add(pool.submit(() -> api.call("/login", "email", email(who), "password", md5("wrong"), "ip", "127.0.0.1:9")));
                }
                int wrong = 0, locked = 0;
                for (var r : replies) {
                    int code = r.get().code();
                    if (code == 401) wrong++; else if (code == 429) locked++;
                }
                assertTrue(wrong <= 10, "at most ten passwords checked from the address: " + wrong + " wrong, " + locked + " locked");
                assertEquals(30, wrong + locked);
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /** Every login is counted against the address before its password is checked; a right one takes its count back. */
    @Test
    void anAddressWhosePlayersLogInRightIsNeverLocked() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            for (int i = 0; i < 15; i++) {
                assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code(),
                        "login " + (i + 1) + " from an address whose ten-attempt limit no wrong password has touched");
            }
        });
    }

    /** The lock runs from the last counted failure: attempts while locked do not move it, and once it is over the count starts again. */
    @Test
    void aLockIsNotLengthenedByAttemptsAndAnOldCountStartsAgain() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.max_failed_logins=2", "auth.lockout_minutes=10")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            for (int i = 0; i < 2; i++) assertEquals(401, api.call("/login", "email", email("Ann"), "password", md5("wrong"), "ip", "127.0.0.1:9").code());
            assertEquals(429, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            long nearlyOver = System.currentTimeMillis() - 10 * 60_000L + 30_000L; // the lock has half a minute left
            ageAccountCount(nearlyOver);
            assertEquals(429, api.call("/login", "email", email("Ann"), "password", md5("wrong"), "ip", "127.0.0.1:9").code());
            assertEquals(429, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            assertEquals(nearlyOver, accountCount()[1], "attempts while locked leave the lock's start where it was");

            ageAccountCount(System.currentTimeMillis() - 10 * 60_000L - 1_000L);
            assertEquals(401, api.call("/login", "email", email("Ann"), "password", md5("wrong"), "ip", "127.0.0.1:9").code(),
                    "the lock is over: the wrong password is checked again");
            assertEquals(1, accountCount()[0], "and counted from one");
            assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
        });
    }

    private void ageAccountCount(long lastAt) throws java.sql.SQLException {
        try (var c = TestConfig.connect(dir); var update = c.prepareStatement("update login_failures set last_at = ? where key like 'a:%'")) {
            update.setLong(1, lastAt);
            assertEquals(1, update.executeUpdate());
        }
    }

    /** The account's failures and the time its count last moved. */
    private long[] accountCount() throws java.sql.SQLException {
        try (var c = TestConfig.connect(dir); var rows = c.createStatement().executeQuery("select failures, last_at from login_failures where key like 'a:%'")) {
            assertTrue(rows.next());
            return new long[]{rows.getLong(1), rows.getLong(2)};
        }
    }

    @Test
    void thePasswordIsNeverStoredAndTokensOnlyAsHashes() throws Exception {
        String secret = md5("correct horse battery staple");
        var holder = new String[1];
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            holder[0] = api.call("/signup", "email", "clear@example.org", "username", "Clear", "password", secret, "ip", "127.0.0.1:9").text("token");
        });
        try (var db = TestConfig.connect(dir)) {
            var tables = db.getMetaData().getTables(null, null, "%", new String[]{"TABLE"});
            var names = new java.util.ArrayList<String>();
            while (tables.next()) names.add(tables.getString("TABLE_NAME"));
            assertTrue(names.contains("sessions") && names.contains("players"), "tables: " + names);
            for (String table : names) {
                var rows = db.createStatement().executeQuery("select * from \"" + table + "\"");
                while (rows.next()) {
                    for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
                        Object v = rows.getObject(c);
                        String s = v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : String.valueOf(v);
                        assertFalse(s.contains(secret), table + " holds the password");
                        assertFalse(s.contains(holder[0]), table + " holds the token");
                    }
                }
            }
        }
    }

    @Test
    void tokenModeAcceptsOnlyTheRolesOwnToken() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.mode=token")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String ann = api.signup("Ann");
            String bob = api.signup("Bob");
            assertEquals(401, api.call("/status", "role", "Ann").http());
            assertEquals(200, api.post("/status", Api.body("role", "Ann"), Map.of("Authorization", "Bearer " + ann)).http());
            assertEquals(200, api.call("/status", "role", "Ann", "token", ann).http());
            assertEquals(401, api.call("/status", "role", "Ann", "token", bob).http(), "Bob's token is not Ann's");
            assertEquals(401, api.call("/status", "role", "Nobody", "token", ann).http());
            assertEquals(200, api.call("/logout", "role", "Ann", "token", ann).code());
            assertEquals(401, api.call("/status", "role", "Ann", "token", ann).http(), "logout ends the token");
            assertEquals(200, api.call("/status", "role", "Bob", "token", bob).http(), "and only that one");
        });
    }

    @Test
    void tokenOrAddressAcceptsTheLoginAddressButNotAnother() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String ann = api.signup("Ann");
            assertEquals(200, api.call("/status", "role", "Ann").http(), "same address, no token");
            assertEquals(401, RawHttp.from("127.0.0.2", api.base(), "/status", "role", "Ann").http(), "another address, no token");
            assertEquals(200, RawHttp.from("127.0.0.2", api.base(), "/status", "role", "Ann", "token", ann).http(), "another address with the token");
            api.call("/logout", "role", "Ann");
            assertEquals(401, api.call("/status", "role", "Ann").http(), "logout ends address-based access");
            assertEquals(200, api.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9").code());
            assertEquals(200, api.call("/status", "role", "Ann").http(), "until the next login");
        });
    }

    @Test
    void aBrowserRequestNeedsTheTokenEvenFromTheLoginAddress() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String token = api.signup("Ann");
            var origin = Map.of("Origin", "http://evil.example");
            assertEquals(401, api.post("/merge", Api.body("role", "Ann", "mode", 1, "num", 50, "des", "x"), origin).http());
            assertEquals(100, api.call("/status", "role", "Ann").get("stats").path("matter").asInt(), "nothing spent");
            assertEquals(200, api.post("/status", Api.body("role", "Ann", "token", token), origin).http());
            assertEquals(200, api.post("/status", Api.body("role", "Ann"), Map.of("Origin", "http://localhost:3000")).http(), "the player's own page");
            assertEquals(401, api.post("/status", Api.body("role", "Ann"), Map.of("Origin", "http://localhost.evil.example")).http());
            assertEquals(401, api.post("/status", Api.body("role", "Ann"), Map.of("Origin", "null")).http(), "sandboxed frames");
            var preflight = api.send("OPTIONS", "/status", null, Map.of("Origin", "http://game.example",
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"));
            assertTrue(preflight.http() < 300, "preflight: " + preflight.http());
            assertEquals("*", preflight.headers().get("access-control-allow-origin").get(0));
        });
    }

    @Test
    void openModeAcceptsAnyRequest() {
        JavalinTest.test(App.create(TestConfig.of(dir, "auth.mode=open")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.call("/logout", "role", "Ann");
            assertEquals(200, RawHttp.from("127.0.0.2", api.base(), "/status", "role", "Ann").http());
        });
    }

    @Test
    void legalJudgesNamesAndDescriptions() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String good : new String[]{"林风07", "Aria_7", "Zoë-2", "星·辰"}) assertTrue(api.call("/legal", "mode", 0, "content", good).get("status").asBoolean(), good);
            for (String bad : new String[]{"a", "x".repeat(17), "有 空格", "系统", "admin", "老苏", "fuck_you", "tab\tname"}) {
                var r = api.call("/legal", "mode", 0, "content", bad);
                assertFalse(r.get("status").asBoolean(), bad);
                assertFalse(r.text("reason").isBlank());
            }
            assertTrue(api.call("/legal", "mode", 1, "content", "一位来自北方的剑客，沉默寡言。").get("status").asBoolean());
            assertFalse(api.call("/legal", "mode", 1, "content", "").get("status").asBoolean());
            assertFalse(api.call("/legal", "mode", 1, "content", "x".repeat(501)).get("status").asBoolean());
            assertEquals(400, api.call("/legal", "mode", 7, "content", "x").http());
            assertEquals(400, api.call("/legal", "mode", "0", "content", "x").http());
        });
    }

    @Test
    void logsCarryNoSecrets() throws Exception {
        String password = md5("hunter2-secret");
        var tokens = new java.util.ArrayList<String>();
        String out = JavalinTest.captureStdOut(() -> JavalinTest.test(App.create(TestConfig.of(dir)), new io.javalin.testtools.TestConfig(true, false), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String token = api.call("/signup", "email", "s@example.org", "username", "Sec", "password", password, "ip", "127.0.0.1:9").text("token");
            tokens.add(token);
            api.call("/status", "role", "Sec", "token", token);
            tokens.add(api.call("/login", "email", "s@example.org", "password", password, "ip", "127.0.0.1:9").text("token"));
            api.post("/status", Map.of("role", "Sec"), Map.of("Authorization", "Bearer " + tokens.get(1)));
        }));
        assertTrue(out.contains("/signup") && out.contains("/status"), "requests are logged");
        assertFalse(out.contains(password));
        assertEquals(2, tokens.size());
        for (String token : tokens) assertFalse(out.contains(token), "no token in the log");
        assertFalse(out.contains(tokens.get(0).substring(0, 16)), "nor a part of one");
    }
}
