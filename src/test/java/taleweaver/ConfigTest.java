package taleweaver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @Test
    void defaultsMatchTheSpec() {
        Config c = Config.defaultConfig();
        assertEquals(5000, c.server().port());
        assertEquals("0.0.0.0", c.server().host());
        assertEquals("data/taleweaver.db", c.storage().database());
        assertEquals("token_or_address", c.auth().mode());
        assertEquals(10, c.auth().bcryptCost());
        assertEquals(30, c.presence().timeoutSeconds());
        assertEquals(20, c.challenge().waitSeconds());
        assertEquals(120, c.challenge().ttlSeconds());
        assertEquals(60, c.battle().roundTimeoutSeconds());
        assertEquals(10, c.battle().maxRounds());
        assertEquals(600, c.limits().requestsPerMinute());
        assertEquals("offline", c.narrator().provider());
    }

    @Test
    void theShippedConfigYamlLoadsAndDocumentsEveryKey() throws IOException {
        Path yaml = Path.of("config.yaml");
        Config c = Config.load(yaml, List.of(), Map.of());
        assertEquals(Config.defaultConfig().server(), c.server());
        String text = Files.readString(yaml);
        Config.defaults().forEach((section, keys) -> keys.keySet().forEach(key ->
                assertTrue(text.contains("  " + key + ":"), "config.yaml documents " + section + "." + key)));
    }

    @Test
    void fileThenSetOverridesWithEnvironmentExpansion(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "server:\n  port: 6000\nnarrator:\n  api_key: ${KEY}\n  model: ${MODEL:-qwen2.5}\n");
        Config c = Config.load(yaml, List.of("server.port=7000", "battle.max_rounds=3"), Map.of("KEY", "sk-123"));
        assertEquals(7000, c.server().port());
        assertEquals(3, c.battle().maxRounds());
        assertEquals("sk-123", c.narrator().apiKey());
        assertEquals("qwen2.5", c.narrator().model());
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey(@TempDir Path dir) throws IOException {
        var e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("server.prot=1"), Map.of()));
        assertTrue(e.getMessage().contains("server.prot"));
        e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("auth.bcrypt_cost=3"), Map.of()));
        assertTrue(e.getMessage().contains("auth.bcrypt_cost"));
        e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("server.port=abc"), Map.of()));
        assertTrue(e.getMessage().contains("server.port"));
        e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("auth.mode=sometimes"), Map.of()));
        assertTrue(e.getMessage().contains("auth.mode"));
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "limits:\n  requests_per_hour: 5\n");
        e = assertThrows(Config.Invalid.class, () -> Config.load(yaml, List.of(), Map.of()));
        assertTrue(e.getMessage().contains("limits.requests_per_hour"));
    }

    @Test
    void commandLineArguments(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "game:\n  language: en\n");
        Config c = Config.fromArgs(new String[]{"--config", yaml.toString(), "--set", "server.port=5100", "--set", "challenge.wait_seconds=0"});
        assertEquals("en", c.game().language());
        assertEquals(5100, c.server().port());
        assertEquals(0, c.challenge().waitSeconds());
        assertThrows(Config.Invalid.class, () -> Config.fromArgs(new String[]{"--config", dir.resolve("missing.yaml").toString()}));
        assertThrows(Config.Invalid.class, () -> Config.fromArgs(new String[]{"--bogus"}));
        assertEquals("x", Config.expand("${NOPE:-x}", Map.of()));
        assertEquals("k-1", Config.expand("${KEY:-x}", Map.of("KEY", "k-1")));
    }

    @Test
    void aBaseUrlWithoutAnHttpSchemeStopsStartUpNamingTheKey() {
        for (String key : List.of("narrator.base_url", "images.base_url")) {
            for (String bad : List.of("localhost:11434/v1", "ftp://host/v1", "http//host")) {
                var e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of(key + "=" + bad), Map.of()), bad);
                assertTrue(e.getMessage().contains(key), e.getMessage());
            }
            assertEquals("http://127.0.0.1:11434/v1", key.startsWith("narrator")
                    ? Config.load(null, List.of(key + "=http://127.0.0.1:11434/v1"), Map.of()).narrator().baseUrl()
                    : Config.load(null, List.of(key + "=http://127.0.0.1:11434/v1"), Map.of()).images().baseUrl());
        }
    }
}
