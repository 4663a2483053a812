package taleweaver;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.db.Database;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static taleweaver.Api.email;
import static taleweaver.Api.md5;

/**
 * Several instances on one PostgreSQL play as one server (SPEC §15): two or three real apps on one real database
 * (embedded PostgreSQL, a fresh database per test), each request sent to whichever instance the test names.
 */
class ClusterTest {
    @TempDir
    Path dir;

    private final List<Javalin> apps = new ArrayList<>();
    private String url;

    /** {@code n} instances on one new database; instance i answers at apis.get(i). */
    private List<Api> start(int n, String... sets) {
        url = TestPostgres.freshUrl();
        var apis = new ArrayList<Api>();
        for (int i = 0; i < n; i++) apis.add(startOne(i, sets));
        return apis;
    }

    private Api startOne(int i, String... sets) {
        var all = new ArrayList<>(List.of("storage.url=" + url, "server.instance_id=i" + i));
        all.addAll(List.of(sets));
        Javalin app = App.create(TestConfig.of(dir.resolve("i" + i), all.toArray(String[]::new))).start("127.0.0.1", 0);
        apps.add(app);
        return new Api("http://127.0.0.1:" + app.port());
    }

    @AfterEach
    void stop() {
        apps.forEach(Javalin::stop);
    }

    private long sql(String query, Object... args) throws Exception {
        try (var c = DriverManager.getConnection(url)) {
            var st = c.prepareStatement(query);
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            var rs = st.executeQuery();
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Polls {@code check} every 50 ms for up to {@code seconds}; true once it holds. */
    private static boolean within(double seconds, Supplier<Boolean> check) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (check.get()) return true;
            Thread.sleep(50);
        }
        return check.get();
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void aTokenFromOneInstanceWorksOnAllAndLogoutEndsItEverywhere() throws Exception {
        var api = start(2, "auth.mode=token");
        String token = api.get(0).signup("Ann");
        var on1 = api.get(1).post("/status", Map.of("role", "Ann"), bearer(token));
        assertEquals(200, on1.code(), "a token issued by instance 0 works on instance 1: " + on1.raw());
        assertEquals(200, api.get(0).post("/logout", Map.of("role", "Ann"), bearer(token)).code());
        assertTrue(within(1.5, () -> api.get(1).post("/status", Map.of("role", "Ann"), bearer(token)).http() == 401),
                "instance 1 (which had the session cached) refuses it within a second");
    }

    @Test
    void theHostsKickOnOneInstanceEndsTheSessionOnTheOther() throws Exception {
        var api = start(2, "auth.mode=token", "admin.token=cluster-admin-token-0123456789");
        String token = api.get(0).signup("Ann");
        assertEquals(200, api.get(1).post("/status", Map.of("role", "Ann"), bearer(token)).code());
        var kick = api.get(0).post("/admin/kick", Map.of("username", "Ann"), bearer("cluster-admin-token-0123456789"));
        assertEquals(200, kick.code(), kick.raw());
        assertTrue(within(1.5, () -> api.get(1).post("/status", Map.of("role", "Ann"), bearer(token)).http() == 401));
        var backup = api.get(1).post("/admin/backup", Map.of(), bearer("cluster-admin-token-0123456789"));
        assertEquals(501, backup.code(), "on PostgreSQL backups are the database's own: " + backup.raw());
        assertTrue(backup.text("reason").contains("pg_dump"));
    }

    @Test
    void presenceIsSharedAndAChallengeSentOnOneIsAnsweredOnAnotherWakingTheWaiter() throws Exception {
        var api = start(2);
        api.get(0).signup("Ann");
        api.get(1).signup("Bob");
        assertTrue(within(3, () -> api.get(1).call("/get_list", "role", "Bob").get("roles").toString().contains("Ann")),
                "Ann, active on instance 0, is online in instance 1's list");
        assertTrue(within(3, () -> api.get(0).call("/get_list", "role", "Ann").get("roles").toString().contains("Bob")));
        var waiting = CompletableFuture.supplyAsync(() -> api.get(0).call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 20));
        String[] id = new String[1];
        assertTrue(within(5, () -> {
            var beat = api.get(1).call("/refrash", "role", "Bob");
            if (beat.get("id_list").size() == 0) return false;
            id[0] = beat.get("id_list").get(0).asText();
            return true;
        }), "the challenge shows in Bob's heartbeat on the other instance");
        assertEquals(200, api.get(1).call("/accept_challenge", "role", "Bob", "id", id[0]).code());
        var answer = waiting.get(5, TimeUnit.SECONDS); // well before its 20 s wait: woken by the other instance
        assertEquals("accepted", answer.text("state"), answer.raw());
        assertTrue(answer.get("status").asBoolean());
        assertEquals(200, api.get(0).call("/logout", "role", "Ann").code());
        assertTrue(within(1.5, () -> !api.get(1).call("/get_list", "role", "Bob").get("roles").toString().contains("Ann")),
                "logged out on instance 0: offline in instance 1's list at once");
    }

