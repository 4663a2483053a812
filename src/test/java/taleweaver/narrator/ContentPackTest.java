package taleweaver.narrator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.web.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentPackTest {
    @TempDir
    Path dir;

    @Test
    void bothBuiltInPacksAreComplete() {
        for (String language : new String[]{"zh", "en"}) {
            ContentPack pack = ContentPack.builtIn(language);
            assertTrue(pack.tasks().size() >= 8);
            assertTrue(pack.tasks().stream().filter(t -> t.minLevel() <= 1).count() >= 8, "eight tasks open at level 1");
            assertTrue(pack.reservedNames().contains(pack.dm().name()));
        }
    }

    /**
     * Issue 21: in the built-in packs every stage's character has their own words for it, which never name them; every
     * stage but the first has what its character says when it is reached; every stage reached mid-task is remembered in
     * a sentence of its own; every encounter has its person, their answers and the player's memory of it.
     */
    @Test
    void theBuiltInPacksLetTheirPeopleTalk() {
        for (String language : new String[]{"zh", "en"}) {
            ContentPack pack = ContentPack.builtIn(language);
            for (var task : pack.tasks()) {
                for (int i = 0; i < task.stages().size(); i++) {
                    var stage = task.stages().get(i);
                    String where = task.name() + " stage " + (i + 1);
                    assertTrue(stage.hints().size() >= 3, where + ": three ways to point at the goal");
                    assertTrue(i == 0 || !stage.intro().isEmpty(), where + ": what its character says when it is reached");
                    assertTrue(i == task.stages().size() - 1 || stage.deed() != null, where + ": its memory");
                    for (String said : java.util.stream.Stream.concat(stage.hints().stream(), stage.intro().stream()).toList()) {
                        assertTrue(!said.toLowerCase().contains(stage.npc().toLowerCase()), where + ": " + stage.npc() + " names itself: " + said);
                        assertTrue(!said.contains("Next:") && !said.contains("接下来，"), where + ": a label: " + said);
                    }
                }
            }
            for (var stage : pack.personal().stages()) assertTrue(stage.hints().size() >= 3 && stage.deed() != null || stage == pack.personal().stages().get(2));
            assertTrue(pack.encounters().size() >= 8);
            for (var e : pack.encounters()) {
                assertTrue(e.speaker() != null && !e.kind().isEmpty() && !e.harsh().isEmpty() && e.helped() != null && e.wronged() != null, e.text());
                assertTrue(pack.reservedNames().contains(e.speaker()), "nobody signs up as " + e.speaker());
                for (String said : java.util.stream.Stream.concat(e.kind().stream(), e.harsh().stream()).toList()) {
                    assertTrue(!said.toLowerCase().contains(e.speaker().toLowerCase()), e.speaker() + " names itself: " + said);
                }
            }
        }
    }

    @Test
    void aHostsPackFromAnEarlierReleaseBorrowsTheLinesAddedSince() throws IOException {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/zh.json"));
        var lines = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("lines");
        lines.remove(java.util.List.of("dm.recall", "chronicle.task", "npc.known"));
        lines.putArray("dm.chat").add("自己的话。");
        Path file = dir.resolve("old-pack.json");
        Files.write(file, Json.bytes(tree));
        var pack = ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game());
        assertEquals(ContentPack.builtIn("zh").lines().get("dm.recall"), pack.lines().get("dm.recall"), "borrowed from the built-in pack");
        assertEquals(java.util.List.of("自己的话。"), pack.lines().get("dm.chat"), "its own lines stay its own");
        lines.remove("busy"); // a line every release has had is still required
        Files.write(file, Json.bytes(tree));
        assertTrue(assertThrows(ContentPack.Broken.class, () -> ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game()))
                .getMessage().contains("lines.busy"));
    }

    @Test
    void aHostsPackReplacesTheBuiltInOne() throws IOException {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/en.json"));
        tree.with("dm").put("name", "Keeper");
        Path file = dir.resolve("pack.json");
        Files.write(file, Json.bytes(tree));
        var pack = ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game());
        assertEquals("Keeper", pack.dm().name());
    }

    @Test
    void aBrokenPackStopsStartUpNamingTheEntry() throws IOException {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(ContentPack.class.getResourceAsStream("/content/zh.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.withArray("tasks").get(2)).withArray("stages").removeAll();
        Path file = dir.resolve("broken.json");
        Files.write(file, Json.bytes(tree));
        var e = assertThrows(ContentPack.Broken.class, () -> ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game()));
        assertTrue(e.getMessage().contains("磨坊的怪声") && e.getMessage().contains("stages"), e.getMessage());
        Files.writeString(file, "{\"language\": \"zh\", ");
        assertThrows(ContentPack.Broken.class, () -> ContentPack.load(TestConfig.of(dir, "game.content_pack=" + file).game()));
        assertThrows(ContentPack.Broken.class, () -> ContentPack.load(TestConfig.of(dir, "game.content_pack=" + dir.resolve("none.json")).game()));
    }
}
