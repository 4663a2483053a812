package taleweaver.story;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ContentPack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoryTest {
    @TempDir
    Path dir;

    static boolean isPng(JsonNode n) {
        if (!n.isTextual() || n.asText().startsWith("data:")) return false;
        byte[] b = Base64.getDecoder().decode(n.asText());
        return b.length > 8 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    /** Plays the active task with a plain, patient player until it ends; returns the replies. */
    static List<Api.Reply> playToTheEnd(Api api, String role, String text, int bound) {
        var seen = new ArrayList<String>();
        var replies = new ArrayList<Api.Reply>();
        for (int turn = 0; turn < bound; turn++) {
            var r = api.call("/feedback", "role", role, "text", text, "items", List.of(), "skills", List.of(), "roles", seen);
            assertEquals(200, r.code(), r.raw());
            replies.add(r);
            if (r.get("npc_status").asBoolean()) {
                assertTrue(isPng(r.get("image_data")), "a new speaker comes with an avatar");
                seen.add(r.text("role"));
            } else {
                assertTrue(r.get("image_data").isNull());
            }
            if (r.get("status").asBoolean()) {
                assertTrue(r.body().has("reward"));
                return replies;
            }
            assertFalse(r.body().has("reward"), "reward only on the finishing turn");
        }
        throw new AssertionError("task not finished in " + bound + " turns");
    }

    /** SPEC §4: a common task above the character's level is neither offered nor taken (404) until they reach it. */
    @Test
    void aTaskAboveTheCharactersLevelIsNeitherOfferedNorTakenUntilTheyReachIt() {
        var high = ContentPack.builtIn("zh").tasks().stream().filter(t -> t.minLevel() == 2).findFirst().orElseThrow();
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Novice");
            assertFalse(api.call("/task_info", "role", "Novice").get("task_list").toString().contains(high.name()));
            var refused = api.call("/select", "role", "Novice", "task_name", high.name());
            assertEquals(404, refused.code(), refused.raw());
            assertTrue(refused.get("image_data").isNull());
            try (var db = TestConfig.database(dir)) {
                db.write(h -> h.execute("update characters set level = 2, exp = 100 where player_id = (select id from players where name = 'Novice')"));
            }
            assertTrue(api.call("/task_info", "role", "Novice").get("task_list").toString().contains(high.name()));
            assertEquals(200, api.call("/select", "role", "Novice", "task_name", high.name()).code());
        });
    }

    /** SPEC §4: a finished task takes no more turns: the next /feedback says none is active (409) and grants nothing. */
    @Test
    void aFinishedTaskTakesNoMoreTurns() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Done01");
            api.call("/select", "role", "Done01", "task_name", "迷雾灯塔");
            var replies = playToTheEnd(api, "Done01", "...", 100);
            assertTrue(replies.get(replies.size() - 1).body().has("reward"));
            var stats = api.call("/status", "role", "Done01").get("stats");
            var again = api.call("/feedback", "role", "Done01", "text", "...", "items", List.of(), "skills", List.of(), "roles", List.of());
            assertEquals(409, again.code(), again.raw());
            assertEquals("no_active_task", again.text("error"));
            assertFalse(again.body().has("reward"));
            assertEquals(stats, api.call("/status", "role", "Done01").get("stats"), "nothing granted twice");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void everyTaskOfThePackCanBePlayedToTheEndWithinItsTurnBound(String language) {
        ContentPack pack = ContentPack.builtIn(language);
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Hero01");
            var finished = new ArrayList<String>();
            while (true) {
                var offered = api.call("/task_info", "role", "Hero01").get("task_list");
                if (offered.isEmpty()) break;
                String task = offered.get(0).asText();
                var sel = api.call("/select", "role", "Hero01", "task_name", task);
                assertTrue(isPng(sel.get("image_data")));
                int stages = pack.task(task).orElseThrow().stages().size();
                int expBefore = api.call("/status", "role", "Hero01").get("stats").path("exp").asInt();
                var replies = playToTheEnd(api, "Hero01", "...", stages * 4);
                assertEquals(stages * 4, replies.size(), "mute play advances only on the turn bound");
                assertPeopleTalk(pack, task, replies);
                var reward = replies.get(replies.size() - 1).get("reward");
                int exp = pack.task(task).orElseThrow().reward().exp();
                assertEquals(exp, reward.path(language.equals("zh") ? "经验" : "Experience").asInt());
                assertEquals(expBefore + exp, api.call("/status", "role", "Hero01").get("stats").path("exp").asInt());
                finished.add(task);
            }
            assertEquals(pack.tasks().size(), finished.size(), "every task, the higher-level ones too, was reached and finished");
        });
    }

    /** What the game's bookkeeping looks like when it leaks into a reply. */
    static final List<String> LABELS = List.of("Next:", "You make use of", "接下来，", "你用上了");

    /**
     * Who speaks (SPEC §4, issues 10 and 21): over a task most replies are its characters talking; a reply under a
     * character's name never names them outside quotes ("Old Su nods…" under Old Su); narration is the DM's; only the
     * task's own characters speak in it; no reply carries a bookkeeping label; no two replies in a row are the same.
     */
    static void assertPeopleTalk(ContentPack pack, String task, List<Api.Reply> replies) {
        var npcs = pack.task(task).orElseThrow().npcs().stream().map(ContentPack.Npc::name).toList();
        int talking = 0;
        String last = null;
        for (Api.Reply r : replies) {
            String role = r.text("role"), text = r.text("text");
            assertNotEquals(last, text, task + ": the same reply twice in a row");
            last = text;
            for (String label : LABELS) assertFalse(text.contains(label), task + ": a bookkeeping label in " + text);
            if (role.equals(pack.dm().name())) continue;
            talking++;
            assertTrue(npcs.contains(role), task + ": " + role + " is not in the scene: " + text);
            assertFalse(outsideQuotes(text).toLowerCase().contains(role.toLowerCase()), task + ": " + role + " narrates itself: " + text);
        }
        assertTrue(talking * 2 > replies.size(), task + ": most replies are people talking, " + talking + " of " + replies.size());
    }

    /** {@code text} without what is inside quotes of any kind. */
    static String outsideQuotes(String text) {
        return text.replaceAll("\"[^\"]*\"|“[^”]*”|「[^」]*」|『[^』]*』", "");
    }

    /** A player who brings their dagger to every turn: whoever answers remarks on it in their own words. */
    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void anItemUsedIsWovenIntoWhatPeopleSay(String language) {
        ContentPack pack = ContentPack.builtIn(language);
        String dagger = pack.starter().items().get(0).name();
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Blade01");
            for (var task : pack.tasks().stream().filter(t -> t.minLevel() <= 1).limit(3).toList()) {
                api.call("/select", "role", "Blade01", "task_name", task.name());
                var replies = new ArrayList<Api.Reply>();
                for (int turn = 0; turn < 40 && (replies.isEmpty() || !replies.get(replies.size() - 1).get("status").asBoolean()); turn++) {
                    replies.add(api.call("/feedback", "role", "Blade01", "text", "...", "items", List.of(dagger), "roles", List.of()));
                }
                assertPeopleTalk(pack, task.name(), replies);
                assertTrue(replies.stream().allMatch(r -> r.text("text").contains(dagger)), task.name() + ": the dagger is in every reply");
            }
        });
    }

    /**
     * Encounters on the road (issue 21): whoever answers is the person of the scene, in their own words; the player
     * remembers it as a sentence a person would say; met again, the person knows them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void encountersAnswerUnderTheScenesOwnPerson(String language) {
        ContentPack pack = ContentPack.builtIn(language);
        boolean zh = language.equals("zh");
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Roamer");
            for (var e : pack.encounters()) {
                var kind = api.call("/others", "role", "Roamer", "info", e.text(), "text", zh ? "我上前帮忙" : "I help them");
                assertEquals(e.speaker(), kind.text("role"), e.text());
                assertTrue(kind.text("text").endsWith(e.kind().get(0)), kind.text("text"));
                var harsh = api.call("/others", "role", "Roamer", "info", e.text(), "text", zh ? "我攻击他" : "I attack");
                assertEquals(e.speaker(), harsh.text("role"));
                assertTrue(harsh.text("text").endsWith(e.harsh().get(0)), harsh.text("text"));
                assertTrue(harsh.text("text").contains("Roamer"), "met again, the person knows the player: " + harsh.text("text"));
            }
            if (zh) { // 打水 is drawing water, not a blow
                var well = pack.encounters().get(6);
                assertTrue(api.call("/others", "role", "Roamer", "info", well.text(), "text", "我又来帮您打水了").text("text").endsWith(well.kind().get(0)));
            }
            String story = api.call("/main", "role", "Roamer", "text", zh ? "我做过什么" : "what have I done").text("text");
            var last = pack.encounters().get(pack.encounters().size() - 1);
            assertTrue(story.contains(last.wronged()) && story.contains(last.helped()), "remembered in the encounter's own sentences: " + story);
            var madeUp = api.call("/others", "role", "Roamer", "info", zh ? "路边有个人在哭" : "Someone is crying by the road", "text", zh ? "我安慰他" : "I comfort them");
            assertTrue(pack.eventSpeakers().stream().anyMatch(n -> n.name().equals(madeUp.text("role"))), "an event the client made up: a passer-by answers");
        });
    }

    /** A host's pack from before the characters talked (no hints, encounters as plain text) still plays to the end. */
    @Test
    void aHostsOlderPackStillPlays() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) taleweaver.web.Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/en.json"));
        for (var task : tree.withArray("tasks")) {
            for (var stage : task.withArray("stages")) ((com.fasterxml.jackson.databind.node.ObjectNode) stage).remove(List.of("hints", "intro", "deed"));
        }
        var texts = tree.putArray("encounters");
        ContentPack.builtIn("en").encounters().forEach(e -> texts.add(e.text()));
        var lines = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("lines");
        lines.remove(List.of("task.used_said", "task.used_told"));
        lines.putArray("task.used").add("You make use of {used}.");
        Path file = dir.resolve("older.json");
        java.nio.file.Files.write(file, taleweaver.web.Json.bytes(tree));
        ContentPack pack = ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game());
        JavalinTest.test(App.create(TestConfig.of(dir, "game.content_pack=" + file)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Elder01");
            String task = pack.tasks().get(0).name();
            api.call("/select", "role", "Elder01", "task_name", task);
            var replies = playToTheEnd(api, "Elder01", "...", pack.task(task).orElseThrow().stages().size() * 4);
            assertTrue(replies.stream().noneMatch(r -> r.text("text").isBlank()));
            var met = api.call("/others", "role", "Elder01", "info", pack.encounters().get(0).text(), "text", "I help them");
            assertEquals(200, met.code());
            assertTrue(pack.eventSpeakers().stream().anyMatch(n -> n.name().equals(met.text("role"))), met.raw());
        });
    }

    @Test
    void aPlayerWhoFollowsTheHintsFinishesFaster() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("快手");
            api.call("/select", "role", "快手", "task_name", "迷雾灯塔");
            var replies = playToTheEnd(api, "快手", "我去港口找阿芷打听灯油，然后爬上塔顶，用火点燃灯芯", 12);
            assertEquals(3, replies.size(), "one turn per stage when the words fit");
        });
    }

    @Test
    void sameSeedSameTranscript() {
        List<String> first = transcript(dir.resolve("a"));
        List<String> second = transcript(dir.resolve("b"));
        assertEquals(first, second);
        assertTrue(first.size() > 5);
    }

    private List<String> transcript(Path where) {
        var lines = new ArrayList<String>();
        JavalinTest.test(App.create(TestConfig.of(where)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Echo01");
            for (String say : List.of("", "这个世界是什么样的？", "我的状态怎么样", "接受任务磨坊的怪声")) {
                lines.add(api.call("/main", "role", "Echo01", "text", say).text("text"));
            }
            for (int i = 0; i < 5; i++) {
                lines.add(api.call("/feedback", "role", "Echo01", "text", "我看看", "roles", List.of()).text("text"));
            }
            lines.add(api.call("/merge", "role", "Echo01", "mode", 0, "num", 20, "des", "风").text("text"));
            lines.add(api.call("/others", "role", "Echo01", "info", "商人", "text", "我帮他").text("other"));
        });
        return lines;
    }

    @Test
    void theDmGreetsAnswersAndHandsOutTasks() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("对话者");
            var hello = api.call("/main", "role", "对话者", "text", "");
            assertFalse(hello.get("status").asBoolean());
            assertTrue(hello.get("subimg").isNull());
            assertEquals("系统", hello.text("role"));
            assertTrue(hello.text("text").contains("迷雾灯塔"), "the greeting names the tasks on offer");
            assertFalse(hello.body().has("task_name"));
            var sheet = api.call("/main", "role", "对话者", "text", "我现在的状态如何？");
            assertTrue(sheet.text("text").contains("1级"), sheet.text("text"));
            var about = api.call("/main", "role", "对话者", "text", "迷雾灯塔是什么任务？");
            assertFalse(about.get("status").asBoolean(), "a question is not taking the task");
            var take = api.call("/main", "role", "对话者", "text", "我接受任务迷雾灯塔");
            assertTrue(take.get("status").asBoolean());
            assertEquals("迷雾灯塔", take.text("task_name"));
            assertTrue(isPng(take.get("subimg")));
            assertTrue(take.text("text").contains("老苏"), "the opening line");
            var chat = api.call("/main", "role", "对话者", "text", "随便聊聊");
            assertTrue(chat.text("text").contains("迷雾灯塔"), "the DM reminds of the task under way");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void theGreetingNamesTasksWithinThreeHundredCharacters(String language) {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Greeted");
            String text = api.call("/main", "role", "Greeted", "text", "").text("text");
            assertTrue(text.length() <= 300, text.length() + ": " + text);
            assertTrue(text.contains(ContentPack.builtIn(language).tasks().get(0).name()), text);
        });
    }

    @Test
    void selectingPausesAndResumes() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Pauser");
            var first = api.call("/select", "role", "Pauser", "task_name", "迷雾灯塔");
            assertTrue(first.text("text").contains("老苏"));
            api.call("/feedback", "role", "Pauser", "text", "去港口问问灯油", "roles", List.of());
            api.call("/select", "role", "Pauser", "task_name", "失踪的信鸽");
            var back = api.call("/select", "role", "Pauser", "task_name", "迷雾灯塔");
            assertTrue(back.text("text").contains("塔顶"), "resumes at the second stage: " + back.text("text"));
            var missing = api.call("/select", "role", "Pauser", "task_name", "没有这个任务");
            assertEquals(404, missing.code());
            assertTrue(missing.get("image_data").isNull());
            assertFalse(missing.text("text").isBlank());
            assertEquals(404, api.call("/select", "role", "Pauser", "task_name", "星落湖的秘密").code(), "level too low");
            assertEquals(404, api.call("/select_personal", "role", "Pauser", "task_name", "迷雾灯塔").code());
        });
    }

    /** A skill's energy check at its edge: exactly its cost is enough, one less is not (422, nothing spent). */
    @Test
    void aSkillIsUsableWithExactlyItsCostInEnergyAndNotWithOneLess() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            for (String name : List.of("Even", "Short")) {
                api.signup(name);
                api.call("/select", "role", name, "task_name", "迷雾灯塔");
            }
            int cost = api.call("/skill", "role", "Even").get("skills").path("火花术").path("cost").asInt();
            assertTrue(cost >= 1, "the starting skill costs energy");
            spendEnergyDownTo(api, "Even", cost);
            spendEnergyDownTo(api, "Short", cost - 1);
            assertEquals(200, api.call("/feedback", "role", "Even", "text", "点火", "skills", List.of("火花术")).code());
            assertEquals(0, api.stat("Even", "energy"));
            assertEquals(422, api.call("/feedback", "role", "Short", "text", "点火", "skills", List.of("火花术")).code());
            assertEquals(cost - 1, api.stat("Short", "energy"));
        });
    }

    /** Crafts skills (a skill costs its num in energy) until {@code role} has exactly {@code left} energy. */
    private static void spendEnergyDownTo(Api api, String role, int left) {
        for (int e = api.stat(role, "energy"); e > left; e = api.stat(role, "energy")) {
            assertEquals(200, api.call("/merge", "role", role, "mode", 0, "num", e - left, "des", "风").code());
        }
        assertEquals(left, api.stat(role, "energy"));
    }

    @Test
    void feedbackRefusalsChangeNothing() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Refused");
            var none = api.call("/feedback", "role", "Refused", "text", "hello", "roles", List.of());
            assertEquals(409, none.code());
            assertFalse(none.body().has("reward"));
            api.call("/select", "role", "Refused", "task_name", "迷雾灯塔");
            var before = api.call("/status", "role", "Refused").body();
            var item = api.call("/feedback", "role", "Refused", "text", "我挥舞神器", "items", List.of("不存在的神器"));
            assertEquals(422, item.code());
            assertTrue(item.text("text").contains("不存在的神器"));
            assertEquals(422, api.call("/feedback", "role", "Refused", "text", "x", "skills", List.of("天外飞仙")).code());
            for (int i = 0; i < 20; i++) api.call("/merge", "role", "Refused", "mode", 0, "num", 5, "des", "x"); // spend all energy
            var spent = api.call("/status", "role", "Refused").body();
            assertEquals(0, spent.path("stats").path("energy").asInt());
            assertEquals(422, api.call("/feedback", "role", "Refused", "text", "点火", "skills", List.of("火花术")).code(), "no energy");
            var after = api.call("/status", "role", "Refused").body();
            assertEquals(spent, after, "refused turns change nothing");
            assertEquals(before.path("stats").path("matter"), after.path("stats").path("matter"));
        });
    }

    @Test
    void aSkillCostsEnergyAndTheRewardIsGrantedOnce() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Once");
            api.call("/select", "role", "Once", "task_name", "迷雾灯塔");
            api.call("/feedback", "role", "Once", "text", "港口 灯油");
            api.call("/feedback", "role", "Once", "text", "爬上塔");
            var last = api.call("/feedback", "role", "Once", "text", "...", "skills", List.of("火花术"), "items", List.of("旅人短剑"));
            assertTrue(last.get("status").asBoolean());
            assertEquals(List.of("守塔人的铜哨"), List.of(last.get("reward").path("items").get(0).asText()));
            var st = api.call("/status", "role", "Once").get("stats");
            assertEquals(100, st.path("energy").asInt(), "the spark's 5 energy came back with the rest at the end");
            assertEquals(60, st.path("exp").asInt());
            assertEquals(120, st.path("matter").asInt());
            assertTrue(api.call("/bag", "role", "Once").get("equipments").has("守塔人的铜哨"));
            var again = api.call("/feedback", "role", "Once", "text", "还有吗");
            assertEquals(409, again.code());
            assertEquals(60, api.call("/status", "role", "Once").get("stats").path("exp").asInt());
            assertFalse(api.call("/task_info", "role", "Once").get("task_list").toString().contains("迷雾灯塔"));
            assertEquals(404, api.call("/select", "role", "Once", "task_name", "迷雾灯塔").code(), "a finished task can't be taken again");
        });
    }

    @Test
    void personalTasksAreMadeListedPlayedAndLimited() {
        JavalinTest.test(App.create(TestConfig.of(dir, "tasks.max_open_personal=2")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Wisher");
            var made = api.call("/task_request", "role", "Wisher", "text", "我想去海边寻找失落的灯塔");
            String name = made.text("task_name");
            assertFalse(name.isBlank());
            assertEquals("系统", made.text("role"));
            var again = api.call("/task_request", "role", "Wisher", "text", "我想去海边寻找失落的灯塔");
            assertNotEquals(name, again.text("task_name"), "names stay unique");
            var full = api.call("/task_request", "role", "Wisher", "text", "再来一个");
            assertEquals(409, full.code());
            assertFalse(full.text("text").isBlank());
            var list = api.call("/task_info_personal", "role", "Wisher").get("task_list");
            assertEquals(2, list.size());
            var sel = api.call("/select_personal", "role", "Wisher", "task_name", name);
            assertTrue(isPng(sel.get("image_data")));
            var take = api.call("/main", "role", "Wisher", "text", "开始" + again.text("task_name"));
            assertTrue(take.get("status").asBoolean(), "personal tasks can be taken from the DM too");
            api.call("/select_personal", "role", "Wisher", "task_name", name);
            playToTheEnd(api, "Wisher", "我打听线索，然后出发前往，找到它并带回", 12);
            assertEquals(1, api.call("/task_info_personal", "role", "Wisher").get("task_list").size());
            assertEquals(200, api.call("/task_request", "role", "Wisher", "text", "一个新的愿望").code(), "room for one more");
        });
    }

    @Test
    void craftingSpendsTheRightResourceWithinBounds() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Smith");
            var skill = api.call("/merge", "role", "Smith", "mode", 0, "num", 30, "des", "一道能召唤雷电的剑诀");
            assertTrue(skill.get("success").asBoolean());
            assertEquals("skill", skill.get("item").path("kind").asText());
            var st = api.call("/status", "role", "Smith").get("stats");
            assertEquals(70, st.path("energy").asInt());
            assertEquals(100, st.path("matter").asInt());
            var learned = api.call("/skill", "role", "Smith").get("skills").path(skill.get("item").path("name").asText());
            assertEquals(12, learned.path("power").asInt(), "power 3 + round(√30 × 1.2) + 2 × level");
            assertEquals(6, learned.path("cost").asInt(), "a crafted skill costs half its power");
            var gear = api.call("/merge", "role", "Smith", "mode", 1, "num", 100, "des", "藤盾");
            int power = gear.get("item").path("power").asInt();
            assertTrue(power > 0 && power <= 18, "level 1 power is bounded: " + power);
            assertEquals(0, api.call("/status", "role", "Smith").get("stats").path("matter").asInt());
            var poor = api.call("/merge", "role", "Smith", "mode", 1, "num", 1, "des", "钉子");
            assertEquals(422, poor.code());
            assertFalse(poor.get("success").asBoolean());
            assertEquals(400, api.call("/merge", "role", "Smith", "mode", 2, "num", 1, "des", "x").http());
            assertEquals(400, api.call("/merge", "role", "Smith", "mode", 0, "num", 0, "des", "x").http());
            assertEquals(400, api.call("/merge", "role", "Smith", "mode", 0, "num", 1001, "des", "x").http());
            assertEquals(422, api.call("/merge", "role", "Smith", "mode", 0, "num", 1, "des", "fuck").code(), "banned words");
            assertTrue(Crafting.power(1000, 1) <= 18 && Crafting.power(1000, 5) > Crafting.power(1000, 1) && Crafting.power(10, 1) < Crafting.power(100, 1));
            assertFalse(api.call("/chronicle", "role", "Smith").raw().contains("极致"), "power 17 of 18 is no news");
            try (var db = TestConfig.database(dir)) {
                db.write(h -> h.execute("update characters set matter = 200"));
            }
            var finest = api.call("/merge", "role", "Smith", "mode", 1, "num", 109, "des", "铁盾");
            assertEquals(Crafting.finest(1), finest.get("item").path("power").asInt());
            var news = api.call("/chronicle", "role", "Smith").get("entries").path(0).path("text").asText();
            assertTrue(news.contains("Smith") && news.contains("18") && news.contains("极致"), "the finest craft of a level is news: " + news);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"zh", "en"})
    void everyOfflineCraftedNameIsKept(String language) {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Maker01");
            for (int i = 0; i < 60; i++) {
                var r = api.call("/merge", "role", "Maker01", "mode", i % 2, "num", 1, "des", "wish " + i);
                assertEquals(200, r.code(), r.raw());
                String name = r.get("item").path("name").asText();
                assertTrue(name.length() >= 2 && name.length() <= ContentPack.ITEM_NAME_MAX, name);
            }
        });
    }

    @Test
    void eventsChangeLittleAndTimeMovesOn() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Walker");
            String t0 = api.call("/time", "role", "Walker").text("time");
            var kind = api.call("/others", "role", "Walker", "info", "路上遇到一位受伤的商人", "text", "我上前帮他包扎伤口");
            assertFalse(kind.text("role").isBlank());
            assertTrue(kind.text("other").contains("经验+"), kind.text("other"));
            var st = api.call("/status", "role", "Walker").get("stats");
            assertTrue(st.path("exp").asInt() > 0 && st.path("exp").asInt() <= 20);
            api.call("/others", "role", "Walker", "info", "强盗", "text", "我攻击他");
            assertTrue(api.call("/status", "role", "Walker").get("stats").path("hp").asInt() < 100);
            assertNotEquals(t0, api.call("/time", "role", "Walker").text("time"));
        });
    }
}
