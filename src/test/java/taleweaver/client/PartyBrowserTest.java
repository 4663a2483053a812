package taleweaver.client;

import io.javalin.testtools.JavalinTest;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Keys;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;
import taleweaver.narrator.ModelStub;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A party of three in three real Chromium sessions (SPEC §16): formed by code and by invitation, the ready check, a
 * party task played to its reward with one member reloading mid-round, party chat; both languages, both widths; every
 * screen fits and names its controls, and screenshots go where {@link LayoutTest}'s do.
 */
class PartyBrowserTest {
    private static final Path OUT = Path.of(System.getProperty("screenshots", "target/screenshots"));

    @TempDir
    Path dir;

    @BeforeAll
    static void chromium() {
        Browser.requireChromium();
    }

    private record Words(String a, String b, String c, String rope, String climb, String calm, String haul, String chat) {}

    private static Words words(boolean zh) {
        return zh ? new Words("林风", "阿青", "小满", "我把绳子绑在树上拉住", "我顺着绳子爬下井", "我吹口哨安抚小狗", "我把小狗往上拉", "干得漂亮！")
                : new Words("Rowan", "Wren", "Moss", "I tie the rope to the oak and hold it", "I climb down the rope", "I whistle to calm the dog",
                "I haul the dog up", "Well done, all!");
    }

