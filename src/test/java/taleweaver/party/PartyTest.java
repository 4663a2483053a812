package taleweaver.party;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Party quests over HTTP (SPEC §16), offline narrator: forming and its refusals, rounds, rewards, faults. */
class PartyTest {
    static final String WELL = "The Flooded Well";
    @TempDir
    Path dir;

    /** Every event of the player's party so far. */
    static List<JsonNode> events(Api api, String role) {
        var out = new ArrayList<JsonNode>();
        api.call("/party_wait", "role", role, "after", 0, "wait", 0).get("events").forEach(out::add);
        return out;
    }

    static List<JsonNode> resolved(Api api, String role) {
        return events(api, role).stream().filter(e -> e.path("kind").asText().equals("resolved")).toList();
    }

    /** A party of {@code names}, the first leading, joined by code; the quest of {@code task} started with everyone ready. */
    static String partyOf(Api api, String task, String... names) {
        for (String n : names) api.signup(n);
        var created = api.call("/party_create", "role", names[0]);
        assertEquals(200, created.code(), created.raw());
        String code = created.text("code");
        for (int i = 1; i < names.length; i++) assertEquals(200, api.call("/party_join", "role", names[i], "code", code).code());
        if (task != null) {
            assertEquals(200, api.call("/party_start", "role", names[0], "task_name", task).code());
            for (int i = 1; i < names.length; i++) assertEquals(200, api.call("/party_ready", "role", names[i], "ready", true).code());
        }
        return code;
    }

