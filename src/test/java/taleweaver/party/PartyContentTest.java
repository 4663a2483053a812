package taleweaver.party;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.narrator.ContentPack;
import taleweaver.web.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The party tasks of a content pack (SPEC §16, README "Content packs"): the built-in ones and a host's own. */
class PartyContentTest {
    @TempDir
    Path dir;

    /** A party stuck on a stage hears its character say something new each round: three lines, none naming them. */
    @Test
    void everyBuiltInStagesCharacterHasThreeThingsToSayWhileItWaits() {
        for (String language : List.of("zh", "en")) {
            for (var task : PartyContent.builtIn(language).partyTasks()) {
                for (var stage : task.stages()) {
                    String where = language + " " + task.name() + " " + stage.npc();
                    assertTrue(stage.waiting().size() >= 3, where);
                    assertEquals(stage.waiting().size(), new HashSet<>(stage.waiting()).size(), where + ": a line twice");
                    for (String said : stage.waiting()) assertTrue(!said.contains(stage.npc()), where + " names itself: " + said);
                    for (long round = 1; round < 6; round++) {
                        assertTrue(!stage.waiting(round).equals(stage.waiting(round + 1)), where + ": the same words two rounds running");
                    }
                }
            }
        }
    }

    /** The words that would meet a stage, from its third round, in Chinese as in English (PartyTest plays the English). */
    @Test
    void aStuckPartyIsToldTheWordsInChinese() {
        var zh = PartyContent.builtIn("zh");
        var task = zh.partyTasks().get(0);
        var member = new PartyDao.Member(1, "阿青", 1, 100, 100, 100, "active", true, 0, 0, 0, false, false);
        var tried = new PartyNarrator.Declared("阿青", "act", "我唱歌", List.of(), List.of(), -1, false);
        var narrator = new PartyNarrator(zh, "说书人", null, "zh");
        for (int before = 0; before <= 2; before++) {
            var scene = new PartyNarrator.Scene(task, 0, List.of(tried), List.of(member), false, false, List.of(), "", List.of(), 7, before);
            String told = narrator.offline(scene).text();
            String needs = before < 2 ? "还差：拉稳绳子、爬下井。" : "还差：拉稳绳子（绳、拉）、爬下井（爬、下井）。";
            assertTrue(told.endsWith(needs), before + ": " + told);
        }
    }

    /** With a model, the words come in the round's question from the stage's third round, and its character is asked to hint. */
    @Test
    void theModelHearsTheWordsOfAStuckStage() {
        var en = PartyContent.builtIn("en");
        var member = new PartyDao.Member(1, "Ann", 1, 100, 100, 100, "active", true, 0, 0, 0, false, false);
        var tried = new PartyNarrator.Declared("Ann", "act", "I sing", List.of(), List.of(), -1, false);
        var narrator = new PartyNarrator(en, "Narrator", null, "en");
        for (int before = 1; before <= 2; before++) {
            var scene = new PartyNarrator.Scene(en.partyTasks().get(0), 0, List.of(tried), List.of(member), false, false, List.of(), "", List.of(), 7, before);
            String asked = narrator.prompt(scene).get(1).content();
            assertEquals(before == 2, asked.contains("still needed: the rope held fast (rope, hold), the climb down (climb, down)"), asked);
            assertEquals(before == 2, asked.contains("let Widow Lan hint plainly"), asked);
        }
    }

    /** A host's pack brings its own party tasks and lines; a stage's waiting line may be one line, as packs had it. */
    @Test
    void aHostsPackBringsItsOwnPartyTasks() throws IOException {
        ObjectNode tree = hostPack();
        ((ObjectNode) tree.withArray("party_tasks").get(0)).put("name", "The Keeper's Errand");
        var stage = (ObjectNode) tree.withArray("party_tasks").get(0).withArray("stages").get(0);
        stage.put("waiting", "Well? Get on with it.");
        tree.putObject("party_lines").putArray("held").add("{name} sits this one out.");
        var content = PartyContent.load(TestConfig.of(dir, "game.content_pack=" + write(tree)).game(), "en");
        var task = content.task("The Keeper's Errand").orElseThrow();
        assertEquals(List.of("Well? Get on with it."), task.stages().get(0).waiting());
        assertEquals("Well? Get on with it.", task.stages().get(0).waiting(7));
        assertEquals("Ann sits this one out.", content.say("held", 3, "name", "Ann"), "its own line");
        assertEquals(PartyContent.builtIn("en").lines().get("acted"), content.lines().get("acted"), "the rest built in");
    }

    @Test
    void aPackWithoutPartyTasksIsOfferedTheBuiltInOnes() throws IOException {
        ObjectNode tree = hostPack();
        tree.remove("party_tasks");
        var content = PartyContent.load(TestConfig.of(dir, "game.content_pack=" + write(tree)).game(), "en");
        assertEquals(PartyContent.builtIn("en").partyTasks(), content.partyTasks());
    }

    /** A broken party task stops start-up naming it: a stage for one pair of hands, or a character with nothing to say. */
    @Test
    void aBrokenPartyTaskStopsStartUpNamingIt() throws IOException {
        ObjectNode tree = hostPack();
        var stage = (ObjectNode) tree.withArray("party_tasks").get(1).withArray("stages").get(0);
        String name = tree.withArray("party_tasks").get(1).path("name").asText();
        stage.withArray("needs").remove(1);
        assertTrue(refused(tree).contains(name) && refused(tree).contains("two hands"), refused(tree));
        tree = hostPack();
        ((ObjectNode) tree.withArray("party_tasks").get(1).withArray("stages").get(0)).putArray("waiting");
        assertTrue(refused(tree).contains(name) && refused(tree).contains("waiting"), refused(tree));
        tree = hostPack();
        ((ObjectNode) tree.withArray("party_tasks").get(1).withArray("stages").get(0)).remove("waiting");
        assertTrue(refused(tree).contains(name) && refused(tree).contains("waiting"), refused(tree));
        tree = hostPack();
        while (tree.withArray("party_tasks").size() > 3) tree.withArray("party_tasks").remove(0);
        assertTrue(refused(tree).contains("at least 4 party tasks"), refused(tree));
    }

    /** The built-in English pack with the built-in party tasks written into it, as a host would start theirs. */
    private static ObjectNode hostPack() throws IOException {
        var tree = (ObjectNode) Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/en.json"));
        var party = Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/en.party.json"));
        tree.set("party_tasks", party.get("party_tasks").deepCopy());
        return tree;
    }

    private Path write(ObjectNode tree) throws IOException {
        Path file = dir.resolve("pack.json");
        Files.write(file, Json.bytes(tree));
        return file;
    }

    private String refused(ObjectNode tree) throws IOException {
        Path file = write(tree);
        return assertThrows(ContentPack.Broken.class, () -> PartyContent.load(TestConfig.of(dir, "game.content_pack=" + file).game(), "en")).getMessage();
    }
}