    @ParameterizedTest
    @CsvSource({"zh, 360, 780", "en, 1280, 800", "en, 360, 780", "zh, 1280, 800"})
    void threePlayersFormAPartyAndPlayATaskToItsReward(String language, int width, int height) {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=" + language)), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            boolean zh = language.equals("zh");
            Words w = words(zh);
            String size = width < 800 ? "phone" : "laptop";
            try (var a = new Browser(base, dir.resolve("a"), width, height); var b = new Browser(base, dir.resolve("b"), width, height);
                 var c = new Browser(base, dir.resolve("c"), width, height)) {
                a.signUp(w.a(), "a@example.org", "secret");
                b.signUp(w.b(), "b@example.org", "secret");
                c.signUp(w.c(), "c@example.org", "secret");
                for (var p : List.of(a, b, c)) p.shown(".sheet .name");

                // by code: Rowan makes a party and reads the code aloud; Wren types it
                a.go("party");
                check(a, language + "-" + size + "-10-party-lobby");
                a.press(".party .lobby button.primary");
                String code = a.text(".party-code .code").replace(" ", "");
                assertTrue(code.matches("[A-Z2-9]{6}"), code);
                b.go("party");
                b.say(".party form.join input", code.toLowerCase());
                b.until(() -> b.find(".party .members").getText().contains(w.a()));
                assertTrue(b.text(".party-scene .task-name").contains(w.a()), "a member is told who picks the quest: " + b.text(".party-scene .task-name"));
                // by invitation: from the Players list; Moss's heartbeat brings it
                a.go("players");
                a.until(() -> {
                    a.press(".players button.quiet");
                    return a.find(".players ul.players").getText().contains(w.c());
                });
                a.press(".players li.player button.invite[aria-label*='" + w.c() + "']");
                c.go("party");
                c.press(".party .invites button.primary");
                c.until(() -> c.find(".party .members").getText().contains(w.b()));

                // the ready check
                a.go("party");
                a.until(() -> a.find(".party .members").getText().contains(w.c()));
                check(a, language + "-" + size + "-11-party-formed");
                a.press(".party-table .tasks li button.primary");
                b.shown("dialog.challenge[open]");
                check(b, language + "-" + size + "-12-party-ready");
                b.find("dialog.challenge[open] button.primary").click();
                c.shown("dialog.challenge[open]").findElement(org.openqa.selenium.By.cssSelector("button.primary")).click();
                for (var p : List.of(a, b, c)) p.shown(".party-act form.say input");

                // round 1: two hands on the rope, Moss holds
                a.say(".party-act form.say input", w.rope());
                a.until(() -> !a.find(".party .mine-note").getText().isEmpty()); // acknowledged: no longer waited for, on her page at once
                assertFalse(a.find(".party .waiting").getText().contains(w.a()), a.find(".party .waiting").getText());
                a.until(() -> a.find(".party .waiting").getText().contains(w.b()));
                check(a, language + "-" + size + "-13-party-waiting");
                assertEquals(0, a.all(".party-table .tasks li").size(), "no other quest offered while a round runs");
                b.say(".party-act form.say input", w.climb());
                c.press(".party-act form.say button[type=button]");
                for (var p : List.of(a, b, c)) {
                    told(p, 1, language + "-" + size);
                    for (String kind : List.of("/face/", "/portrait/")) { // the character's face, and the members' beside their actions
                        p.until(() -> Boolean.TRUE.equals(p.script("return [...document.querySelectorAll('.party-scene .log img.face')]"
                                + ".some(i => i.getAttribute('src').startsWith(arguments[0]) && i.complete && i.naturalWidth > 0)", kind)));
                    }
                }

                if (width < 600) { // the act form stays above the menu while the scene scrolls (inside a box of its own it slid under)
                    a.script("document.querySelector('.party-scene').scrollIntoView({ block: 'start' })");
                    assertEquals(Boolean.TRUE, a.script("""
                            const form = document.querySelector('.party-act form.say').getBoundingClientRect();
                            const menu = document.querySelector('nav.menu').getBoundingClientRect();
                            return form.height > 0 && form.top >= 0 && form.bottom <= menu.top + 1;"""), "the act form above the menu");
                }
                // round 2, with Wren reloading in the middle: the scene is found again
                a.say(".party-act form.say input", w.calm());
                b.driver.navigate().refresh();
                b.go("party");
                b.until(() -> b.find(".party-scene .log").getText().contains(w.climb()));
                b.say(".party-act form.say input", w.haul());
                c.press(".party-act form.say button[type=button]");
                a.shown(".party .reward");
                b.shown(".party .reward");
                assertTrue(a.find(".party .reward").getText().length() > 4);
                // party chat, beside the scene
                c.say(".party-chat form.say input", w.chat());
                a.until(() -> a.find(".party-chat .log").getText().contains(w.chat()));
                String earned = b.find(".party .reward").getText();
                b.until(() -> b.find(".party-chat .log").getText().contains(w.chat()));
                String chatted = b.find(".party-chat .log").getText();
                b.driver.navigate().refresh(); // a reload after the end finds the reward and the chat as they were
                b.go("party");
                b.shown(".party .reward");
                assertEquals(earned, b.find(".party .reward").getText());
                b.until(() -> b.find(".party-chat .log").getText().contains(w.chat()));
                assertEquals(chatted, b.find(".party-chat .log").getText(), "the chat's lines, once each");
                // the screen entered twice at once (two reads of the party, each drawing the chat): still once each
                b.script("const party = document.querySelector('nav .nav-party'); party.click(); party.click();");
                Thread.sleep(500);
                b.until(() -> b.find(".party-chat .log").getText().contains(w.chat()));
                assertEquals(chatted, b.find(".party-chat .log").getText(), "the chat's lines, once each, however often the party is read");
                // Moss's hold was the round's last declaration: its reply came after the round was told, and says nothing
                assertEquals("", c.find(".party .mine-note").getText(), "no hold shown over a finished quest");
                check(a, language + "-" + size + "-14-party-reward");
                c.script("document.querySelector('.party-chat form.say').scrollIntoView({ block: 'center' })"); // the chat, not the scene's end
                check(c, language + "-" + size + "-15-party-chat");
            }
        });
    }

    /**
     * Four players at once, two on phones: formed by code, a round with four declarations (one long), every page showing
     * every member's portrait; the leader leaves mid-quest and the lead passes to the longest member, who removes one.
     */
    @Test
    void fourPlayersOnPhonesAndLaptopsShareARound() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            try (var a = new Browser(base, dir.resolve("a"), 360, 780); var b = new Browser(base, dir.resolve("b"), 1280, 800);
                 var c = new Browser(base, dir.resolve("c"), 360, 780); var d = new Browser(base, dir.resolve("d"), 1280, 800)) {
                var all = List.of(a, b, c, d);
                a.signUp("Rowan", "a@example.org", "secret");
                b.signUp("Wren", "b@example.org", "secret");
                c.signUp("Moss", "c@example.org", "secret");
                d.signUp("Juniper", "d@example.org", "secret");
                for (var p : all) p.shown(".sheet .name");
                a.go("party");
                a.press(".party .lobby button.primary");
                String code = a.text(".party-code .code").replace(" ", "");
                for (var p : List.of(b, c, d)) {
                    p.go("party");
                    p.say(".party form.join input", code);
                    p.shown(".party .members");
                }
                a.until(() -> a.find(".party .members").getText().contains("Juniper"));
                a.press(".party-table .tasks li button.primary");
                for (var p : List.of(b, c, d)) p.shown("dialog.challenge[open]").findElement(org.openqa.selenium.By.cssSelector("button.primary")).click();
                for (var p : all) p.shown(".party-act form.say input");

                a.say(".party-act form.say input", "I tie the rope to the oak and hold it");
                a.until(() -> a.find(".party .waiting").getText().matches(".*Wren.*Moss.*Juniper.*"));
                d.say(".party-act form.say input", "I look around the yard for Widow Lan's lantern and ask her what happened to the dog");
                b.say(".party-act form.say input", "I climb down the rope");
                c.press(".party-act form.say button[type=button]");
                for (var p : all) {
                    p.until(() -> p.find(".party-scene .log").getText().contains("Moss holds."));
                    p.until(() -> ((Number) p.script("return [...document.querySelectorAll('.party-scene .log img.face')]"
                            + ".filter(i => i.getAttribute('src').startsWith('/portrait/') && i.complete && i.naturalWidth > 0).length")).intValue() >= 2);
                }
                check(a, "en-phone-four-told");

                a.press(".party-head button.quiet"); // Rowan leaves: Wren joined first after her
                b.until(() -> b.find(".party .members li.member").getText().contains("leader"));
                b.press(".party .members button[aria-label*='Juniper']");
                d.until(() -> d.find("#toast").getText().contains("no longer in the party"));
                d.shown(".party .lobby");
                c.until(() -> !c.find(".party .members").getText().contains("Juniper") && !c.find(".party .members").getText().contains("Rowan"));
                check(c, "en-phone-four-two-left");
            }
        });
    }

    /**
     * A member's ready prompt goes when there is nothing left to answer (the leader began without them: they see the
     * scene as a follower); after that quest ends, the next ready check asks again without a reload; and a ready check
     * whose one member not ready leaves begins with everyone left.
     */
    static final String WELL = "The Flooded Well";

    @Test
    void theReadyPromptFollowsTheReadyCheckAsItBeginsEndsAndOpensAgain() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            var api = new Api(base);
            try (var c = new Browser(base, dir.resolve("c"), 360, 780)) {
                api.signup("Ann");
                api.signup("Bob");
                String code = api.call("/party_create", "role", "Ann").text("code");
                assertEquals(200, api.call("/party_join", "role", "Bob", "code", code).code());
                c.signUp("Cid", "c@example.org", "secret");
                c.go("party");
                c.say(".party form.join input", code);
                c.shown(".party .members");
                assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code());
                c.shown("dialog.challenge[open]").findElement(org.openqa.selenium.By.cssSelector("button:not(.primary)")).click(); // not yet
                assertEquals(200, api.call("/party_ready", "role", "Bob", "ready", true).code());
                c.until(() -> c.find(".party .members").getText().matches("(?s).*Bob.*· ready.*"));
                assertTrue(c.all("dialog.challenge[open]").isEmpty(), "asked once: the others' answers do not ask again");
                assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code()); // begun with the two ready
                c.until(() -> c.all("dialog.challenge[open]").isEmpty());
                c.shown(".party-act form.say input"); // a follower, who may act to join in

                for (var round : List.of(List.of("I tie the rope to the oak and hold it fast", "I climb down into the well"),
                        List.of("I whistle softly to calm the dog", "I haul the bucket up"))) {
                    assertEquals(200, api.call("/party_act", "role", "Ann", "text", round.get(0)).code());
                    assertEquals(200, api.call("/party_act", "role", "Bob", "text", round.get(1)).code());
                }
                c.shown(".party .reward");
                c.until(() -> !c.find(".party-act").isDisplayed());

                assertEquals(200, api.call("/party_start", "role", "Ann", "task_name", WELL).code()); // the next quest's ready check
                c.shown("dialog.challenge[open]").findElement(org.openqa.selenium.By.cssSelector("button.primary")).click();
                assertEquals(200, api.call("/party_leave", "role", "Bob").code()); // the one not ready goes: everyone left is ready
                c.shown(".party-act form.say input");
                assertTrue(c.all("dialog.challenge[open]").isEmpty());
            }
        });
    }

    /**
     * One member plays with the keyboard alone (SPEC §16's "keyboard-only play possible"): signs up, finds the Party
     * screen, joins by code, answers the ready check, picks an item chip, acts, holds, and talks in party chat; every
     * control reached with Tab and worked with Enter or Space.
     */
    @Test
    void aMemberPlaysAPartyQuestWithTheKeyboardAlone() {
        JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en")), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            Words w = words(false);
            try (var a = new Browser(base, dir.resolve("a"), 1280, 800); var k = new Browser(base, dir.resolve("k"), 1280, 800)) {
                a.signUp(w.a(), "a@example.org", "secret");
                a.go("party");
                a.press(".party .lobby button.primary");
                String code = a.text(".party-code .code").replace(" ", "");

                k.open();
                k.tabTo(".switch button:nth-child(2)");
                k.keys(Keys.ENTER);
                k.tabTo("#signup-username");
                k.keys(w.b());
                k.tabTo("form:not([hidden]) input[name=email]");
                k.keys("k@example.org");
                k.tabTo("form:not([hidden]) input[name=password]");
                k.keys("secret", Keys.ENTER);
                k.shown(".sheet .name");
                k.tabTo("button[data-screen=party]");
                k.keys(Keys.ENTER);
                k.tabTo(".party form.join input");
                k.keys(code, Keys.ENTER);
                a.until(() -> a.find(".party .members").getText().contains(w.b()));

                a.press(".party-table .tasks li button.primary");
                k.shown("dialog.challenge[open]");
                k.until(() -> Boolean.TRUE.equals(k.script("return !!document.activeElement.closest('dialog[open]')")));
                k.tabTo("dialog.challenge[open] button.primary");
                k.keys(Keys.ENTER);
                k.shown(".party-act form.say input");

                // round 1: a chip picked with Space, the action typed and sent with Enter
                var chip = k.tabTo(".party-act .chip");
                k.keys(Keys.SPACE);
                assertEquals("true", chip.getAttribute("aria-pressed"));
                k.tabTo(".party-act form.say input");
                k.keys(w.climb(), Keys.ENTER);
                k.until(() -> k.find(".party .mine-note").getText().contains(w.climb()));
                a.say(".party-act form.say input", w.rope());
                k.until(() -> k.find(".party-scene .log").getText().contains(w.rope()));
                k.until(() -> k.find(".party .mine-note").getText().isEmpty());
                // round 2: Hold, reached with Tab
                a.say(".party-act form.say input", w.calm());
                k.tabTo(".party-act form.say button[type=button]");
                k.keys(Keys.ENTER);
                k.until(() -> k.find(".party-scene .log").getText().contains(w.b() + " holds."));
                // round 3: both needs again, this time together; then a word in party chat
                k.tabTo(".party-act form.say input");
                k.keys(w.haul(), Keys.ENTER);
                a.say(".party-act form.say input", w.calm());
                k.shown(".party .reward");
                k.tabTo(".party-chat form.say input");
                k.keys(w.chat(), Keys.ENTER);
                a.until(() -> a.find(".party-chat .log").getText().contains(w.chat()));
                // the leader removes Wren: her page says so and shows the lobby
                a.press(".party .members button[aria-label*='" + w.b() + "']");
                k.until(() -> k.find("#toast").getText().contains("no longer in the party"));
                k.shown(".party .lobby");
            }
        });
    }

    /** A model that answers a round with markup: every member's page shows it as text. */
    @Test
    void aHostileModelsMarkupStaysText() throws Exception {
        String markup = "<img src=x onerror=\"document.title='pwned'\"><b>Rowan</b> and Wren";
        try (var stub = new ModelStub(r -> r.path("messages").path(0).path("content").asText().contains("party quest")
                ? ModelStub.json(Map.of("text", markup)) : ModelStub.json(Map.of("text", "Welcome.")))) {
            JavalinTest.test(App.create(TestConfig.of(dir, "game.language=en", "narrator.provider=openai", "narrator.base_url=" + stub.baseUrl(),
                    "narrator.api_key=k", "narrator.max_retries=0")), (server, client) -> {
                String base = "http://127.0.0.1:" + server.port();
                try (var a = new Browser(base, dir.resolve("a"), 1280, 800); var b = new Browser(base, dir.resolve("b"), 1280, 800)) {
                    a.signUp("Rowan", "a@example.org", "secret");
                    b.signUp("Wren", "b@example.org", "secret");
                    a.go("party");
                    a.press(".party .lobby button.primary");
                    String code = a.text(".party-code .code").replace(" ", "");
                    b.go("party");
                    b.say(".party form.join input", code);
                    a.until(() -> a.find(".party .members").getText().contains("Wren"));
                    a.press(".party-table .tasks li button.primary");
                    b.shown("dialog.challenge[open] button.primary").click();
                    a.say(".party-act form.say input", "I hold the rope");
                    b.say(".party-act form.say input", "I climb down");
                    for (var p : List.of(a, b)) {
                        p.until(() -> p.find(".party-scene .log").getText().contains("<img src=x"));
                        assertEquals(0, p.all(".party-scene .log img[src=x], .party-scene .log b").size(), "no markup ran");
                        assertTrue(!"pwned".equals(p.driver.getTitle()));
                    }
                }
            });
        }
    }

    /** Waits until the page shows {@code rounds} told rounds; on failure, a screenshot and the scene's text say why. */
    private static void told(Browser p, int rounds, String name) throws java.io.IOException {
        try {
            p.until(() -> p.all(".party-scene .log .line:not(.writing)").stream()
                    .filter(l -> l.getText().contains("\n")).count() >= 2L + 3L * rounds);
        } catch (RuntimeException e) {
            p.screenshot(Path.of("target/screenshots/failed-" + name + ".png"));
            throw new AssertionError("round " + rounds + " not shown: " + p.find(".party-scene").getText(), e);
        }
    }

    private static void check(Browser b, String name) throws java.io.IOException {
        b.until(() -> b.all(".screen:not([hidden]) .writing").isEmpty());
        Number overflow = (Number) b.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0, Math.max(0, overflow.intValue()), name + ": the page scrolls sideways");
        assertEquals(List.of(), b.script("""
                return [...document.querySelectorAll('button, input, select, textarea, [role=meter]')]
                  .filter(e => e.offsetParent !== null || e.closest('dialog[open]'))
                  .filter(e => !(e.getAttribute('aria-label') || e.labels && e.labels.length || e.textContent.trim()
                                 || e.title || e.getAttribute('aria-labelledby')))
                  .map(e => e.outerHTML.slice(0, 80));"""), name + ": controls without an accessible name");
        b.screenshot(OUT.resolve(name + ".png"));
    }
}