    /** The calls sent together, each from a thread of {@code pool}, released at once; their replies in order. */
    static List<Api.Reply> atOnce(ExecutorService pool, List<Callable<Api.Reply>> calls) throws Exception {
        var go = new CountDownLatch(1);
        var sent = new ArrayList<Future<Api.Reply>>();
        for (var call : calls) {
            sent.add(pool.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        var replies = new ArrayList<Api.Reply>();
        for (var f : sent) replies.add(f.get(10, TimeUnit.SECONDS));
        return replies;
    }

    @Test
    void formingByCodeAndByInvitationWithItsRefusals() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.max_members=3")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Cid", "Dee")) api.signup(n);
            assertEquals(404, api.call("/party_status", "role", "Ann").code(), "not in a party");
            var created = api.call("/party_create", "role", "Ann");
            String code = created.text("code");
            assertTrue(code.matches("[A-Z2-9]{6}"), code);
            assertNotNull(created.text("party_id"));
            assertEquals(409, api.call("/party_create", "role", "Ann").code(), "one party per player");
            assertEquals(404, api.call("/party_join", "role", "Bob", "code", "ZZZZZZ").code(), "unknown code");
            assertEquals(200, api.call("/party_join", "role", "Bob", "code", code.toLowerCase()).code(), "read aloud, typed in any case");
            assertEquals(409, api.call("/party_join", "role", "Bob", "code", code).code(), "already in a party");
            var taken = api.call("/party_invite", "role", "Ann", "name", "Bob");
            assertEquals(409, taken.code(), "no invitation to a player in a party");
            assertEquals("in_party", taken.text("error"));
            assertEquals(0, api.call("/refrash", "role", "Cid").get("party_invites").size(), "always present, [] when none");
            assertEquals(200, api.call("/party_invite", "role", "Bob", "name", "Cid").code());
            var invites = api.call("/refrash", "role", "Cid").get("party_invites");
            assertEquals(1, invites.size());
            assertEquals("Bob", invites.get(0).path("from").asText());
            assertEquals(404, api.call("/party_accept", "role", "Dee", "party_id", created.text("party_id")).code(), "not invited");
            assertEquals(200, api.call("/party_accept", "role", "Cid", "party_id", invites.get(0).path("party_id").asText()).code());
            assertEquals(0, api.call("/refrash", "role", "Cid").get("party_invites").size(), "the invitation is used");
            assertEquals(409, api.call("/party_join", "role", "Dee", "code", code).code(), "full at party.max_members");
            assertEquals(403, api.call("/party_kick", "role", "Bob", "name", "Cid").code(), "only the leader kicks");
            assertEquals(403, api.call("/party_start", "role", "Bob", "task_name", WELL).code(), "only the leader starts");
            assertEquals(403, api.call("/party_start", "role", "Bob", "task_name", "No Such Task").code(), "whatever the task");
            var unknown = api.call("/party_start", "role", "Ann", "task_name", "No Such Task");
            assertEquals(404, unknown.code(), unknown.raw());
            assertEquals("unknown_task", unknown.text("error"));
            assertEquals(409, api.call("/party_invite", "role", "Ann", "name", "Dee").code(), "no invitation beyond party.max_members");
            assertEquals(0, api.call("/refrash", "role", "Dee").get("party_invites").size());
            assertEquals(409, api.call("/party_kick", "role", "Ann", "name", "Ann").code(), "a leader leaves rather than kicks themself");
            assertEquals(200, api.call("/party_kick", "role", "Ann", "name", "Cid").code());
            assertEquals(404, api.call("/party_status", "role", "Cid").code());
            assertEquals(200, api.call("/party_leave", "role", "Ann").code());
            var status = api.call("/party_status", "role", "Bob");
            assertEquals("Bob", status.text("leader"), "the lead passes to the longest member");
            assertEquals(1, status.get("members").size());
            var kinds = events(api, "Bob").stream().map(e -> e.path("kind").asText()).toList();
            assertTrue(kinds.containsAll(List.of("joined", "left", "lead")), kinds.toString());
            assertEquals(409, api.call("/party_start", "role", "Bob", "task_name", WELL).code(), "a quest needs two");
        });
    }

    @Test
    void fourPlayersFinishAPartyTaskAndOnlyThoseWhoActedInHalfTheRoundsAreRewarded() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Cid", "Dan");
            var tasks = api.call("/party_tasks", "role", "Ann").get("task_list");
            assertTrue(tasks.size() >= 3, tasks.toString());
            var started = events(api, "Bob").stream().filter(e -> e.path("kind").asText().equals("started")).findFirst().orElseThrow();
            assertEquals(WELL, started.path("task").asText());
            int exp = api.call("/status", "role", "Cid").get("stats").path("exp").asInt();
            int annMatter = api.call("/status", "role", "Ann").get("stats").path("matter").asInt();
            int cidMatter = api.call("/status", "role", "Cid").get("stats").path("matter").asInt();
            // round 1: one ties the rope, one climbs; Cid and Dan hold
            api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak and hold it fast", "items", List.of(), "skills", List.of());
            api.call("/party_hold", "role", "Cid");
            api.call("/party_hold", "role", "Dan");
            assertEquals(0, resolved(api, "Ann").size(), "Bob has not acted: the round waits");
            api.call("/party_act", "role", "Bob", "text", "I climb down into the well");
            var first = resolved(api, "Ann");
            assertEquals(1, first.size());
            JsonNode r1 = first.get(0);
            assertEquals(1, r1.path("stage").asInt(), "both needs met by two pairs of hands");
            for (String n : List.of("Ann", "Bob", "Cid")) assertTrue(r1.path("text").asText().contains(n), "addresses " + n + ": " + r1);
            // round 2: calm and haul; Cid holds again, Dan keeps watch (he acted in half the rounds: exactly enough)
            api.call("/party_act", "role", "Ann", "text", "I whistle softly to calm the dog");
            api.call("/party_hold", "role", "Cid");
            api.call("/party_act", "role", "Dan", "text", "I keep watch at the rim");
            api.call("/party_act", "role", "Bob", "text", "I haul the bucket up");
            var last = resolved(api, "Cid").get(1);
            assertTrue(last.path("finished").asBoolean(), last.toString());
            String told = last.path("text").asText();
            assertTrue(told.contains("Dan") && !told.contains("nothing changes yet") && !told.contains("does not move the task on"),
                    "a hand lent to a stage the others met is not told as a try that failed: " + told);
            var reward = last.path("reward");
            assertTrue(reward.has("Ann") && reward.has("Bob"), reward.toString());
            assertFalse(reward.has("Cid"), "held every round: no reward");
            assertTrue(reward.has("Dan"), "acted in one round of two, half of them: rewarded " + reward);
            assertEquals(exp, api.call("/status", "role", "Cid").get("stats").path("exp").asInt());
            assertTrue(api.call("/status", "role", "Ann").get("stats").path("exp").asInt() > 0);
            int matter = reward.path("Ann").path("matter").asInt();
            assertTrue(matter > 0, reward.toString());
            assertEquals(annMatter + matter, api.call("/status", "role", "Ann").get("stats").path("matter").asInt(), "the reward's matter, once");
            assertEquals(cidMatter, api.call("/status", "role", "Cid").get("stats").path("matter").asInt());
            assertTrue(api.call("/party_status", "role", "Ann").get("task").isNull(), "the quest is over");
            var chronicle = api.call("/chronicle", "role", "Ann", "limit", 5).get("entries");
            assertTrue(chronicle.get(0).path("text").asText().contains("Ann") && chronicle.get(0).path("text").asText().contains("Cid"),
                    "one line naming them all: " + chronicle);
            assertEquals(1, chronicle.findValuesAsText("text").stream().filter(t -> t.contains(WELL)).count());
            var recount = api.call("/main", "role", "Bob", "text", "What have I done?").text("text");
            assertTrue(recount.contains("together with Ann, Cid, Dan."), "Bob's memory names the others, not himself: " + recount);
            assertTrue(api.call("/party_status", "role", "Cid").get("goal").isNull(), "no stage under way");
            var ended = api.call("/party_status", "role", "Cid").get("recent");
            assertTrue(ended.get(ended.size() - 1).path("finished").asBoolean(), "a reload after the end finds the last round: " + ended);
            // the next quest: a reload finds its scene, not the last quest's rounds
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            for (String n : List.of("Bob", "Cid", "Dan")) api.call("/party_ready", "role", n, "ready", true);
            var fresh = api.call("/party_status", "role", "Cid");
            assertEquals(0, fresh.get("recent").size());
            assertTrue(fresh.get("goal").asText().startsWith("Get down the well"), "a reload finds what the stage asks: " + fresh.raw());
            for (String n : List.of("Ann", "Bob", "Cid", "Dan")) api.call("/party_hold", "role", n);
            var next = api.call("/party_status", "role", "Cid").get("recent");
            assertEquals(1, next.size(), next.toString());
            assertEquals(1, next.get(0).path("round").asInt());
            assertFalse(next.get(0).path("finished").asBoolean());
        });
    }

    /**
     * The round's character speaks for themselves (issue 20's NPC faces): the resolved event carries their words apart
     * ({@code npc}) and the DM's part without them ({@code narration}), while {@code text} stays the whole telling; their
     * face is {@code /face/<name>}, made once and kept (ETag, 304), and a name not of the world has none.
     */
    @Test
    void theRoundsCharacterSpeaksUnderTheirOwnNameAndFace() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            api.call("/party_act", "role", "Ann", "text", "I hold the rope");
            api.call("/party_hold", "role", "Bob");
            var waiting = resolved(api, "Ann").get(0);
            var stage = taleweaver.party.PartyContent.builtIn("en").partyTasks().stream().filter(t -> t.name().equals(WELL))
                    .findFirst().orElseThrow().stages().get(0);
            assertEquals(stage.npc(), waiting.path("npc").path("name").asText(), waiting.toString());
            String says = waiting.path("npc").path("text").asText();
            assertTrue(stage.waiting().contains(says), says);
            assertTrue(waiting.path("text").asText().contains(says), "the whole telling keeps the words");
            assertFalse(waiting.path("narration").asText().contains(says), "the DM's part leaves them to the character");
            assertTrue(waiting.path("narration").asText().contains("Still needed"), waiting.toString());
            api.call("/party_hold", "role", "Ann");
            api.call("/party_hold", "role", "Bob");
            String next = resolved(api, "Ann").get(1).path("npc").path("text").asText();
            assertTrue(stage.waiting().contains(next), next);
            assertNotEquals(says, next, "a party stuck on a stage does not hear the same words every round");
            api.call("/party_act", "role", "Ann", "text", "I hold the rope");
            api.call("/party_act", "role", "Bob", "text", "I climb down into the well");
            var met = resolved(api, "Ann").get(2);
            assertEquals(stage.line(), met.path("npc").path("text").asText(), met.toString());

            var http = java.net.http.HttpClient.newHttpClient();
            var face = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.getOrigin() + "/face/"
                    + java.net.URLEncoder.encode(stage.npc(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, face.statusCode());
            assertEquals("image/png", face.headers().firstValue("Content-Type").orElse(""));
            assertEquals('P', face.body()[1], "a PNG");
            String tag = face.headers().firstValue("ETag").orElseThrow();
            var again = http.send(java.net.http.HttpRequest.newBuilder(face.request().uri()).header("If-None-Match", tag).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(304, again.statusCode());
            var nobody = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.getOrigin() + "/face/Ann")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(404, nobody.statusCode(), "a player is no character of the world");
        });
    }

    @Test
    void oneMemberNamingEveryNeedMeetsOnlyOne() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            api.call("/party_act", "role", "Ann", "text", "I hold the rope and climb down and tie it and descend");
            api.call("/party_hold", "role", "Bob");
            var r = resolved(api, "Ann").get(0);
            assertEquals(0, r.path("stage").asInt(), "a stage needs as many hands as it has needs: " + r);
            assertTrue(r.path("text").asText().contains("Still needed"), r.toString());
            // two pairs of hands on the same need meet it once: the other need is still wanted
            api.call("/party_act", "role", "Ann", "text", "I hold the rope");
            api.call("/party_act", "role", "Bob", "text", "I hold the rope too");
            var both = resolved(api, "Ann").get(1);
            assertEquals(0, both.path("stage").asInt(), both.toString());
        });
    }

    /**
     * No quest locks a party in (as SPEC §5 has it for a player's task), and no rule bends for it: from a stage's third
     * round, what it still needs is told with words that would meet it; the count starts again on the next stage.
     */
    @Test
    void aPartyStuckOnAStageIsToldWordsThatWouldMeetIt() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            java.util.function.BiFunction<String, String, JsonNode> round = (ann, bob) -> {
                int before = resolved(api, "Ann").size();
                api.call("/party_act", "role", "Ann", "text", ann);
                api.call("/party_act", "role", "Bob", "text", bob);
                return resolved(api, "Ann").get(before);
            };
            for (int i = 1; i <= 2; i++) {
                var r = round.apply("I sing a song", "I count the stones");
                assertTrue(r.path("narration").asText().endsWith("Still needed: the rope held fast, the climb down."), i + ": " + r);
            }
            var third = round.apply("I brace the rope", "I count the stones");
            assertEquals(0, third.path("stage").asInt(), "words told are no rule bent: " + third);
            assertTrue(third.path("narration").asText().endsWith("Still needed: the climb down (climb, down)."), third.toString());
            assertEquals(1, round.apply("I brace the rope", "I climb down").path("stage").asInt());
            for (int i = 1; i <= 2; i++) {
                var r = round.apply("I sing a song", "I count the stones");
                assertTrue(r.path("narration").asText().endsWith("Still needed: the dog calmed, the haul up."), "the next stage counts its own: " + r);
            }
            var stuck = round.apply("I sing a song", "I count the stones");
            assertTrue(stuck.path("text").asText().endsWith("Still needed: the dog calmed (calm, soothe), the haul up (pull, haul)."), stuck.toString());
        });
    }

    @Test
    void theLastTwoDeclarationsRacingResolveTheRoundOnce() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 6; trial++) {
                    String a = "Ra" + trial, b = "Rb" + trial;
                    partyOf(api, WELL, a, b);
                    for (int round = 1; round <= 3; round++) {
                        var both = atOnce(pool, List.of(() -> api.call("/party_act", "role", a, "text", "I look around"),
                                () -> api.call("/party_act", "role", b, "text", "I look around")));
                        for (var r : both) assertEquals(200, r.code());
                        var rounds = resolved(api, a).stream().map(e -> e.path("round").asInt()).toList();
                        assertEquals(round, rounds.size(), "trial " + trial + ": each round resolved once: " + rounds);
                        assertEquals(round, rounds.get(round - 1));
                    }
                    api.call("/party_leave", "role", a);
                    api.call("/party_leave", "role", b);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aPlayerJoiningTwoPartiesAtOnceEndsInOneAndIsToldOfTheOther() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Bob");
            var pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 8; trial++) {
                    String joiner = "Jo" + trial;
                    api.signup(joiner);
                    String first = api.call("/party_create", "role", "Ann").text("code");
                    String second = api.call("/party_create", "role", "Bob").text("code");
                    // by two codes, or (odd trials) by a code while creating a party of their own
                    boolean create = trial % 2 == 1;
                    var both = new ArrayList<>(atOnce(pool, List.of(() -> api.call("/party_join", "role", joiner, "code", first),
                            () -> create ? api.call("/party_create", "role", joiner) : api.call("/party_join", "role", joiner, "code", second))));
                    both.sort(java.util.Comparator.comparingInt(Api.Reply::code));
                    assertEquals(List.of(200, 409), both.stream().map(Api.Reply::code).toList(), "trial " + trial + ": one party, and the other refused");
                    assertEquals("in_party", both.get(1).text("error"), "trial " + trial);
                    var status = api.call("/party_status", "role", joiner);
                    assertEquals(200, status.code());
                    int seen = 0;
                    for (String owner : List.of("Ann", "Bob")) {
                        seen += (int) api.call("/party_status", "role", owner).get("members").findValuesAsText("name").stream()
                                .filter(joiner::equals).count();
                    }
                    assertTrue(seen <= 1, "trial " + trial + ": in one party's members at most");
                    for (String n : List.of(joiner, "Ann", "Bob")) api.call("/party_leave", "role", n);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aSecondActionReplacesTheFirstUntilTheRoundLocks() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            api.call("/party_act", "role", "Ann", "text", "I sing a song");
            api.call("/party_act", "role", "Ann", "text", "I hold the rope");
            assertTrue(api.call("/party_status", "role", "Bob").get("members").get(0).path("acted").asBoolean());
            api.call("/party_act", "role", "Bob", "text", "I climb down");
            var r = resolved(api, "Ann").get(0);
            var texts = r.path("actions").findValuesAsText("text");
            assertTrue(texts.contains("I hold the rope") && !texts.contains("I sing a song"), r.toString());
            assertEquals(1, r.path("stage").asInt());
        });
    }

    @Test
    void aRoundDeadlineHoldsForTheSilentWhoBecomePassiveAndComeBackByActing() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.round_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            for (int round = 1; round <= 2; round++) {
                api.call("/party_act", "role", "Ann", "text", "I look at the well");
                int want = round;
                await(() -> resolved(api, "Ann").size() >= want);
                if (round == 1) {
                    assertEquals("active", api.call("/party_status", "role", "Ann").get("members").get(1).path("state").asText(),
                            "one hold by timeout is not yet two");
                }
            }
            var kinds = events(api, "Ann").stream().filter(e -> e.path("kind").asText().equals("passive")).toList();
            assertEquals(1, kinds.size(), "two holds by timeout in a row: passive");
            assertEquals("Bob", kinds.get(0).path("name").asText());
            var bob = api.call("/party_status", "role", "Ann").get("members").get(1);
            assertEquals("passive", bob.path("state").asText());
            // a passive follower is not waited for: Ann's action alone resolves the round at once
            api.call("/party_act", "role", "Ann", "text", "I look again");
            await(() -> resolved(api, "Ann").size() >= 3);
            api.call("/party_act", "role", "Bob", "text", "I am back, I climb down");
            assertTrue(events(api, "Ann").stream().anyMatch(e -> e.path("kind").asText().equals("active")), "back by acting");
            assertEquals("active", api.call("/party_status", "role", "Ann").get("members").get(1).path("state").asText());
        });
    }

    /** What the party said and did before a member joined is not theirs to read; everything after is. */
    @Test
    void aMemberReadsThePartysEventsFromTheirOwnJoiningOn() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, null, "Ann", "Bob");
            api.signup("Cid");
            assertEquals(200, api.call("/party_say", "role", "Ann", "text", "the key is under the third stone").code());
            assertEquals(200, api.call("/party_join", "role", "Cid", "code", code).code());
            assertEquals(200, api.call("/party_say", "role", "Bob", "text", "welcome, Cid").code());
            var seen = events(api, "Cid");
            assertEquals(List.of("joined", "chat"), seen.stream().map(e -> e.path("kind").asText()).toList(), seen.toString());
            assertEquals("Cid", seen.get(0).path("name").asText());
            assertFalse(seen.toString().contains("third stone"), "said before Cid came");
            assertEquals(seen.get(1).path("n").asInt(), api.call("/party_wait", "role", "Cid", "after", 0, "wait", 0).get("last").asInt());
            assertTrue(events(api, "Bob").toString().contains("third stone"), "a member from before reads it");
            assertEquals(200, api.call("/party_leave", "role", "Cid").code());
            assertEquals(200, api.call("/party_say", "role", "Ann", "text", "Cid is gone, the key moved to the well").code());
            assertEquals(200, api.call("/party_join", "role", "Cid", "code", code).code());
            var again = events(api, "Cid").toString();
            assertFalse(again.contains("third stone") || again.contains("the well"), "nor what was said while Cid was away: " + again);
        });
    }

    /** The server stopped mid-round: the declaration it acknowledged is told when the round's deadline comes, once. */
    @Test
    void aRoundOpenWhenTheServerStoppedIsToldAfterItsRestartWithItsDeclaration() throws Exception {
        String[] settings = {"game.language=en", "party.round_seconds=2"};
        JavalinTest.test(App.create(TestConfig.of(dir, settings)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak").code());
        });
        JavalinTest.test(App.create(TestConfig.of(dir, settings)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob")) api.call("/login", "email", Api.email(n), "password", Api.md5("pw-" + n), "ip", "127.0.0.1:9");
            await(() -> !resolved(api, "Bob").isEmpty());
            var told = resolved(api, "Bob").get(0);
            assertEquals(1, told.path("round").asInt());
            assertEquals("I tie the rope to the oak", told.path("actions").get(0).path("text").asText(), told.toString());
            assertEquals("", told.path("actions").get(1).path("text").asText(), "Bob held by the deadline");
            assertEquals(2, api.call("/party_status", "role", "Bob").get("round").asInt());
            await(() -> resolved(api, "Ann").size() >= 2); // the next deadline is kept too (the round moves on when claimed, before it is told)
            assertEquals(List.of(1, 2), resolved(api, "Ann").stream().map(e -> e.path("round").asInt()).toList(), "each round told once");
        });
    }

    /**
     * The server was killed after claiming a round and before telling it (what such a death leaves, written as it
     * would be; KilledServerTest kills a real process). On one instance nothing else can be telling it, so the next
     * start tells it at once with every declaration, not after the half minute a claim takes to go stale. (Several
     * instances on PostgreSQL leave a fresh claim to go stale: ClusterTest.)
     */
    @Test
    void aRoundBeingToldWhenTheServerWasKilledIsToldAtItsNextStartOnOneInstance() throws Exception {
        assumeFalse(TestConfig.postgres(), "one instance: SQLite");
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak").code());
        });
        try (var c = TestConfig.connect(dir)) {
            var st = c.prepareStatement("insert into party_actions(party_id, round, player_id, kind, text, items, skills, at) "
                    + "select party_id, 1, id, 'act', 'I climb down', '[]', '[]', 0 from players join party_members on player_id = id where name = 'Bob'");
            assertEquals(1, st.executeUpdate());
            var claim = c.prepareStatement("update parties set resolving = 1, resolving_at = ?, round = 2, deadline = null");
            claim.setLong(1, System.currentTimeMillis());
            assertEquals(1, claim.executeUpdate());
        }
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            await(() -> !resolved(api, "Bob").isEmpty());
            var told = resolved(api, "Bob");
            assertEquals(1, told.size(), told.toString());
            assertEquals(List.of("I tie the rope to the oak", "I climb down"), told.get(0).path("actions").findValuesAsText("text"), told.toString());
            assertEquals(2, api.call("/party_status", "role", "Ann").get("round").asInt());
        });
    }

    @Test
    void theLeaderStartingAgainBeginsWithTheReadyAndEveryoneElseFollows() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, null, "Ann", "Bob", "Cid");
            api.signup("Dee");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code(), "the check again");
            assertTrue(events(api, "Ann").stream().noneMatch(e -> e.path("kind").asText().equals("started")), "the leader alone ready: no quest yet");
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            var ready = new HashMap<String, Boolean>();
            api.call("/party_status", "role", "Cid").get("members").forEach(m -> ready.put(m.path("name").asText(), m.path("ready").asBoolean()));
            assertEquals(Map.of("Ann", true, "Bob", true, "Cid", false), ready, "the ready check as a reloaded page finds it");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code(), "two ready: it begins");
            assertTrue(events(api, "Ann").stream().anyMatch(e -> e.path("kind").asText().equals("started")));
            assertEquals(200, api.call("/party_join", "role", "Dee", "code", code).code());
            var states = new HashMap<String, String>();
            api.call("/party_status", "role", "Ann").get("members").forEach(m -> states.put(m.path("name").asText(), m.path("state").asText()));
            assertEquals(Map.of("Ann", "active", "Bob", "active", "Cid", "passive", "Dee", "passive"), states,
                    "the unready sit out as followers, and so does one who joins a quest under way");
            assertEquals(200, api.call("/party_leave", "role", "Ann").code());
            assertEquals("Bob", api.call("/party_status", "role", "Cid").text("leader"), "the lead passes to the longest member");
        });
    }

    /**
     * A member leaving a ready check: the rest, all ready, begin; left alone, the check closes with no quest to end (no
     * resolution, no "done"), and the leader may open another once someone joins.
     */
    @Test
    void aReadyCheckSomeoneLeavesBeginsWithEveryoneLeftReadyOrClosesWithOneLeft() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, null, "Ann", "Bob", "Cid");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            assertEquals(200, api.call("/party_leave", "role", "Cid").code()); // the one not ready goes
            var started = api.call("/party_status", "role", "Ann");
            assertFalse(started.get("deadline").isNull(), "begun with everyone left: " + started.raw());
            assertEquals(1, events(api, "Ann").stream().filter(e -> e.path("kind").asText().equals("started")).count());
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak and hold it fast").code());
            assertEquals(200, api.call("/party_act", "role", "Bob", "text", "I climb down into the well").code());
            await(() -> resolved(api, "Ann").size() == 1); // and plays like any quest
            assertEquals(200, api.call("/party_leave", "role", "Bob").code()); // a party of one: the quest ends
            assertEquals(2, resolved(api, "Ann").size());

            assertEquals(200, api.call("/party_join", "role", "Cid", "code", code).code());
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_leave", "role", "Ann").code()); // the leader goes: Cid alone, the check closes
            var closed = api.call("/party_status", "role", "Cid");
            assertTrue(closed.get("task").isNull(), closed.raw());
            assertEquals("Cid", closed.text("leader"));
            assertEquals(0, resolved(api, "Cid").size(), "no quest began, so none ended: " + events(api, "Cid"));
            assertEquals(409, api.call("/party_ready", "role", "Cid", "ready", true).code(), "nothing to be ready for");
            assertEquals(200, api.call("/party_join", "role", "Bob", "code", code).code());
            assertEquals(200, api.call("/party_start", "role", "Cid", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            assertFalse(api.call("/party_status", "role", "Bob").get("deadline").isNull(), "a new check, and its quest");
        });
    }

    /** A kick is the leader's as the party is when it is written: raced by the leader's own leave, never both (many times). */
    @Test
    void aKickRacedByTheKickersLeaveIsNeverALeftLeadersKick() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 12; trial++) {
                    String[] n = {"Ka" + trial, "Kb" + trial, "Kc" + trial};
                    partyOf(api, null, n);
                    var replies = atOnce(pool, List.of(() -> api.call("/party_kick", "role", n[0], "name", n[2]),
                            () -> api.call("/party_leave", "role", n[0])));
                    assertEquals(200, replies.get(1).code(), replies.get(1).raw());
                    var leavers = events(api, n[1]).stream().filter(e -> e.path("kind").asText().equals("left"))
                            .map(e -> e.path("name").asText()).toList();
                    if (replies.get(0).code() == 200) {
                        assertEquals(List.of(n[2], n[0]), leavers, "kicked while still the leader, then left");
                    } else {
                        assertEquals(404, replies.get(0).code(), replies.get(0).raw()); // no longer in the party
                        assertEquals(List.of(n[0]), leavers, "a leader who left kicks nobody");
                    }
                    api.call("/party_leave", "role", n[1]);
                    api.call("/party_leave", "role", n[2]);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void whatAMemberSaysOrDeclaresIsCheckedAndAnActionStaysUnreadUntilItsRoundResolves() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            assertEquals(400, api.call("/party_act", "role", "Ann", "text", "x".repeat(401)).code(), "an action is at most 400 characters");
            assertEquals(400, api.call("/party_say", "role", "Ann", "text", "x".repeat(301)).code(), "a message is at most 300 characters");
            assertEquals(422, api.call("/party_say", "role", "Ann", "text", "oh shit").code(), "the pack's banned words");
            var blank = api.call("/party_say", "role", "Ann", "text", "   ");
            assertEquals(400, blank.code(), "a message of nothing");
            assertEquals("empty_text", blank.text("error"));
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "x".repeat(400)).code());
            assertEquals(200, api.call("/party_say", "role", "Ann", "text", "y".repeat(300)).code());
            assertTrue(api.call("/party_status", "role", "Bob").get("members").get(0).path("acted").asBoolean());
            var seen = events(api, "Bob");
            assertTrue(seen.stream().noneMatch(e -> e.toString().contains("xxxxxxxx") || e.toString().contains("shit")),
                    "who acted, not what, until the round resolves; a refused message reaches nobody: " + seen);
            assertTrue(seen.stream().anyMatch(e -> e.path("kind").asText().equals("acted") && e.path("name").asText().equals("Ann")));
            assertEquals(1, seen.stream().filter(e -> e.path("kind").asText().equals("chat")).count(), "only the message said: " + seen);
            assertTrue(seen.stream().anyMatch(e -> e.path("kind").asText().equals("chat") && e.path("text").asText().length() == 300));
        });
    }

    @Test
    void aPartyOfOneEndsWithoutRewardAndAQuestBlocksDuels() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, WELL, "Ann", "Bob");
            api.signup("Eve");
            assertEquals(423, api.call("/challenge", "role1", "Ann", "role2", "Eve", "wait", 0).code(), "no duel during a quest");
            assertEquals(423, api.call("/challenge", "role1", "Eve", "role2", "Bob", "wait", 0).code());
            int exp = api.call("/status", "role", "Ann").get("stats").path("exp").asInt();
            api.call("/logout", "role", "Bob"); // logging out leaves the party
            var r = resolved(api, "Ann");
            assertEquals(1, r.size());
            assertTrue(r.get(0).path("finished").asBoolean());
            assertTrue(r.get(0).path("reward").isMissingNode() || r.get(0).path("reward").isNull());
            assertEquals(exp, api.call("/status", "role", "Ann").get("stats").path("exp").asInt());
            assertTrue(api.call("/party_status", "role", "Ann").get("task").isNull());
            assertEquals(200, api.call("/challenge", "role1", "Ann", "role2", "Eve", "wait", 0).code(), "the quest is over");
            // the next quest begins at round 1, the number the last one ended at: a reload finds none of its rounds
            assertEquals(200, api.call("/party_join", "role", "Eve", "code", code).code());
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Eve", "ready", true).code());
            var fresh = api.call("/party_status", "role", "Eve");
            assertEquals(WELL, fresh.text("task"), fresh.raw());
            assertEquals(0, fresh.get("recent").size(), "a new quest starts with none of the last one's rounds: " + fresh.raw());
        });
    }

    /** An invitation seen in the heartbeat goes when its party does (its last member left): not one to a party gone. */
    @Test
    void aDeletedPartysInvitationLeavesTheHeartbeat() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ann");
            api.signup("Cid");
            assertEquals(200, api.call("/party_create", "role", "Ann").code());
            assertEquals(200, api.call("/party_invite", "role", "Ann", "name", "Cid").code());
            assertEquals(1, api.call("/refrash", "role", "Cid").get("party_invites").size(), "the invitation, as the heartbeat keeps it");
            assertEquals(200, api.call("/party_leave", "role", "Ann").code());
            assertEquals(0, api.call("/refrash", "role", "Cid").get("party_invites").size(), "gone with its party");
        });
    }

    /** The host kicking or banning a member (their sessions end, as at a logout) takes them out of their party too. */
    @Test
    void aMemberTheHostKicksOrBansLeavesTheParty() {
        String host = "party-host-token-0123456789abcdef";
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "admin.token=" + host)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Cid");
            var asHost = Map.of("Authorization", "Bearer " + host);
            assertEquals(200, api.post("/admin/kick", Api.body("username", "Bob"), asHost).code());
            assertEquals(200, api.post("/admin/ban", Api.body("username", "Cid", "minutes", 30), asHost).code());
            var status = api.call("/party_status", "role", "Ann");
            assertEquals(List.of("Ann"), status.get("members").findValuesAsText("name"), status.raw());
            assertTrue(status.get("task").isNull(), "a party of one ends its quest: " + status.raw());
        });
    }

    /** A reload finds the quest's last three rounds, oldest first. */
    @Test
    void aReloadFindsTheLastThreeRoundsTold() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            for (int round = 1; round <= 4; round++) {
                for (String n : List.of("Ann", "Bob")) assertEquals(200, api.call("/party_hold", "role", n).code());
            }
            var recent = api.call("/party_status", "role", "Bob").get("recent");
            assertEquals(List.of("2", "3", "4"), recent.findValuesAsText("round"), recent.toString());
        });
    }

    /** A party's events come at most a hundred to a reply; asking again from {@code last} gives the rest, none twice. */
    @Test
    void partyWaitAnswersAtMostAHundredEventsAtATime() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String code = partyOf(api, null, "Ann", "Bob");
            for (int i = 0; i < 60; i++) {
                assertEquals(200, api.call("/party_leave", "role", "Bob").code());
                assertEquals(200, api.call("/party_join", "role", "Bob", "code", code).code());
            }
            var first = api.call("/party_wait", "role", "Ann", "after", 0, "wait", 0);
            assertEquals(100, first.get("events").size());
            assertEquals(first.get("events").get(99).path("n").asInt(), first.get("last").asInt());
            var rest = api.call("/party_wait", "role", "Ann", "after", first.get("last").asInt(), "wait", 0);
            assertEquals(first.get("last").asInt() + 1, rest.get("events").get(0).path("n").asInt());
            assertEquals(122 - 100, rest.get("events").size(), "two joins, then sixty leaves and joins: " + rest.raw());
        });
    }

    @Test
    void partyWaitParksUntilTheNextEventAndChatStaysInTheParty() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, null, "Ann", "Bob");
            int last = api.call("/party_status", "role", "Bob").get("last").asInt();
            var pool = Executors.newSingleThreadExecutor();
            try {
                var waiting = pool.submit(() -> api.call("/party_wait", "role", "Bob", "after", last, "wait", 30));
                Thread.sleep(200); // let it park (it is correct either way: an event before it parks is returned at once)
                assertEquals(200, api.call("/party_say", "role", "Ann", "text", "meet at the well").code());
                var got = waiting.get(10, TimeUnit.SECONDS);
                assertEquals("chat", got.get("events").get(0).path("kind").asText());
                assertEquals("meet at the well", got.get("events").get(0).path("text").asText());
                assertEquals(last + 1, got.get("last").asInt());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(400, api.call("/party_say", "role", "Ann", "text", "x".repeat(301)).http());
            api.signup("Eve");
            assertEquals(404, api.call("/party_wait", "role", "Eve", "after", 0, "wait", 0).code(), "not a member: nothing to read");
        });
    }

    /**
     * A change committed here hands the waiting members the events it wrote; a wait parked below a declaration still
     * gathering (woken 100 ms later) must not take the chat that follows for all there is: every number is heard.
     */
    @Test
    void aWaitHearsEveryEventInOrderWhenChatFollowsADeclaration() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Cid");
            int last = api.call("/party_status", "role", "Cid").get("last").asInt();
            var pool = Executors.newSingleThreadExecutor();
            try {
                var waiting = pool.submit(() -> api.call("/party_wait", "role", "Cid", "after", last, "wait", 30));
                await(() -> PartyModelTest.parked(api) >= 1);
                assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I hold the rope").code());
                assertEquals(200, api.call("/party_say", "role", "Bob", "text", "rope ready").code());
                var heard = new ArrayList<JsonNode>();
                waiting.get(10, TimeUnit.SECONDS).get("events").forEach(heard::add);
                while (heard.stream().noneMatch(e -> e.path("kind").asText().equals("chat"))) {
                    api.call("/party_wait", "role", "Cid", "after", heard.get(heard.size() - 1).path("n").asInt(), "wait", 10)
                            .get("events").forEach(heard::add);
                }
                assertEquals(List.of("acted", "chat"), heard.stream().map(e -> e.path("kind").asText()).toList());
                assertEquals(List.of(last + 1, last + 2), heard.stream().map(e -> e.path("n").asInt()).toList());
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /**
     * The instance remembers each player's party to save a statement a request: a player who moves is not misled by it,
     * whether the first thing they do in the new party is to declare or to wait.
     */
    @Test
    void aMemberWhoMovesToAnotherPartyWaitsAndActsThereAndHearsNothingOfTheFirst() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob", "Eve");
            assertEquals(200, api.call("/party_hold", "role", "Bob").code());
            assertEquals(200, api.call("/party_leave", "role", "Bob").code());
            String cids = partyOf(api, null, "Cid");
            assertEquals(200, api.call("/party_join", "role", "Bob", "code", cids).code());
            int annsLast = api.call("/party_status", "role", "Ann").get("last").asInt(), cidsLast = api.call("/party_status", "role", "Cid").get("last").asInt();
            assertEquals(409, api.call("/party_act", "role", "Bob", "text", "I hold the lantern").code(), "Cid's party has no quest: not Ann's");
            assertEquals(annsLast, api.call("/party_status", "role", "Ann").get("last").asInt(), "a declaration refused changes nothing");
            assertEquals(cidsLast, api.call("/party_status", "role", "Cid").get("last").asInt(), "a declaration refused changes nothing");
            assertFalse(events(api, "Bob").isEmpty());
            assertEquals(200, api.call("/party_leave", "role", "Bob").code());
            assertEquals(200, api.call("/party_say", "role", "Cid", "text", "the password is heron").code());
            String dees = partyOf(api, null, "Dee");
            assertEquals(200, api.call("/party_join", "role", "Bob", "code", dees).code());
            var seen = events(api, "Bob");
            assertTrue(seen.stream().noneMatch(e -> e.toString().contains("heron")), seen.toString());
            assertEquals(List.of("joined Bob"), seen.stream().map(e -> e.path("kind").asText() + " " + e.path("name").asText()).toList(),
                    "Dee's party from Bob's joining on");
            assertEquals(api.call("/party_status", "role", "Dee").get("last").asInt(), seen.get(0).path("n").asInt());
            assertEquals(200, api.call("/party_start", "role", "Dee", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            assertEquals(200, api.call("/party_act", "role", "Bob", "text", "I hold the lantern for Dee").code());
            assertEquals(200, api.call("/party_act", "role", "Dee", "text", "I look into the well").code());
            var told = resolved(api, "Dee");
            assertEquals(1, told.size(), told.toString());
            assertTrue(told.get(0).path("actions").toString().contains("lantern for Dee"), told.toString());
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I look into the well").code());
            assertEquals(200, api.call("/party_act", "role", "Eve", "text", "I look into the well").code());
            var first = events(api, "Ann");
            assertTrue(first.stream().noneMatch(e -> e.toString().contains("lantern")), first.toString());
            assertEquals(1, resolved(api, "Ann").size(), first.toString());
        });
    }

    @Test
    void aQuestWhoseMembersAreAllAwayPausesAndTheSameTaskResumesIt() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.round_seconds=1", "party.idle_minutes=0",
                "presence.timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            // nobody says anything: everyone is away once the presence timeout passes, and the round's deadline pauses the
            // quest. Watched on the row, behind the server's back: asking the server would bring Ann back meanwhile.
            await(() -> rowCount("select count(*) from parties where phase = 'paused'") == 1);
            var paused = api.call("/party_status", "role", "Ann");
            assertTrue(paused.get("deadline").isNull() && WELL.equals(paused.text("task")), "paused: the task, no deadline");
            assertTrue(paused.get("goal").asText().startsWith("Get down the well"), "and what its stage asks: " + paused.raw());
            assertEquals(0, resolved(api, "Ann").size(), "paused, not told to nobody");
            assertEquals(409, api.call("/party_start", "role", "Ann", "task_name", "Fire at the Granary").code(), "the paused task goes on first");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            var status = api.call("/party_status", "role", "Ann");
            assertFalse(status.get("deadline").isNull(), "resumed: a round is open");
            api.call("/party_act", "role", "Bob", "text", "I climb down"); // Ann, just heard from, is waited for
            api.call("/party_act", "role", "Ann", "text", "I hold the rope");
            await(() -> resolved(api, "Ann").size() == 1);
            assertEquals(1, resolved(api, "Ann").get(0).path("stage").asInt());
        });
    }

    /** A round someone declared in is told at its deadline though everyone went away since: a declaration is never dropped by a pause. */
    @Test
    void aRoundWithADeclarationIsToldNotPausedWhenEveryoneIsAway() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.round_seconds=2", "party.idle_minutes=0",
                "presence.timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            assertEquals(200, api.call("/party_act", "role", "Ann", "text", "I hold the rope").code());
            // then nobody asks anything: watched on the rows, behind the server's back
            await(() -> rowCount("select count(*) from parties where phase = 'paused'") == 1); // the next round, which nobody declared in
            var told = resolved(api, "Ann");
            assertEquals(1, told.size(), told.toString());
            assertTrue(told.get(0).path("actions").toString().contains("I hold the rope"), told.toString());
        });
    }

    /**
     * A restart forgets who was online, not how long they have been away: members heard from before the server stopped,
     * less than party.idle_minutes (30) ago, are not taken for gone that long, so the rounds nobody answers after the
     * restart are told at their deadlines (holds) and the quest is not paused. On one instance the server's start is
     * the earliest they can have left; on PostgreSQL their shared rows say when they were heard (20 minutes ago here,
     * older than the rows the shared view otherwise keeps).
     */
    @Test
    void aRestartDoesNotPauseAQuestWhoseMembersWereHereWithinItsIdleMinutes() throws Exception {
        String[] settings = {"game.language=en", "party.round_seconds=1", "presence.timeout_seconds=1"};
        JavalinTest.test(App.create(TestConfig.of(dir, settings)), (server, client) -> {
            partyOf(new Api(client.getOrigin()), WELL, "Ann", "Bob");
            if (TestConfig.postgres()) await(() -> rowCount("select count(*) from presence") == 2); // shared once a second
        });
        if (TestConfig.postgres()) {
            try (var c = TestConfig.connect(dir); var st = c.prepareStatement("update presence set seen_at = ?")) {
                st.setLong(1, System.currentTimeMillis() - 20 * 60_000);
                assertEquals(2, st.executeUpdate());
            }
        }
        JavalinTest.test(App.create(TestConfig.of(dir, settings)), (server, client) -> {
            // nobody asks anything (that would count as being heard): watched on the rows, behind the server's back
            await(() -> rowCount("select count(*) from party_events where kind = 'resolved'") >= 2);
            assertEquals(1, rowCount("select count(*) from parties where phase = 'playing'"), "rounds told by their deadlines, not paused");
        });
    }

    private long rowCount(String query) {
        try (var c = TestConfig.connect(dir); var q = c.createStatement(); var r = q.executeQuery(query)) {
            return r.next() ? r.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMemberInADuelIsNotWaitedForNorCountedAsTimedOut() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String n : List.of("Ann", "Bob", "Eve")) api.signup(n);
            String id = api.call("/challenge", "role1", "Ann", "role2", "Eve", "wait", 0).text("id");
            assertEquals(200, api.call("/accept_challenge", "role", "Eve", "id", id).code()); // Ann's duel began before the quest
            String code = api.call("/party_create", "role", "Bob").text("code");
            api.call("/party_join", "role", "Ann", "code", code);
            api.call("/party_start", "role", "Bob", "task_name", WELL);
            api.call("/party_ready", "role", "Ann", "ready", true);
            for (int round = 1; round <= 2; round++) {
                api.call("/party_act", "role", "Bob", "text", "I look around");
                int want = round;
                await(() -> resolved(api, "Bob").size() == want); // not waiting for Ann, who is fighting
            }
            assertEquals("passive", api.call("/party_status", "role", "Bob").get("members").get(1).path("state").asText(),
                    "a member in a duel follows passively");
            try (var db = TestConfig.database(dir)) {
                db.write(h -> h.execute("update battles set over = 1"));
            }
            assertEquals("active", api.call("/party_status", "role", "Bob").get("members").get(1).path("state").asText(),
                    "the duel over: rounds missed in it were no timeouts");
        });
    }

    /** Declarations sent just as the round's deadline fires: whichever gets there, each round is told once. */
    @Test
    void aDeadlineRacingTheLastDeclarationsTellsTheRoundOnce() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.round_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            for (int round = 1; round <= 8; round++) {
                var open = new java.util.concurrent.atomic.AtomicReference<String>();
                await(() -> { // a round being told has no deadline until its telling is committed
                    open.set(api.call("/party_status", "role", "Ann").text("deadline"));
                    return open.get() != null;
                });
                long deadline = java.time.Instant.parse(open.get()).toEpochMilli();
                api.call("/party_act", "role", "Ann", "text", "I look around");
                // Bob's declaration lands around the moment the deadline's job fires (50 ms after the deadline)
                Thread.sleep(Math.max(0, deadline + 10 + 10L * round - System.currentTimeMillis()));
                api.call("/party_act", "role", "Bob", "text", "I look around too");
                int want = round;
                await(() -> resolved(api, "Ann").size() >= want);
            }
            Thread.sleep(300);
            var rounds = resolved(api, "Ann").stream().map(e -> e.path("round").asInt()).toList();
            assertEquals(rounds.stream().distinct().count(), rounds.size(), "no round told twice: " + rounds);
        });
    }

    static final String THIEF = "The Lantern Festival Thief"; // min_level 2

    /**
     * SPEC §16: a task above a member's level is neither offered nor started; items and skills are checked when declared
     * (422, nothing declared); energy is spent when the round resolves, never below zero however it was spent meanwhile.
     */
    @Test
    void levelsGearAndEnergyAreTheServersToCheckAndEnergyIsSpentWhenTheRoundResolves() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, null, "Ann", "Bob");
            var offered = api.call("/party_tasks", "role", "Ann").get("task_list");
            assertTrue(offered.toString().contains(WELL) && !offered.toString().contains(THIEF), offered.toString());
            var tooHigh = api.call("/party_start", "role", "Ann", "task_name", THIEF);
            assertEquals(403, tooHigh.code(), tooHigh.raw());
            assertEquals("level_too_low", tooHigh.text("error"));
            assertTrue(api.call("/party_status", "role", "Ann").get("task").isNull(), "no ready check opened");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            var skills = api.call("/skill", "role", "Ann").get("skills");
            String skill = skills.fieldNames().next();
            int cost = skills.get(skill).path("cost").asInt();
            int full = api.stat("Ann", "energy");
            assertTrue(cost > 0 && full >= 2 * cost, skills + " with energy " + full);
            int events = events(api, "Ann").size();
            assertEquals(422, api.call("/party_act", "role", "Ann", "text", "I swing it", "items", List.of("Sword of Nobody")).code());
            assertEquals(422, api.call("/party_act", "role", "Ann", "text", "I cast it", "skills", List.of("Art of Nobody")).code());
            assertEquals(events, events(api, "Ann").size(), "a refused action declares nothing");
            // round 1: Ann's skill is paid for when the round resolves, not when declared
            api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak", "skills", List.of(skill));
            assertEquals(full, api.stat("Ann", "energy"), "declared, not yet spent");
            api.call("/party_act", "role", "Bob", "text", "I climb down into the well");
            assertEquals(1, resolved(api, "Ann").size());
            assertEquals(full - cost, api.stat("Ann", "energy"));
            // round 2: declared while she could pay, then her energy goes on crafting before the round resolves
            api.call("/party_act", "role", "Ann", "text", "I look down the shaft", "skills", List.of(skill));
            for (int e = api.stat("Ann", "energy"); e > cost - 1; e = api.stat("Ann", "energy")) {
                assertEquals(200, api.call("/merge", "role", "Ann", "mode", 0, "num", Math.min(e - cost + 1, 50), "des", "a spark").code());
            }
            assertEquals(422, api.call("/party_act", "role", "Ann", "text", "I try again", "skills", List.of(skill)).code(), "one less than its cost");
            for (int e = api.stat("Ann", "energy"); e > 0; e = api.stat("Ann", "energy")) {
                assertEquals(200, api.call("/merge", "role", "Ann", "mode", 0, "num", Math.min(e, 50), "des", "a spark").code());
            }
            assertEquals(422, api.call("/party_act", "role", "Ann", "text", "I try again", "skills", List.of(skill)).code(), "no energy left");
            api.call("/party_hold", "role", "Bob"); // the stage is not met: no reward, so no rest
            assertEquals(2, resolved(api, "Ann").size());
            assertEquals(0, api.stat("Ann", "energy"), "spent down to zero, never below");
        });
    }

    /** SPEC §16: the tasks offered are those the whole party may take, every member's level high enough, not only the leader's. */
    @Test
    void aTaskIsOfferedOnlyOnceEveryMembersLevelReachesIt() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, null, "Ann", "Bob");
            level(2, "Ann");
            assertFalse(api.call("/party_tasks", "role", "Ann").get("task_list").toString().contains(THIEF), "Bob is still level 1");
            assertEquals(403, api.call("/party_start", "role", "Ann", "task_name", THIEF).code());
            level(2, "Bob");
            assertTrue(api.call("/party_tasks", "role", "Ann").get("task_list").toString().contains(THIEF), "both are level 2 now");
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", THIEF).code());
        });
    }

    /** Sets the players' level behind the server's back (as levels are gained over many tasks). */
    private void level(int level, String... names) {
        try (var c = TestConfig.connect(dir); var st = c.prepareStatement("update characters set level = ? where player_id = (select id from players where name = ?)")) {
            for (String name : names) {
                st.setInt(1, level);
                st.setString(2, name);
                assertEquals(1, st.executeUpdate(), name);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SPEC §16: a member who went offline (no request within presence.timeout_seconds) stops blocking the round. */
    @Test
    void aMemberWhoWentOfflineIsNotWaitedFor() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "presence.timeout_seconds=1", "party.round_seconds=60")),
                (server, client) -> {
                    Api api = new Api(client.getOrigin());
                    partyOf(api, WELL, "Ann", "Bob");
                    api.call("/party_act", "role", "Ann", "text", "I look at the well");
                    assertEquals(0, resolved(api, "Ann").size(), "Bob is online: the round waits for him");
                    await(() -> api.call("/party_status", "role", "Ann").get("members").get(1).path("state").asText().equals("offline"));
                    api.call("/party_act", "role", "Ann", "text", "I look closer at the well");
                    await(() -> resolved(api, "Ann").size() == 1); // long before the round's 60 s
                });
    }

    /**
     * A round nobody declared in is not told early because nobody is left to wait for: Ann and Bob went offline, Cid
     * leaves (which looks again at the open round), and the round stays open, for its deadline or for someone to act:
     * Bob, back, acts, and it is told. (Told at once, it would be an empty round, and the next would begin while
     * everyone is away.)
     */
    @Test
    void aRoundWithNoDeclarationWaitsForItsDeadlineEvenWithNobodyToWaitFor() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "presence.timeout_seconds=1", "party.round_seconds=60")),
                (server, client) -> {
                    Api api = new Api(client.getOrigin());
                    partyOf(api, WELL, "Ann", "Bob", "Cid");
                    await(() -> {
                        var members = api.call("/party_status", "role", "Cid").get("members");
                        return members.get(0).path("state").asText().equals("offline") && members.get(1).path("state").asText().equals("offline");
                    });
                    assertEquals(200, api.call("/party_leave", "role", "Cid").code());
                    var status = api.call("/party_status", "role", "Bob"); // Bob, back (Ann stays away: nothing of hers is sent)
                    assertEquals(1, status.get("round").asInt(), status.raw());
                    assertEquals(0, resolved(api, "Bob").size(), "no round is told before its deadline with nothing declared");
                    api.call("/party_act", "role", "Bob", "text", "I look at the well");
                    await(() -> resolved(api, "Bob").size() == 1); // Ann is still away: not waited for
                });
    }

    /** Being ready with nothing to be ready for, starting a quest under way, and an empty action are refused and change nothing. */
    @Test
    void theReadyCheckAndTheQuestsRefusals() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, null, "Ann", "Bob");
            var early = api.call("/party_ready", "role", "Bob", "ready", true);
            assertEquals(409, early.code(), early.raw());
            assertEquals("no_ready_check", early.text("error"));
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
            var again = api.call("/party_start", "role", "Ann", "task_name", WELL);
            assertEquals(409, again.code(), again.raw());
            assertEquals("quest_running", again.text("error"));
            var empty = api.call("/party_act", "role", "Ann", "text", "  ", "items", List.of(), "skills", List.of());
            assertEquals(400, empty.code(), empty.raw());
            assertEquals("empty_action", empty.text("error"));
            var status = api.call("/party_status", "role", "Ann");
            assertEquals(1, status.get("round").asInt(), status.raw());
            assertFalse(status.get("members").get(0).path("acted").asBoolean(), "the empty action was not taken");
            assertEquals(List.of("ready_check", "started"), events(api, "Bob").stream().map(e -> e.path("kind").asText()).filter(k -> !k.equals("joined")
                    && !k.equals("ready")).toList(), "the refusals wrote nothing");
        });
    }

    /** The last place raced by a join by code and an accepted invitation: one gets in, the other is told it is full. */
    @Test
    void theLastPlaceRacedByAJoinAndAnInvitationGoesToOne() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "party.max_members=3")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 8; trial++) {
                    String a = "Pa" + trial, b = "Pb" + trial, joiner = "Pj" + trial, invited = "Pi" + trial;
                    String code = partyOf(api, null, a, b);
                    api.signup(joiner);
                    api.signup(invited);
                    assertEquals(200, api.call("/party_invite", "role", a, "name", invited).code());
                    String id = api.call("/party_status", "role", a).text("party_id");
                    var both = new ArrayList<>(atOnce(pool, List.of(() -> api.call("/party_join", "role", joiner, "code", code),
                            () -> api.call("/party_accept", "role", invited, "party_id", id))));
                    both.sort(java.util.Comparator.comparingInt(Api.Reply::code));
                    assertEquals(List.of(200, 409), both.stream().map(Api.Reply::code).toList(), "trial " + trial + ": " + both.stream().map(Api.Reply::raw).toList());
                    assertEquals("party_full", both.get(1).text("error"), "trial " + trial);
                    assertEquals(3, api.call("/party_status", "role", a).get("members").size(), "trial " + trial);
                    for (String n : List.of(a, b, joiner, invited)) api.call("/party_leave", "role", n);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /** The last two members ready at once: the quest starts, once (neither sees the other still unready). */
    @Test
    void theLastTwoReadyAtOnceStartTheQuestOnce() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 8; trial++) {
                    String a = "Ra" + trial, b = "Rb" + trial, c = "Rc" + trial;
                    partyOf(api, null, a, b, c);
                    assertEquals(200, api.call("/party_start", "role", a, "task_name", WELL).code());
                    var both = atOnce(pool, List.of(() -> api.call("/party_ready", "role", b, "ready", true),
                            () -> api.call("/party_ready", "role", c, "ready", true)));
                    for (var r : both) assertEquals(200, r.code(), "trial " + trial + ": " + r.raw());
                    var kinds = events(api, a).stream().map(e -> e.path("kind").asText()).toList();
                    assertEquals(1, kinds.stream().filter("started"::equals).count(), "trial " + trial + ": " + kinds);
                    assertTrue(api.call("/party_status", "role", a).get("deadline").isTextual(), "trial " + trial + ": the round is open");
                    for (String n : List.of(a, b, c)) api.call("/party_leave", "role", n);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /**
     * PostgreSQL: a round's telling changes the members' sheets (energy spent, the reward) on the sheets as committed
     * once it holds their rows, so a change another writer made to a member meanwhile (a DM turn, a duel's round, on
     * any instance; it holds the player's row as every sheet writer does) is kept, not written over with the sheet as
     * read before it. Bob, not the leader: the leader's row is met earlier, by the check of the party's reference to it.
     */
    @Test
    void aSheetChangedElsewhereWhileARoundIsToldIsKept() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestConfig.postgres(), "SQLite's writes are one at a time");
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, WELL, "Ann", "Bob");
            var skills = api.call("/skill", "role", "Bob").get("skills");
            String skill = skills.fieldNames().next();
            int cost = skills.get(skill).path("cost").asInt();
            int energy = api.stat("Bob", "energy"), matter = api.stat("Bob", "matter");
            // round 1: Bob's skill is paid for while another writer holds his row
            api.call("/party_act", "role", "Bob", "text", "I climb down the rope", "skills", List.of(skill));
            tellWhileBobIsHeld(api, () -> api.call("/party_act", "role", "Ann", "text", "I tie the rope to the oak and hold it"));
            assertEquals(energy - cost, api.stat("Bob", "energy"), "the skill paid for");
            assertEquals(matter + 7, api.stat("Bob", "matter"), "the other writer's 7 kept");
            // round 2, the last: the reward
            api.call("/party_act", "role", "Bob", "text", "I whistle to calm the dog");
            tellWhileBobIsHeld(api, () -> api.call("/party_act", "role", "Ann", "text", "I haul the dog up"));
            var done = resolved(api, "Bob");
            var reward = done.get(done.size() - 1).path("reward").path("Bob");
            assertTrue(reward.isObject(), done.toString());
            assertEquals(matter + 14 + reward.path("matter").asInt(), api.stat("Bob", "matter"), "both 7s and the reward");
        });
    }

    /** The last declaration sent while another writer holds Bob's row and gives him 7 matter, committed half a second on. */
    private void tellWhileBobIsHeld(Api api, Callable<Api.Reply> last) throws Exception {
        var pool = Executors.newSingleThreadExecutor();
        try (var c = TestConfig.connect(dir)) {
            c.setAutoCommit(false);
            try (var lock = c.prepareStatement("select id from players where name = 'Bob' for update");
                 var give = c.prepareStatement("update characters set matter = matter + 7 where player_id = (select id from players where name = 'Bob')")) {
                lock.executeQuery().close();
                give.executeUpdate();
            }
            var told = pool.submit(last);
            Thread.sleep(500); // the telling meets Bob's row held
            c.commit();
            assertEquals(200, told.get(10, TimeUnit.SECONDS).code());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A member's leave sent twice at once (a double click, a retry) leaves once: one "left", the lead passed once. */
    @Test
    void aLeaveSentTwiceAtOnceLeavesOnce() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 5; trial++) {
                    String a = "La" + trial, b = "Lb" + trial, c = "Lc" + trial;
                    partyOf(api, null, a, b, c);
                    var both = atOnce(pool, List.of(() -> api.call("/party_leave", "role", a), () -> api.call("/party_leave", "role", a)));
                    for (var r : both) assertTrue(r.code() == 200 || r.code() == 404, r.raw());
                    var kinds = events(api, b).stream().map(e -> e.path("kind").asText()).toList();
                    assertEquals(1, kinds.stream().filter("left"::equals).count(), "trial " + trial + ": " + kinds);
                    assertEquals(1, kinds.stream().filter("lead"::equals).count(), "trial " + trial + ": " + kinds);
                    api.call("/party_leave", "role", b);
                    api.call("/party_leave", "role", c);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /** Party chat is limited to ten messages a minute per member; the eleventh is refused and reaches nobody. */
    @Test
    void partyChatBeyondItsRateIsRefusedAndReachesNobody() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            partyOf(api, null, "Ann", "Bob");
            for (int i = 0; i < 10; i++) assertEquals(200, api.call("/party_say", "role", "Ann", "text", "line " + i).code());
            var refused = api.call("/party_say", "role", "Ann", "text", "one too many");
            assertEquals(429, refused.code(), refused.raw());
            assertEquals("too_fast", refused.text("error"));
            var said = events(api, "Bob").stream().filter(e -> e.path("kind").asText().equals("chat")).toList();
            assertEquals(10, said.size());
            assertEquals(200, api.call("/party_say", "role", "Bob", "text", "my own ten").code(), "each member has their own");
        });
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(25);
        }
        throw new AssertionError("the condition never held");
    }
}
