package taleweaver.character;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharacterRoutesTest {
    @TempDir
    Path dir;

    @Test
    void aNewCharacterHasTheStarterSheetAndKit() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("新人");
            var st = api.call("/status", "role", "新人");
            var stats = st.get("stats");
            assertEquals(List.of(1, 0, 100, 100, 100, 100, 100, 10, 10), List.of(stats.path("level").asInt(), stats.path("exp").asInt(),
                    stats.path("exp_next").asInt(), stats.path("matter").asInt(), stats.path("energy").asInt(), stats.path("hp").asInt(),
                    stats.path("max_hp").asInt(), stats.path("attack").asInt(), stats.path("defense").asInt()));
            var names = new java.util.ArrayList<String>();
            st.get("attribute").fieldNames().forEachRemaining(names::add);
            assertEquals(List.of("等级", "经验", "升级所需经验", "物质", "能量", "生命", "最大生命", "攻击", "防御"), names);
            var bag = api.call("/bag", "role", "新人").get("equipments");
            assertEquals(1, bag.size());
            var item = bag.elements().next();
            assertTrue(item.has("description") && item.path("count").asInt() == 1 && item.path("power").asInt() > 0);
            var skills = api.call("/skill", "role", "新人").get("skills");
            assertEquals(1, skills.size());
            assertTrue(skills.elements().next().path("cost").asInt() > 0);
            assertEquals("第1天 上午 08:00", api.call("/time", "role", "新人").text("time"));
        });
    }

    @Test
    void englishGameUsesEnglishKeysAndKit() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Newcomer");
            var attribute = api.call("/status", "role", "Newcomer").get("attribute");
            assertTrue(attribute.has("Level") && attribute.has("Next level") && attribute.has("Max HP"));
            assertTrue(api.call("/bag", "role", "Newcomer").get("equipments").has("Traveller's Dagger"));
            assertEquals("Day 1, morning, 08:00", api.call("/time", "role", "Newcomer").text("time"));
        });
    }

    @Test
    void unauthorisedSheetReadsAre401() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            assertEquals(401, api.call("/status", "role", "Ghost").http());
            assertEquals(400, api.call("/bag").http(), "role is required");
            assertEquals(400, api.call("/skill", "role", 7).http());
        });
    }

    @Test
    void aRestartKeepsAccountsAndSheets() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Keeper");
            assertEquals(200, api.call("/merge", "role", "Keeper", "mode", 1, "num", 30, "des", "a shield").code());
        });
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            var login = api.call("/login", "email", Api.email("Keeper"), "password", Api.md5("pw-Keeper"), "ip", "127.0.0.1:9");
            assertEquals(200, login.code());
            assertEquals(70, api.call("/status", "role", "Keeper").get("stats").path("matter").asInt());
            assertEquals(2, api.call("/bag", "role", "Keeper").get("equipments").size());
        });
    }
}
