package taleweaver;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §16 and §8: the server run as the host runs it, a process of its own, killed with SIGKILL (no shutdown hook, no
 * flush) while three players play a party quest and two craft, then started again on the same database: every
 * declaration, chat line and craft it acknowledged is there, every acknowledged declaration is told in exactly one
 * round, no round is told twice, and the quest plays on. Twice over, on SQLite and (the second run) PostgreSQL.
 */
class KilledServerTest {
    private static final String WELL = "The Flooded Well";
    private static final List<String> PARTY = List.of("Ann", "Bob", "Cid");
    private static final List<String> CRAFTERS = List.of("Dan", "Eve");

    @TempDir
    Path dir;

    /** What the server answered 200 to: each member's declarations and chat lines, each crafter's crafts. */
    private final Map<String, Set<String>> declared = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> said = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> crafted = new ConcurrentHashMap<>();
    /** Why each player stopped before the kill, if one did. */
    private final List<String> stopped = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void aServerKilledMidPlayLosesNothingItAcknowledged() throws Exception {
        int port = freePort();
        var api = new Api("http://127.0.0.1:" + port);
        Process server = start(port, 1);
        try {
            for (String n : PARTY) api.signup(n);
            for (String n : CRAFTERS) api.signup(n);
            String code = api.call("/party_create", "role", "Ann").text("code");
            for (String n : PARTY.subList(1, 3)) assertEquals(200, api.call("/party_join", "role", n, "code", code).code());
            assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
            for (String n : PARTY.subList(1, 3)) assertEquals(200, api.call("/party_ready", "role", n, "ready", true).code());
            for (int life = 1; life <= 2; life++) {
                playUntilKilled(api, server);
                server = start(port, life + 1);
                everythingAcknowledgedIsThere(api);
            }
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Everyone plays until enough is acknowledged, then the server is killed under them; they stop at its silence. */
    private void playUntilKilled(Api api, Process server) throws Exception {
        ExecutorService players = Executors.newFixedThreadPool(PARTY.size() + CRAFTERS.size());
        try {
            var going = new ArrayList<Future<?>>();
            for (String n : PARTY) going.add(players.submit(() -> playInParty(api, n)));
            for (String n : CRAFTERS) going.add(players.submit(() -> craft(api, n)));
            int rounds = told(api).size();
            for (int i = 0; i < 600 && (told(api).size() < rounds + 6 || crafts() < 20); i++) Thread.sleep(25);
            assertTrue(told(api).size() >= rounds + 6 && crafts() >= 20, "the play went on before the kill: " + (told(api).size() - rounds)
                    + " rounds, " + crafts() + " crafts; " + stopped);
            server.destroyForcibly(); // SIGKILL: nothing of the server's own runs after it
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
            for (var f : going) f.get(30, TimeUnit.SECONDS); // each stops at its first refused connection
        } finally {
            players.shutdownNow();
        }
    }

    /** Declares a fresh line each round, says something every few rounds, waits for the round to be told; ends with the server. */
    private void playInParty(Api api, String name) {
        try {
            int after = api.call("/party_status", "role", name).get("last").asInt();
            for (int k = 0; ; k++) {
                String line = "I look around the yard, " + name + " " + k + " " + System.nanoTime();
                var acted = api.call("/party_act", "role", name, "text", line);
                if (acted.code() != 200) {
                    stopped.add(name + ": " + acted.raw());
                    return;
                }
                declared.computeIfAbsent(name, x -> ConcurrentHashMap.newKeySet()).add(line);
                if (k % 4 == 0) {
                    String words = name + " whispers " + k + " " + System.nanoTime();
                    if (api.call("/party_say", "role", name, "text", words).code() == 200) {
                        said.computeIfAbsent(name, x -> ConcurrentHashMap.newKeySet()).add(words);
                    }
                }
                for (boolean told = false; !told; ) {
                    var r = api.call("/party_wait", "role", name, "after", after, "wait", 2);
                    if (r.code() != 200) {
                        stopped.add(name + ": " + r.raw());
                        return;
                    }
                    for (JsonNode e : r.get("events")) {
                        for (JsonNode a : e.path("actions")) told |= a.path("text").asText().equals(line);
                    }
                    after = Math.max(after, r.get("last").asInt());
                }
            }
        } catch (UncheckedIOException killed) {
            // the server is gone: what it acknowledged is recorded
        }
    }

    private void craft(Api api, String name) {
        try {
            while (true) {
                var r = api.call("/merge", "role", name, "mode", 1, "num", 1, "des", "a small lamp");
                if (r.code() != 200) {
                    stopped.add(name + ": " + r.raw());
                    return;
                }
                crafted.computeIfAbsent(name, x -> new AtomicInteger()).incrementAndGet();
            }
        } catch (UncheckedIOException killed) {
            // as above
        }
    }

    private void everythingAcknowledgedIsThere(Api api) throws InterruptedException {
        for (String n : CRAFTERS) {
            int spent = 100 - api.stat(n, "matter"), acknowledged = crafted.getOrDefault(n, new AtomicInteger()).get();
            assertTrue(spent >= acknowledged && spent <= acknowledged + 1,
                    n + " spent " + spent + " matter for " + acknowledged + " acknowledged crafts (one more may have been written unanswered)");
        }
        // a round missing declarations is told at its deadline (3 s); one being told when the server died at the start
        // on SQLite, and on PostgreSQL (where another instance might be telling it) once its claim is stale (11 s)
        var acknowledged = new java.util.HashSet<String>();
        declared.values().forEach(acknowledged::addAll);
        long until = System.currentTimeMillis() + 40_000;
        while (System.currentTimeMillis() < until && !toldLines(api).containsAll(acknowledged)) Thread.sleep(50);
        List<JsonNode> events = allEvents(api, "Ann");
        var rounds = new ArrayList<Integer>();
        var toldCount = new HashMap<String, Integer>();
        for (JsonNode e : events) {
            if (!e.path("kind").asText().equals("resolved")) continue;
            rounds.add(e.path("round").asInt());
            e.path("actions").forEach(a -> toldCount.merge(a.path("name").asText() + ": " + a.path("text").asText(), 1, Integer::sum));
        }
        for (int i = 1; i < rounds.size(); i++) assertEquals(rounds.get(i - 1) + 1, rounds.get(i), "rounds told once each, in order: " + rounds);
        for (String n : PARTY) {
            for (String line : declared.getOrDefault(n, Set.of())) {
                assertEquals(1, toldCount.getOrDefault(n + ": " + line, 0), "an acknowledged declaration told in one round: " + line);
            }
        }
        var chat = events.stream().filter(e -> e.path("kind").asText().equals("chat")).map(e -> e.path("text").asText()).toList();
        said.values().forEach(lines -> lines.forEach(l -> assertTrue(chat.contains(l), "acknowledged chat kept: " + l)));
        assertEquals(WELL, api.call("/party_status", "role", "Ann").text("task"), "the quest plays on");
    }

    /** Every event of the party, page after page. */
    private static List<JsonNode> allEvents(Api api, String name) {
        var out = new ArrayList<JsonNode>();
        for (int after = 0; ; ) {
            var r = api.call("/party_wait", "role", name, "after", after, "wait", 0);
            if (r.get("events").isEmpty()) return out;
            r.get("events").forEach(out::add);
            after = r.get("last").asInt();
        }
    }

    private static List<JsonNode> told(Api api) {
        return allEvents(api, "Ann").stream().filter(e -> e.path("kind").asText().equals("resolved")).toList();
    }

    /** Every action told so far, as Ann (who was there from the start) reads the party. */
    private static Set<String> toldLines(Api api) {
        var lines = new java.util.HashSet<String>();
        for (JsonNode e : told(api)) e.path("actions").forEach(a -> lines.add(a.path("text").asText()));
        return lines;
    }

    private int crafts() {
        return crafted.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The server as {@code java -jar} runs it, on this test's database, its log in the temp dir. */
    private Process start(int port, int life) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "taleweaver.App"));
        for (String set : TestConfig.sets(dir, "server.port=" + port, "game.language=en", "party.round_seconds=3",
                "narrator.turn_deadline_seconds=1")) {
            command.addAll(List.of("--set", set));
        }
        Path log = dir.resolve("server-" + life + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var api = new Api("http://127.0.0.1:" + port);
        for (int i = 0; i < 600; i++) {
            try {
                if (api.call("/health").http() == 200) return p;
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not start:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
