package taleweaver.character;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL: every write of a character's sheet reads the sheet once it holds the player's row, as every sheet writer
 * does, so a change another writer committed meanwhile (a party round, a duel, a turn on another instance; here 7
 * defense, which none of these routes touches) is kept, not written over with the sheet as read before it. Taking any
 * one of these routes' locks out fails its case. The party round's telling is checked in PartyTest.
 */
class SheetWritersTest {
    @TempDir
    Path dir;

    @BeforeEach
    void postgres() {
        assumeTrue(TestConfig.postgres(), "SQLite's writes are one at a time");
    }

    /**
     * A task turn, an encounter and crafting, each with a model that takes a second and a half: the other writer takes
     * the row while the model thinks (the turn's lease taken, nothing of the sheet read yet) and holds it past the reply.
     */
    @Test
    void aTaskTurnAnEncounterAndCraftingKeepAChangeMadeWhileTheModelThought() throws Exception {
        try (var stub = new ModelStub(r -> {
            pause(1500);
            return ModelStub.json(Map.of("text", "The harbour is quiet.", "name", "Tin Lantern", "description", "a small lantern"));
        })) {
            JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                    "narrator.api_key=k", "narrator.max_retries=0")), (server, client) -> {
                Api api = new Api(client.getOrigin());
                api.signup("Tess");
                assertEquals(200, api.call("/select", "role", "Tess", "task_name", "The Fogbound Lighthouse").code());
                keeps("Tess", 400, () -> api.call("/feedback", "role", "Tess", "text", "I walk to the harbour", "roles", List.of()));
                keeps("Tess", 400, () -> api.call("/others", "role", "Tess", "info", "a merchant blocks the road", "text", "I greet him"));
                keeps("Tess", 400, () -> api.call("/merge", "role", "Tess", "mode", 1, "num", 10, "des", "a lantern"));
            });
        }
    }

    @Test
    void aDuelsRoundKeepsAChangeMadeWhileItWasJudged() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String id = duelAfterAnnsMove(api);
            keeps("Ann", 0, () -> api.call("/battle", "role", "Bob", "id", id, "text", "a shield bash"));
        });
    }

    @Test
    void aDuelsRoundJudgedAtItsTimeoutKeepsAChangeMadeWhileItWasJudged() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "battle.round_timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String id = duelAfterAnnsMove(api);
            keeps("Ann", 0, () -> { // Bob never moves: the round is judged when its second is up, while Ann's row is held
                pause(2500);
                return api.call("/status", "role", "Ann");
            });
            assertTrue(api.call("/battle", "role", "Ann", "id", id, "text", "again", "wait", 0).get("round").asInt() > 1, "the round was judged");
        });
    }

    /** Ann and Bob in a duel, Ann's move of its first round made: the battle's id. */
    private static String duelAfterAnnsMove(Api api) {
        api.signup("Ann");
        api.signup("Bob");
        String id = api.call("/challenge", "role1", "Ann", "role2", "Bob", "wait", 0).text("id");
        assertEquals(200, api.call("/accept_challenge", "role", "Bob", "id", id).code());
        assertEquals(200, api.call("/battle", "role", "Ann", "id", id, "text", "a feint", "wait", 0).code());
        return id;
    }

    /**
     * Sends the request; {@code takenAfter} ms later (0: before it is sent) another writer takes {@code name}'s row and
     * gives 7 defense, and commits two seconds on.
     */
    private void keeps(String name, long takenAfter, Callable<Api.Reply> write) throws Exception {
        int before = defense(name);
        var pool = Executors.newSingleThreadExecutor();
        try (var c = TestConfig.connect(dir)) {
            c.setAutoCommit(false);
            var sent = takenAfter > 0 ? pool.submit(write) : null;
            pause(takenAfter);
            try (var lock = c.prepareStatement("select id from players where name = ? for update");
                 var give = c.prepareStatement("update characters set defense = defense + 7 where player_id = (select id from players where name = ?)")) {
                lock.setString(1, name);
                lock.executeQuery().close();
                give.setString(1, name);
                give.executeUpdate();
            }
            if (sent == null) sent = pool.submit(write);
            pause(2000); // the write meets the row held
            c.commit();
            var reply = sent.get(20, TimeUnit.SECONDS);
            assertEquals(200, reply.code(), reply.raw());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 7, defense(name), "the other writer's 7 kept");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int defense(String name) throws Exception {
        try (Connection c = TestConfig.connect(dir);
             var q = c.prepareStatement("select defense from characters where player_id = (select id from players where name = ?)")) {
            q.setString(1, name);
            var rs = q.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }
}
