package taleweaver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped deploy files as a host uses them: their settings start a server, and nginx as shipped forwards safely. */
class DeployFilesTest {
    private static final Path CLUSTER = Path.of("deploy/cluster");
    @TempDir
    Path dir;

    @Test
    void theComposeInstancesTrustOnlyNginxsFixedAddressAndKnowPlayersByToken() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(CLUSTER.resolve("compose.yaml").toFile());
        String nginx = compose.at("/services/nginx/networks/game/ipv4_address").asText();
        assertEquals("172.28.0.10", nginx, "nginx has a fixed address on the game network");
        for (String game : List.of("game1", "game2", "game3")) {
            var sets = new ArrayList<String>();
            JsonNode command = compose.at("/services/" + game + "/command");
            for (int i = 0; i + 1 < command.size(); i++) {
                if (command.get(i).asText().equals("--set")) sets.add(command.get(i + 1).asText());
            }
            Config config = Config.load(null, sets, Map.of());
            assertEquals(nginx, config.server().trustedProxies(), game);
            assertEquals("token", config.auth().mode(), game);
        }
    }

    @Test
    void theSystemdUnitStartsWithTokenAuthAndTrustsOnlyThisMachine() throws IOException {
        String unit = Files.readString(CLUSTER.resolve("taleweaver@.service"));
        var sets = new ArrayList<String>();
        var m = Pattern.compile("--set (\\S+)").matcher(unit);
        while (m.find()) if (!m.group(1).contains("%") && !m.group(1).contains("${")) sets.add(m.group(1));
        Config config = Config.load(null, sets, Map.of());
        assertEquals("127.0.0.1", config.server().trustedProxies());
        assertEquals("token", config.auth().mode());
    }

    /** ./run.sh's JVM settings for the java it starts, and the systemd units' the same (as run.sh has them for Java 17). */
    @Test
    void runShSizesTheJvmForTheJavaItStartsAndTheUnitsAgree() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String line = runSh(Map.of("JAVA", java), "java-opts");
        String serial = "-XX:+UseSerialGC -XX:SurvivorRatio=4 -XX:TargetSurvivorRatio=80";
        String collector = Runtime.version().feature() >= 21 ? "-XX:+UseG1GC" : serial;
        assertTrue(line.startsWith("MALLOC_ARENA_MAX=2 -Xms32m -Xmx256m "), line);
        assertTrue(line.endsWith(" " + collector), line);
        assertEquals("MALLOC_ARENA_MAX=4 -Xmx1g", runSh(Map.of("JAVA", java, "JAVA_OPTS", "-Xmx1g", "MALLOC_ARENA_MAX", "4"), "java-opts"));
        String big = runSh(Map.of("JAVA", java, "HEAP", "1g"), "java-opts"); // a bigger box: G1 on every Java
        assertEquals(line.replace("-Xmx256m", "-Xmx1g").replace(collector, "-XX:+UseG1GC"), big);
        var bad = new ProcessBuilder("./run.sh", "java-opts").redirectErrorStream(true);
        bad.environment().put("HEAP", "1g -XX:OnOutOfMemoryError=reboot");
        Process refused = bad.start();
        String said = new String(refused.getInputStream().readAllBytes());
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), said);
        assertTrue(said.contains("HEAP is a size"), said);
        String forJava17 = line.substring(line.indexOf(' ') + 1).replace(collector, serial);
        for (Path unit : List.of(Path.of("deploy/taleweaver.service"), CLUSTER.resolve("taleweaver@.service"))) {
            String text = Files.readString(unit);
            assertTrue(text.contains("\nEnvironment=MALLOC_ARENA_MAX=2\n"), unit.toString());
            var exec = Pattern.compile("ExecStart=/usr/bin/java (.*?) \\\\?\\s*-jar").matcher(text);
            assertTrue(exec.find(), unit.toString());
            assertEquals(forJava17, exec.group(1), unit.toString());
        }
    }

    private static String runSh(Map<String, String> env, String... args) throws Exception {
        var command = new ArrayList<>(List.of("./run.sh"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("MALLOC_ARENA_MAX");
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "run.sh did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aProxySettingThatTrustsEveryAddressStopsStartUpNamingTheKey() {
        for (String broad : List.of("0.0.0.0/0", "::/0", "127.0.0.1, 0.0.0.0/0")) {
            var e = assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("server.trusted_proxies=" + broad), Map.of()));
            assertTrue(e.getMessage().contains("server.trusted_proxies"), e.getMessage());
        }
        for (String privateRange : List.of("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "192.0.0.0/2", "fc00::/7")) {
            assertThrows(Config.Invalid.class, () -> Config.load(null, List.of("server.trusted_proxies=" + privateRange), Map.of()), privateRange);
            // with tokens only, a whole private network of proxies is the host's choice
            Config.load(null, List.of("server.trusted_proxies=" + privateRange, "auth.mode=token"), Map.of());
        }
        Config.load(null, List.of("server.trusted_proxies=172.28.0.10, 10.1.0.0/16, 127.0.0.1"), Map.of());
    }

    /** nginx.conf as shipped, in front of one instance: a client's own X-Forwarded-For names no one else. */
    @Test
    void throughTheShippedNginxAClientCannotClaimAnothersAddress() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            Assumptions.assumeFalse(System.getenv("CI") == null, "nginx is not installed (CI installs it)");
            throw new AssertionError("nginx is not installed");
        }
        // the unit's settings, but address auth on: the stricter check of the proxy's header
        var config = TestConfig.of(dir, "server.trusted_proxies=127.0.0.1", "auth.mode=token_or_address");
        JavalinTest.test(App.create(config), (server, client) -> {
            int port = freePort();
            String site = Files.readString(CLUSTER.resolve("nginx.conf"))
                    .replaceAll("server 127\\.0\\.0\\.1:500[123][^;]*;", "")
                    .replace("keepalive 64;", "server 127.0.0.1:" + server.port() + ";\n    keepalive 64;")
                    .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
            Files.writeString(dir.resolve("site.conf"), site);
            Files.writeString(dir.resolve("nginx.conf"), "pid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log")
                    + ";\nevents {}\nhttp {\n access_log off;\n client_body_temp_path " + dir + ";\n proxy_temp_path " + dir
                    + ";\n include " + dir.resolve("site.conf") + ";\n}\n");
            Process proxy = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            try {
                String direct = "http://127.0.0.1:" + server.port();
                String viaNginx = "http://127.0.0.1:" + port;
                assertEquals(200, RawHttp.from("127.0.0.5", direct, "/signup", "email", "ann@x.org", "username", "Ann",
                        "password", Api.md5("pw"), "ip", "127.0.0.5:7000").code());
                awaitListening(viaNginx, proxy);
                // Ann's own address, claimed in the header through the proxy: not Ann
                var claimed = RawHttp.from("127.0.0.1", Map.of("X-Forwarded-For", "127.0.0.5"), viaNginx, "/status", "role", "Ann");
                assertEquals(401, claimed.http(), claimed.raw());
                // from Ann's own address the same request is Ann's
                assertEquals(200, RawHttp.from("127.0.0.5", direct, "/status", "role", "Ann").http());
            } finally {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
            }
        });
    }

    private static void awaitListening(String base, Process proxy) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                new Api(base).call("/health");
                return;
            } catch (RuntimeException e) {
                assertTrue(proxy.isAlive(), "nginx stopped");
                Thread.sleep(25);
            }
        }
        assertNotNull(null, "nginx never answered");
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
