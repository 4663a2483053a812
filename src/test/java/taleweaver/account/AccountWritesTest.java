package taleweaver.account;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.Refusal;
import taleweaver.TestConfig;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.db.Database;
import taleweaver.images.PngTest;
import taleweaver.images.ProceduralImages;
import taleweaver.narrator.ContentPack;
import taleweaver.pvp.Presence;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccountWritesTest {
    @TempDir
    Path dir;

    @Test
    void theAccountWriteAfterBcryptRunsOnTheWritersNotTheHashingThreads() throws Exception {
        var pack = ContentPack.builtIn("zh");
        var db = TestConfig.database(dir);
        var threads = new CopyOnWriteArrayList<String>();
        Executor writers = work -> new Thread(() -> {
            threads.add(Thread.currentThread().getName());
            work.run();
        }, "account-writer").start();
        try (var passwords = new Passwords(4, 1)) {
            var accounts = new AccountService(TestConfig.of(dir).auth(), db, passwords, new NameRules(pack),
                    new CharacterService(db, pack), new Presence(30), writers, new taleweaver.db.Signals(db, TestConfig.of(dir).storage(), "test"));
            accounts.signup(new AccountService.Signup("a@b.org", "Ann", "pw", "127.0.0.1:9", null, "127.0.0.1")).get(10, TimeUnit.SECONDS);
            accounts.login("a@b.org", "pw", null, "127.0.0.1").get(10, TimeUnit.SECONDS);
            assertEquals(List.of("account-writer", "account-writer"), threads);
        } finally {
            db.close();
        }
    }

    @Test
    void anAvatarDeclaringAHugeSizeIsReplacedByADrawnOne() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            Api api = new Api(client.getOrigin());
            String bomb = Base64.getEncoder().encodeToString(PngTest.blackPng(2048, 2048));
            var reply = api.call("/signup", "email", "big@example.org", "username", "Big", "password", Api.md5("x"), "ip", "127.0.0.1:9",
                    "image_data", bomb);
            assertEquals(200, reply.code());
            api.signup("Viewer");
            var list = api.call("/get_list", "role", "Viewer", "images", true);
            assertArrayEquals(ProceduralImages.portrait("Big"), Base64.getDecoder().decode(list.get("image_data").get(0).asText()));
            String small = Base64.getEncoder().encodeToString(PngTest.blackPng(64, 64));
            api.call("/signup", "email", "s@example.org", "username", "Small", "password", Api.md5("x"), "ip", "127.0.0.1:9", "image_data", small);
            var again = api.call("/get_list", "role", "Viewer", "images", true);
            assertEquals(small, again.get("image_data").get(1).asText(), "a picture within the bound is kept");
        });
    }

    @Test
    void spendingChecksTheEnergyInTheSheetItIsGiven() {
        var db = TestConfig.database(dir);
        try {
            var characters = new CharacterService(db, ContentPack.builtIn("zh"));
            Sheet poor = Sheet.starting(1).withResources(0, -95); // 5 energy left
            var refusal = assertThrows(Refusal.class, () -> characters.spendEnergy(poor, 6, List.of("火花术")));
            assertEquals(422, refusal.statusCode());
            assertEquals(0, characters.spendEnergy(poor, 5, List.of("火花术")).energy());
        } finally {
            db.close();
        }
    }
}
