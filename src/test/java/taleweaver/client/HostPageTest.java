package taleweaver.client;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host console in the browser client: the admin token, the figures, a ban that takes effect, a backup. */
class HostPageTest {
    static final String TOKEN = "host-page-token-0123456789";

    @TempDir
    Path dir;

    @BeforeAll
    static void chromium() {
        Browser.requireChromium();
    }

    @Test
    void theHostBansAPlayerAndBacksUpFromThePage() {
        JavalinTest.test(App.create(TestConfig.of(dir, "admin.token=" + TOKEN, "storage.backup_dir=" + dir.resolve("backups"))), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            var api = new Api(base);
            api.signup("Troll");
            try (var b = new Browser(base, dir.resolve("host"), 1280, 800)) {
                b.open();
                b.press("button.host-link");
                b.shown("#host-token").sendKeys("wrong-token\n");
                b.until(() -> b.find("#toast").getText().contains("管理令牌不正确"));
                b.shown("#host-token").sendKeys(TOKEN + "\n");
                assertTrue(b.text(".figures-line").contains("在线"));
                b.until(() -> b.find(".host-players").getText().contains("Troll"));
                b.press(".host-player button[aria-label='封禁: Troll']");
                b.until(() -> b.find(".host-players").getText().contains("封禁至"));
                var login = api.call("/login", "email", Api.email("Troll"), "password", Api.md5("pw-Troll"), "ip", "127.0.0.1:9");
                assertEquals(403, login.code());
                b.press(".host-console button.primary");
                b.until(() -> b.find("#toast").getText().contains("备份已写入"));
                b.screenshot(Path.of(System.getProperty("screenshots", "target/screenshots")).resolve("zh-laptop-8-host.png"));
            }
        });
    }
}