    @Test
    void aRoundWithItsMovesOnTwoInstancesIsJudgedOnce() throws Exception {
        var api = start(2);
        api.get(0).signup("Ann");
        api.get(1).signup("Bob");
        assertTrue(within(3, () -> api.get(0).call("/get_list", "role", "Ann").get("roles").toString().contains("Bob")));
        assertTrue(within(3, () -> api.get(1).call("/get_list", "role", "Bob").get("roles").toString().contains("Ann")));
        String id = api.get(0).call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
        assertEquals(200, api.get(1).call("/accept_challenge", "role", "Bob", "id", id).code());
        var pool = Executors.newFixedThreadPool(2);
        var ann = pool.submit(() -> api.get(0).call("/battle", "role", "Ann", "id", id, "text", "a feint to the left"));
        Thread.sleep(200); // Ann waits, parked on instance 0
        var bob = pool.submit(() -> api.get(1).call("/battle", "role", "Bob", "id", id, "text", "a shield bash"));
        var a = ann.get(10, TimeUnit.SECONDS);
        var b = bob.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals("a shield bash", a.text("action"), "Ann, waiting on instance 0, hears Bob's move made on 1: " + a.raw());
        assertEquals("a feint to the left", b.text("action"), b.raw());
        assertEquals(1, sql("select count(*) from battle_rounds where battle_id = ? and round = 1", id));
        assertEquals(2, sql("select round from battles where id = ?", id));
    }

    @Test
    void aRoundTimesOutOnceAlsoWhenTheInstanceThatStartedItIsGone() throws Exception {
        var api = start(2, "battle.round_timeout_seconds=2", "server.shutdown_grace_seconds=0");
        api.get(0).signup("Ann");
        api.get(0).signup("Bob");
        String id = api.get(0).call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
        assertEquals(200, api.get(0).call("/accept_challenge", "role", "Bob", "id", id).code());
        assertEquals(200, api.get(0).call("/battle", "role", "Ann", "id", id, "text", "I strike", "wait", 0).code());
        apps.get(0).stop(); // its timer for round 1 goes with it
        assertTrue(within(6, () -> {
            try {
                return sql("select count(*) from battle_rounds where battle_id = ? and round = 1", id) == 1;
            } catch (Exception e) {
                return false;
            }
        }), "instance 1 judged the overdue round");
        Thread.sleep(1500);
        assertEquals(1, sql("select count(*) from battle_rounds where battle_id = ? and round = 1", id), "once");
    }

