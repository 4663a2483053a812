package taleweaver.client;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser client in real headless Chromium against the real app: two players, every screen, a hostile model. */
class BrowserTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void chromium() {
        Browser.requireChromium();
    }

    /** Only tokens authorise here, so the page must send its own; tasks move a stage a turn; duels last two rounds. */
    private String[] quick(String... more) {
        var sets = new java.util.ArrayList<>(List.of("auth.mode=token", "tasks.max_turns_per_stage=2", "battle.max_rounds=2"));
        sets.addAll(List.of(more));
        return sets.toArray(String[]::new);
    }

    @Test
    void twoPlayersPlayEveryScreenFromTheirPages() {
        JavalinTest.test(App.create(TestConfig.of(dir, quick())), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            var api = new Api(base);
            try (var lin = new Browser(base, dir.resolve("lin"), 390, 844); var qing = new Browser(base, dir.resolve("qing"), 1280, 800)) {
                lin.signUp("林风", "lin@example.org", "secret");
                assertEquals("林风", lin.text(".sheet .name"));
                assertEquals(200, api.call("/login", "email", "lin@example.org", "password", Api.md5("secret"), "ip", "127.0.0.1:9").code(),
                        "the page sends the MD5 hex of the typed password, as every client does");

                // The greeting names the tasks on offer.
                lin.replied();
                String greeting = lin.text(".dm .log .line .words");
                assertTrue(greeting.contains("迷雾灯塔") && greeting.contains("失踪的信鸽"), greeting);

                // A task taken by chat opens with its picture, and is played to its reward.
                lin.say(".dm form.say input", "我接受任务迷雾灯塔");
                assertEquals("迷雾灯塔", lin.text(".task .task-name"));
                assertTrue(lin.shown(".task .art img").getAttribute("src").startsWith("data:image/png;base64,"));
                for (int turn = 0; turn < 8 && !lin.find(".task .reward").isDisplayed(); turn++) {
                    lin.say(".task form.say input", "我去港口找人打听灯油的下落");
                    lin.replied();
                }
                String reward = lin.text(".task .reward");
                assertTrue(reward.contains("任务完成"), reward);
                assertTrue(lin.all(".task .log .face").stream().anyMatch(f -> "IMG".equalsIgnoreCase(f.getTagName())),
                        "an NPC's line carries its avatar");
                int exp = api.post("/status", Map.of("role", "林风"), Map.of("Authorization", "Bearer " + lin.token()))
                        .get("stats").path("exp").asInt();
                assertTrue(exp > 0);
                lin.until(() -> lin.find(".sheet .exp .value").getText().equals(exp + "/100") || exp >= 100);

                // Crafting: the new item is shown and lands in the bag.
                lin.go("craft");
                lin.shown("#craft-des").sendKeys("一面轻巧的藤盾");
                lin.press(".craft button[type=submit]");
                String made = lin.text(".craft .made"); // 新装备：<name>（威力<n>）
                String item = made.substring(made.indexOf('：') + 1, made.indexOf('（'));
                lin.go("bag");
                assertTrue(lin.text(".bag .things").contains(item), made);

                // An encounter from the pack, answered.
                lin.go("event");
                assertFalse(lin.text(".event .scene").isBlank());
                lin.say(".event form.say input", "我帮他包扎伤口");
                lin.replied();
                assertFalse(lin.text(".event .log .line:not(.mine) .words").isBlank());

                // The other player arrives; a challenge is sent from the list and accepted from the heartbeat prompt.
                qing.signUp("阿青", "qing@example.org", "hunter2");
                qing.shown(".sheet .name");
                lin.go("players");
                lin.until(() -> {
                    lin.press(".players button.quiet");
                    return lin.find(".players ul.players").getText().contains("阿青");
                });
                assertEquals("IMG", lin.shown(".players li.player .face").getTagName().toUpperCase());
                lin.press(".players li.player button");
                lin.shown(".players .sent:not(:empty)");
                WebElement prompt = qing.shown("dialog.challenge[open]");
                assertTrue(prompt.getText().contains("林风"));
                assertEquals("IMG", qing.find("dialog.challenge .portrait").getTagName().toUpperCase());
                qing.find("dialog.challenge button.primary").click();

                // The duel, from both pages, to its end; a reload in the middle finds it again.
                qing.shown(".battle .arena");
                lin.shown(".battle .arena");
                qing.driver.navigate().refresh();
                assertTrue(qing.text(".battle .arena h2").contains("林风"));
                for (int round = 0; round < 4 && !lin.find(".battle .arena button.primary[type=button]").isDisplayed(); round++) {
                    lin.say(".battle form.say input", "一剑刺出");
                    qing.say(".battle form.say input", "侧身反击");
                    int seen = round;
                    lin.until(() -> lin.all(".battle .log .line.result").size() > seen);
                    qing.until(() -> qing.all(".battle .log .line.result").size() > seen);
                }
                String linEnd = lin.text(".battle .waiting:not(:empty)");
                String qingEnd = qing.text(".battle .waiting:not(:empty)");
                assertTrue(lin.find(".battle .arena button.primary[type=button]").isDisplayed(), "the duel ended");
                assertTrue(List.of("胜利！你赢得了这场决斗。", "平局。", "落败。阿青赢得了决斗。").contains(linEnd), linEnd);
                assertTrue(List.of("胜利！你赢得了这场决斗。", "平局。", "落败。林风赢得了决斗。").contains(qingEnd), qingEnd);
                assertTrue(lin.find(".battle .fighters").getText().contains("阿青"));

                // The ladder and the chronicle show the duel; the sheet the rating.
                lin.go("players");
                lin.until(() -> lin.find(".players ol.ladder").getText().contains("阿青") && lin.find(".players ol.ladder").getText().contains("林风"));
                lin.until(() -> lin.find(".players ul.chronicle").getText().contains("决斗"));
                assertTrue(lin.find(".sheet").getText().contains("积分"), lin.find(".sheet").getText());

                // Logging out returns to the sign-in form and ends the token.
                String token = qing.token();
                qing.press(".top button");
                qing.shown("form[aria-label='登录']");
                assertEquals(401, api.post("/status", Map.of("role", "阿青"), Map.of("Authorization", "Bearer " + token)).http());
            }
        });
    }

    /**
     * A challenge prompt goes when its challenge does (expired unanswered here; withdrawn the same way when the
     * challenger went offline or started another duel): not left to be answered with an error.
     */
    @Test
    void aChallengePromptGoesWhenItsChallengeExpires() {
        JavalinTest.test(App.create(TestConfig.of(dir, quick("challenge.ttl_seconds=8"))), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            var api = new Api(base);
            try (var b = new Browser(base, dir.resolve("b"), 390, 844)) {
                b.signUp("阿青", "q@example.org", "pw");
                b.shown(".sheet .name");
                String token = api.signup("阿白");
                var sent = api.post("/challenge", Map.of("role1", "阿白", "role2", "阿青", "wait", 0), Map.of("Authorization", "Bearer " + token));
                assertEquals(200, sent.code(), sent.raw());
                b.shown("dialog.challenge[open]");
                b.until(() -> b.all("dialog.challenge[open]").isEmpty()); // the next heartbeat after it expired
                b.until(() -> b.find("#toast").getText().contains("阿白的挑战已经失效"));
            }
        });
    }

    @Test
    void refusalsAreShownInWordsAndA401ReturnsToSignIn() {
        JavalinTest.test(App.create(TestConfig.of(dir, quick("auth.max_failed_logins=2"))), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            new Api(base).signup("阿青");
            try (var b = new Browser(base, dir.resolve("b"), 390, 844)) {
                b.signUp("阿青", "other@example.org", "pw");
                assertEquals("这个名字已经有人用了。", b.text("main .error"));
                b.find("#signup-username").clear();
                b.find("#signup-username").sendKeys("系统");
                b.press("form:not([hidden]) button[type=submit]");
                b.until(() -> !b.find("main .error").getText().equals("这个名字已经有人用了。"));
                assertFalse(b.find("main .error").getText().isBlank(), "the reason a name is refused");

                b.open();
                b.shown("form:not([hidden]) input[name=email]").sendKeys(Api.email("阿青"));
                b.shown("form:not([hidden]) input[name=password]").sendKeys("wrong");
                b.press("form:not([hidden]) button[type=submit]");
                b.until(() -> b.find("main .error").getText().equals("密码错误。"));
                b.until(() -> {
                    b.press("form:not([hidden]) button[type=submit]");
                    return b.find("main .error").getText().contains("分钟后再试");
                });
                assertTrue(b.find("main .error").getText().matches("密码错误次数过多，请\\d+分钟后再试。"));

                b.find("form:not([hidden]) input[name=email]").clear();
                b.find("form:not([hidden]) input[name=email]").sendKeys("nobody@example.org");
                b.press("form:not([hidden]) button[type=submit]");
                b.until(() -> b.find("main .error").getText().equals("这个邮箱还没有注册。"));

                // A session the server no longer knows sends the player back to the sign-in form.
                b.script("localStorage.setItem('tw.role', '阿青'); localStorage.setItem('tw.token', 'not-a-token')");
                b.open();
                b.shown("form[aria-label='登录']");
                assertNull(b.token());
            }
        });
    }

    @Test
    void aHostileModelRunsNothingInThePage() throws Exception {
        String markup = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script><b>bold</b>";
        var model = new ModelStub(request -> ModelStub.json(Map.of("text", markup, "speaker", "<svg onload=alert(1)>")));
        try {
            JavalinTest.test(App.create(TestConfig.of(dir, quick("narrator.provider=openai", "narrator.base_url=" + model.baseUrl(),
                    "narrator.api_key=test"))), (server, client) -> {
                String base = "http://127.0.0.1:" + server.port();
                try (var b = new Browser(base, dir.resolve("h"), 1280, 800)) {
                    b.signUp("Mallory", "m@example.org", "pw");
                    WebElement line = b.until(() -> b.all(".dm .log .line .words").stream()
                            .filter(w -> w.getText().contains("<script>")).findFirst().orElse(null));
                    assertTrue(line.getText().contains("<img src=x onerror="), line.getText());
                    b.say(".dm form.say input", "<img src=y onerror=\"window.__pwned=3\">");
                    b.replied();
                    assertNull(b.script("return window.__pwned === undefined ? null : window.__pwned"));
                    assertTrue(b.all(".log img:not(.face), .log script, .log b, .log svg").isEmpty(), "no markup became elements");
                }
            });
        } finally {
            model.close();
        }
    }

    @Test
    void thePageAndItsAssetsCarryTheirPolicyAndCaching() {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            var api = new Api("http://127.0.0.1:" + server.port());
            var page = api.send("GET", "/", null, Map.of());
            assertEquals(200, page.http());
            String csp = page.headers().get("content-security-policy").get(0);
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertEquals("no-cache", page.headers().get("cache-control").get(0));
            var matcher = java.util.regex.Pattern.compile("/client/([0-9a-f]{12})/js/main.js").matcher(page.raw());
            assertTrue(matcher.find(), "the page names its versioned assets");
            var asset = api.send("GET", "/client/" + matcher.group(1) + "/js/api.js", null, Map.of());
            assertEquals(200, asset.http());
            assertTrue(asset.headers().get("content-type").get(0).startsWith("text/javascript"));
            assertTrue(asset.headers().get("cache-control").get(0).contains("immutable"));
            assertEquals(404, api.send("GET", "/client/" + matcher.group(1) + "/../db/V1__accounts_and_characters.sql", null, Map.of()).http());
            assertEquals(404, api.send("GET", "/client/" + matcher.group(1) + "/nothing.js", null, Map.of()).http());
            // The world block can't be closed early by what a pack says.
            assertFalse(page.raw().substring(page.raw().indexOf("id=\"world\">")).split("</script>")[0].contains("<"),
                    "no '<' inside the world block");
        });
    }
}