    @Test
    void onePlayersTurnsAcrossInstancesAreOneAtATimeAndRewardedOnce() throws Exception {
        var api = start(3, "tasks.max_turns_per_stage=1");
        api.get(0).signup("Ann");
        assertEquals(200, api.get(0).call("/select", "role", "Ann", "task_name", "迷雾灯塔").code());
        int exp0 = api.get(0).call("/status", "role", "Ann").get("stats").path("exp").asInt();
        var pool = Executors.newFixedThreadPool(9);
        var replies = new ArrayList<java.util.concurrent.Future<Api.Reply>>();
        for (int i = 0; i < 9; i++) {
            Api on = api.get(i % 3);
            replies.add(pool.submit(() -> on.call("/feedback", "role", "Ann", "text", "I go on", "roles", List.of())));
        }
        int rewarded = 0, played = 0;
        for (var r : replies) {
            var reply = r.get(60, TimeUnit.SECONDS);
            assertTrue(reply.http() == 200, reply.raw());
            if (reply.code() == 200) played++;
            if (reply.get("status").asBoolean()) rewarded++;
        }
        pool.shutdown();
        long stages = sql("select count(*) from turns where task_key = 'c:迷雾灯塔'");
        assertEquals(played, stages, "one turn stored for each turn answered");
        assertTrue(rewarded <= 1, "the reward is granted at most once: " + rewarded);
        int exp = api.get(1).call("/status", "role", "Ann").get("stats").path("exp").asInt();
        long done = sql("select done from task_progress where task_key = 'c:迷雾灯塔'");
        assertEquals(done == 1 ? 1 : 0, rewarded, "rewarded exactly when the task ended");
        if (done == 1) assertTrue(exp > exp0, "the reward's experience, once");
        assertEquals(0, sql("select count(*) from lanes where until_at > ?", System.currentTimeMillis()), "every lease given back");
    }

    @Test
    void aPlayersModelCallsAreOneAtATimeAcrossInstances() throws Exception {
        var inFlight = new java.util.concurrent.atomic.AtomicInteger();
        var most = new java.util.concurrent.atomic.AtomicInteger();
        var stub = new taleweaver.narrator.ModelStub(request -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(150); // a model that takes its time: turns arriving meanwhile must wait for the lease
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return taleweaver.narrator.ModelStub.json(Map.of("text", "The mist parts."));
        });
        try {
            var api = start(3, "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k");
            api.get(0).signup("Ann");
            var pool = Executors.newFixedThreadPool(6);
            var turns = new ArrayList<java.util.concurrent.Future<Api.Reply>>();
            for (int i = 0; i < 6; i++) {
                Api on = api.get(i % 3);
                turns.add(pool.submit(() -> on.call("/main", "role", "Ann", "text", "what news?")));
            }
            for (var t : turns) assertEquals(200, t.get(60, TimeUnit.SECONDS).code());
            pool.shutdown();
            assertEquals(6, stub.requests.size(), "every turn was answered by the model");
            assertEquals(1, most.get(), "never two of one player's model calls at once, whichever instances the turns reached");
        } finally {
            stub.close();
        }
    }

    @Test
    void aLockoutCountsWrongPasswordsOnEveryInstance() {
        var api = start(2, "auth.max_failed_logins=3");
        api.get(0).signup("Ann");
        for (int i = 0; i < 3; i++) {
            var wrong = api.get(i % 2).call("/login", "email", email("Ann"), "password", md5("guess" + i), "ip", "127.0.0.1:9");
            assertEquals(401, wrong.code(), wrong.raw());
        }
        var right = api.get(1).call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9");
        assertEquals(429, right.code(), "three wrong guesses over two instances lock the account: " + right.raw());
    }

    @Test
    void moveToCopiesAStoppedSqliteServerIntoAnEmptyPostgresAndPlayersLogInAsBefore() throws Exception {
        Path old = dir.resolve("sqlite");
        var sqlite = App.create(TestConfig.of(old, "storage.url=")).start("127.0.0.1", 0);
        var before = new Api("http://127.0.0.1:" + sqlite.port());
        before.signup("Ann");
        before.signup("Bob");
        assertEquals(200, before.call("/select", "role", "Ann", "task_name", "迷雾灯塔").code());
        assertEquals(200, before.call("/feedback", "role", "Ann", "text", "I look around", "roles", List.of()).code());
        String sheet = before.call("/status", "role", "Ann").get("stats").toString();
        sqlite.stop();
        long size = java.nio.file.Files.size(old.resolve("game.db"));

        url = TestPostgres.freshUrl();
        String file = old.resolve("game.db").toString();
        assertEquals(0, App.moveTo(new String[]{"move-to", url, "--set", "storage.database=" + file}));
        assertEquals(size, java.nio.file.Files.size(old.resolve("game.db")), "the source is left as it was");
        assertEquals(2, sql("select count(*) from players"));
        assertEquals(2, App.moveTo(new String[]{"move-to", url, "--set", "storage.database=" + file}), "only into an empty database");

        Api after = startOne(0, "auth.mode=token");
        var login = after.call("/login", "email", email("Ann"), "password", md5("pw-Ann"), "ip", "127.0.0.1:9");
        assertEquals(200, login.code(), login.raw());
        assertEquals(sheet, after.post("/status", Map.of("role", "Ann"), bearer(login.text("token"))).get("stats").toString());
        assertEquals(200, after.post("/feedback", Map.of("role", "Ann", "text", "I go on", "roles", List.of()), bearer(login.text("token"))).code());
        after.call("/signup", "email", email("Cy"), "username", "Cy", "password", md5("pw-Cy"), "ip", "127.0.0.1:9");
        assertEquals(3, sql("select count(*) from players"), "new ids follow the copied ones");
    }

    @Test
    void aDatabaseRestartGives503sNeverA500AndPlayResumesByItself() throws Exception {
        Path data = dir.resolve("pgdata");
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
        try {
            url = pg.getJdbcUrl("postgres", "postgres");
            Api api = startOne(0);
            api.signup("Ann");
            assertEquals(200, api.call("/status", "role", "Ann").code());
            pg.close();
            var away = api.call("/status", "role", "Ann");
            assertEquals(503, away.http(), "the database is away: " + away.raw());
            assertEquals("1", away.headers().get("retry-after").get(0));
            var turn = api.call("/main", "role", "Ann", "text", "hello?");
            assertEquals(503, turn.http(), turn.raw());
            assertTrue(within(3, () -> "db_down".equals(api.call("/health").text("status"))), "/health says so (HTTP 200)");
            assertEquals("postgresql", api.call("/health").text("db"));
            pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            assertTrue(within(15, () -> api.call("/status", "role", "Ann").code() == 200), "play resumes once the database is back");
            assertEquals(200, api.call("/main", "role", "Ann", "text", "hello again").code());
            assertTrue(within(3, () -> "ok".equals(api.call("/health").text("status"))));
        } finally {
            stop();
            apps.clear();
            pg.close();
        }
    }

    @Test
    void theDailyTokenBudgetCountsWhatEveryInstanceSpent() {
        var api = start(1);
        api.get(0).signup("Ann");
        var storage = TestConfig.of(dir, "storage.url=" + url).storage();
        try (var one = new Database(storage); var two = new Database(storage)) {
            var a = new taleweaver.narrator.TokenLedger(one, 1000);
            var b = new taleweaver.narrator.TokenLedger(two, 1000);
            assertEquals(0, b.spentToday(1));
            a.record(1, 600);
            a.flush();
            b.flush();
            assertEquals(600, b.spentToday(1), "what instance a spent counts on instance b after a flush (every second)");
            b.record(1, 500);
            b.flush();
            a.flush();
            assertFalse(a.hasBudget(1), "1,100 of 1,000 spent over two instances");
        }
    }

    /**
     * Issue 22: a budget that allows two model calls makes exactly two, however a player's turns are spread over the
     * instances and however quickly they follow each other (the lease reads the total and writes the turn's tokens).
     */
    @Test
    void theDailyBudgetIsExactWhenAPlayersTurnsGoThroughEveryInstance() throws Exception {
        var stub = new taleweaver.narrator.ModelStub(request -> taleweaver.narrator.ModelStub.json(Map.of("text", "The mist parts."))); // 60 tokens
        try {
            var api = start(3, "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k",
                    "narrator.daily_tokens_per_player=100");
            for (int p = 0; p < 6; p++) {
                String name = "Budget" + p;
                api.get(p % 3).signup(name);
                int before = stub.requests.size();
                for (int turn = 0; turn < 3; turn++) {
                    assertEquals(200, api.get((p + turn) % 3).call("/main", "role", name, "text", "what news?").code());
                }
                assertEquals(2, stub.requests.size() - before, name + ": 0 and 60 of 100 spent go to the model, 120 does not");
            }
        } finally {
            stub.close();
        }
    }

    @Test
    void instancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
        url = TestPostgres.freshUrl();
        var storage = TestConfig.of(dir, "storage.url=" + url).storage();
        var starts = new ArrayList<CompletableFuture<Database>>();
        for (int i = 0; i < 3; i++) starts.add(CompletableFuture.supplyAsync(() -> new Database(storage)));
        for (var s : starts) s.get(30, TimeUnit.SECONDS).close();
        assertEquals(Database.MIGRATIONS.length, sql("select count(*) from schema_migrations"));
        assertEquals(Database.MIGRATIONS.length, sql("select count(distinct version) from schema_migrations"));
        assertFalse(sql("select count(*) from players") != 0);
    }

    /** A friend waiting to duel you: a challenge sent through one instance at once after a signup or login on another. */
    @Test
    void aChallengeRightAfterALoginOnAnotherInstanceFindsThePlayerOnline() throws Exception {
        var api = start(2);
        api.get(0).signup("Host");
        for (int i = 0; i < 8; i++) {
            String name = "Fresh" + i;
            api.get(1).signup(name); // presence is shared each second, but the signup's own row is written at once
            var challenge = api.get(0).call("/challenge", "role1", "Host", "role2", name, "wait", 0);
            assertEquals(200, challenge.code(), "signed up on instance 1, challenged through instance 0 at once: " + challenge.raw());
            api.get(1).call("/logout", "role", name);
            assertEquals(200, api.get(1).call("/login", "email", email(name), "password", md5("pw-" + name), "ip", "127.0.0.1:9").code());
            var again = api.get(0).call("/challenge", "role1", "Host", "role2", name, "wait", 0);
            assertEquals(200, again.code(), "logged in again on instance 1: " + again.raw());
        }
    }

    @Test
    void aPlayerSeenOnlyOnAnotherInstanceGoesOfflineThereAfterTheTimeout() throws Exception {
        var api = start(2, "presence.timeout_seconds=1");
        api.get(0).signup("Host");
        api.get(1).signup("Quiet"); // seen on instance 1 only, and silent from then on
        var first = api.get(0).call("/challenge", "role1", "Host", "role2", "Quiet", "wait", 0);
        assertEquals(200, first.code(), "just signed up on instance 1: online on instance 0 too " + first.raw());
        assertTrue(within(8, () -> {
            var later = api.get(0).call("/challenge", "role1", "Host", "role2", "Quiet", "wait", 0);
            return later.code() == 409 && later.text("error").equals("offline");
        }), "silent past presence.timeout_seconds: offline on instance 0 as well");
    }

    // ------------------------------------------------------------------ party quests across instances (SPEC §16)

    private static List<com.fasterxml.jackson.databind.JsonNode> resolvedEvents(Api api, String role) {
        var out = new ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        api.call("/party_wait", "role", role, "after", 0, "wait", 0).get("events").forEach(e -> {
            if (e.path("kind").asText().equals("resolved")) out.add(e);
        });
        return out;
    }

    /** Four members, each on the instance given, in one party of the Flooded Well; the quest started. */
    private void partyAcross(List<Api> on, List<String> names) throws Exception {
        for (int i = 0; i < names.size(); i++) on.get(i).signup(names.get(i));
        String code = on.get(0).call("/party_create", "role", names.get(0)).text("code");
        for (int i = 1; i < names.size(); i++) assertEquals(200, on.get(i).call("/party_join", "role", names.get(i), "code", code).code());
        Thread.sleep(1_500); // presence is shared once a second: everyone is online everywhere
        assertEquals(200, on.get(0).call("/party_start", "role", names.get(0), "task_name", "The Flooded Well").code());
        for (int i = 1; i < names.size(); i++) assertEquals(200, on.get(i).call("/party_ready", "role", names.get(i), "ready", true).code());
    }

    @Test
    void fourMembersOnThreeInstancesFinishAPartyQuestAndHearTheTellingWherever() throws Exception {
        var api = start(3, "game.language=en");
        var names = List.of("Pa", "Pb", "Pc", "Pd");
        var on = List.of(api.get(0), api.get(1), api.get(2), api.get(0));
        partyAcross(on, names);
        // round 1: Pd (instance 0) declares last, so instance 0 tells it; Pc listens on instance 2
        int before = on.get(2).call("/party_status", "role", "Pc").get("last").asInt();
        var hearing = CompletableFuture.supplyAsync(() -> on.get(2).call("/party_wait", "role", "Pc", "after", before, "wait", 30));
        assertTrue(within(5, () -> on.get(2).send("GET", "/metrics", null, Map.of()).raw().contains("taleweaver_waits_parked 1.0")));
        on.get(0).call("/party_act", "role", "Pa", "text", "I hold the rope");
        var heard = hearing.get(10, TimeUnit.SECONDS); // a declaration on another instance wakes the wait, not its 30 s
        assertEquals("acted", heard.get("events").get(0).path("kind").asText(), heard.toString());
        on.get(1).call("/party_act", "role", "Pb", "text", "I climb down");
        on.get(2).call("/party_hold", "role", "Pc");
        int last = on.get(2).call("/party_status", "role", "Pc").get("last").asInt();
        var listening = CompletableFuture.supplyAsync(() -> {
            var reply = on.get(2).post("/party_wait", Api.body("role", "Pc", "after", last, "wait", 20), Map.of("Accept", "text/event-stream"));
            return reply.http() + " " + reply.raw();
        });
        assertTrue(within(5, () -> on.get(2).send("GET", "/metrics", null, Map.of()).raw().contains("taleweaver_waits_parked 1.0")),
                "Pc waits on instance 2");
        on.get(3).call("/party_act", "role", "Pd", "text", "I light a lantern for them");
        String raw = listening.get(20, TimeUnit.SECONDS);
        assertTrue(raw.contains("event: delta") && raw.contains("event: done"), raw);
        assertTrue(within(5, () -> resolvedEvents(api.get(1), "Pb").size() == 1));
        int told = on.get(2).call("/party_status", "role", "Pc").get("last").asInt();
        String next = on.get(2).post("/party_wait", Api.body("role", "Pc", "after", told, "wait", 1), Map.of("Accept", "text/event-stream")).raw();
        assertFalse(next.contains("event: delta"), "the round told on instance 0 is not heard again on instance 2: " + next);
        // round 2, declarations racing on three instances
        var pool = Executors.newFixedThreadPool(4);
        try {
            var acts = new ArrayList<java.util.concurrent.Future<?>>();
            acts.add(pool.submit(() -> on.get(0).call("/party_act", "role", "Pa", "text", "I calm the dog with a whistle")));
            acts.add(pool.submit(() -> on.get(1).call("/party_act", "role", "Pb", "text", "I haul the dog up")));
            acts.add(pool.submit(() -> on.get(2).call("/party_hold", "role", "Pc")));
            acts.add(pool.submit(() -> on.get(3).call("/party_act", "role", "Pd", "text", "I pet the dog gently")));
            for (var a : acts) a.get(20, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(within(10, () -> resolvedEvents(api.get(2), "Pc").size() == 2), "each round resolved once, whatever instance");
        var end = resolvedEvents(api.get(2), "Pc").get(1);
        assertTrue(end.path("finished").asBoolean(), end.toString());
        assertEquals(List.of(1, 2), resolvedEvents(api.get(0), "Pa").stream().map(e -> e.path("round").asInt()).toList());
        assertTrue(end.path("reward").has("Pa") && end.path("reward").has("Pd") && !end.path("reward").has("Pc"), end.toString());
        assertEquals(1, sql("select count(*) from chronicle where text like ?", "%The Flooded Well%"), "one chronicle line");
    }

    /**
     * A member connected to another instance than the one telling the round hears the model's words as they are
     * written (several deltas, relayed in batches), and they are the words of the resolution: not one piece made of
     * the whole text at the end, which a wait that heard nothing relayed would also show.
     */
    @Test
    void aMemberOnAnotherInstanceHearsTheModelsWordsAsTheyAreWritten() throws Exception {
        String words = "Sa braces the rope while Sb climbs into the dark; the water is cold and the dog whines below them.";
        try (var stub = new taleweaver.narrator.ModelStub(r -> r.path("stream").asBoolean()
                && r.path("messages").path(0).path("content").asText().contains("party quest") ? slowly("{\"text\": \"" + words + "\"}")
                : taleweaver.narrator.ModelStub.json(Map.of("text", "Welcome.")))) {
            var api = start(2, "game.language=en", "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(), "narrator.api_key=k",
                    "narrator.max_retries=0");
            partyAcross(List.of(api.get(0), api.get(1)), List.of("Sa", "Sb"));
            assertEquals(200, api.get(1).call("/party_act", "role", "Sb", "text", "I climb down").code());
            int last = api.get(1).call("/party_status", "role", "Sb").get("last").asInt();
            var listening = CompletableFuture.supplyAsync(() -> api.get(1).post("/party_wait", Api.body("role", "Sb", "after", last, "wait", 30),
                    Map.of("Accept", "text/event-stream")).raw());
            assertTrue(within(5, () -> api.get(1).send("GET", "/metrics", null, Map.of()).raw().contains("taleweaver_waits_parked 1.0")));
            assertEquals(200, api.get(0).call("/party_act", "role", "Sa", "text", "I hold the rope").code()); // instance 0 tells it
            String raw = listening.get(30, TimeUnit.SECONDS);
            var deltas = new ArrayList<String>();
            String told = "";
            for (String block : raw.split("\n\n")) {
                var data = block.contains("data: ") ? taleweaver.web.Json.parse(block.substring(block.indexOf("data: ") + 6)) : null;
                if (block.startsWith("event: delta")) deltas.add(data.path("text").asText());
                if (block.startsWith("event: done")) told = data.path("events").findValuesAsText("text").stream().filter(t -> t.startsWith("Sa braces"))
                        .findFirst().orElse("");
            }
            assertTrue(deltas.size() >= 2, "heard as written, in batches: " + raw);
            assertTrue(String.join("", deltas).startsWith(words), "the model's words, whole and in order: " + deltas);
            assertTrue(told.startsWith(String.join("", deltas)), "the words of the resolution: " + told);
        }
    }

    /** A streamed completion whose body comes 48 bytes every 150 ms: a telling written over a couple of seconds. */
    private static mockwebserver3.MockResponse slowly(String content) {
        return new mockwebserver3.MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                .body(taleweaver.narrator.ModelStub.sse(content, 8, true)).throttleBody(48, 150, TimeUnit.MILLISECONDS).build();
    }

    @Test
    void aRoundWhoseInstanceDiedMidTellingIsResolvedOnceByAnotherWithEveryDeclaration() throws Exception {
        var api = start(2, "game.language=en", "narrator.turn_deadline_seconds=1");
        partyAcross(List.of(api.get(0), api.get(1)), List.of("Ka", "Kb"));
        api.get(0).call("/party_act", "role", "Ka", "text", "I hold the rope");
        // Kb's declaration was acknowledged, then its instance claimed the round and died before telling it:
        // what such a death leaves in the database, written as it would be
        String party = api.get(1).call("/party_status", "role", "Kb").text("party_id");
        try (var c = DriverManager.getConnection(url)) {
            var st = c.prepareStatement("insert into party_actions(party_id, round, player_id, kind, text, items, skills, at) "
                    + "select ?, 1, id, 'act', 'I climb down', '[]', '[]', 0 from players where name = 'Kb'");
            st.setString(1, party);
            st.executeUpdate();
            var claim = c.prepareStatement("update parties set resolving = 1, resolving_at = ?, round = 2, deadline = null where id = ?");
            claim.setLong(1, System.currentTimeMillis() - 600_000);
            claim.setString(2, party);
            assertEquals(1, claim.executeUpdate());
        }
        assertTrue(within(10, () -> resolvedEvents(api.get(0), "Ka").size() == 1), "another instance tells the round");
        Thread.sleep(1_500);
        var r = resolvedEvents(api.get(1), "Kb");
        assertEquals(1, r.size(), "once: " + r);
        assertTrue(r.get(0).path("actions").findValuesAsText("text").containsAll(List.of("I hold the rope", "I climb down")), r.toString());
        assertEquals(1, r.get(0).path("stage").asInt());
    }
}
