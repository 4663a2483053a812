package taleweaver.client;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.App;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every main screen, in both languages, at phone (360 px) and laptop width: nothing overflows sideways, every
 * control has an accessible name, and a screenshot of each is written to {@code target/screenshots} (or to the
 * folder named by {@code -Dscreenshots=docs/screenshots}, which is how the README's pictures are made).
 */
class LayoutTest {
    private static final Path OUT = Path.of(System.getProperty("screenshots", "target/screenshots"));

    /** Controls without a label, aria-label, text or title: a screen reader could not name them. */
    private static final String UNNAMED = """
            return [...document.querySelectorAll('button, input, select, textarea, [role=meter]')]
              .filter(e => e.offsetParent !== null || e.closest('dialog[open]'))
              .filter(e => !(e.getAttribute('aria-label') || e.labels && e.labels.length || e.textContent.trim()
                             || e.title || e.getAttribute('aria-labelledby')))
              .map(e => e.outerHTML.slice(0, 80));
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void chromium() {
        Browser.requireChromium();
    }

    @ParameterizedTest
    @CsvSource({"zh, 360, 780", "zh, 1280, 800", "en, 360, 780", "en, 1280, 800"})
    void mainScreensFitAndNameTheirControls(String language, int width, int height) {
        String[] sets = {"game.language=" + language, "tasks.max_turns_per_stage=1", "battle.max_rounds=3"};
        JavalinTest.test(App.create(TestConfig.of(dir, sets)), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            boolean zh = language.equals("zh");
            String me = zh ? "林风" : "Rowan", other = zh ? "阿青" : "Wren";
            String size = width < 800 ? "phone" : "laptop";
            try (var b = new Browser(base, dir.resolve("a"), width, height); var rival = new Browser(base, dir.resolve("b"), 1280, 800)) {
                b.open();
                b.shown("form input[name=email]");
                check(b, language + "-" + size + "-1-login");
                b.signUp(me, "me@example.org", "secret");
                b.shown(".dm .log .line");
                b.replied();
                check(b, language + "-" + size + "-2-story");

                b.say(".dm form.say input", zh ? "我接受任务迷雾灯塔" : "I accept the task The Fogbound Lighthouse");
                b.shown(".task .task-name");
                b.say(".task form.say input", zh ? "我去港口打听灯油的下落" : "I ask around the harbour for lamp oil");
                b.replied();
                check(b, language + "-" + size + "-3-task");

                b.go("quests");
                b.shown(".quests .tasks li");
                check(b, language + "-" + size + "-4-tasks");

                b.go("craft");
                b.shown("#craft-des").sendKeys(zh ? "一面轻巧的藤盾" : "a light rattan shield");
                b.press(".craft button[type=submit]");
                b.shown(".craft .made");
                check(b, language + "-" + size + "-5-forge");

                rival.signUp(other, "other@example.org", "secret");
                rival.shown(".sheet .name");
                b.go("players");
                b.until(() -> {
                    b.press(".players button.quiet");
                    return b.find(".players ul.players").getText().contains(other);
                });
                b.press(".players li.player button");
                rival.shown("dialog.challenge[open]");
                check(rival, language + "-laptop-6-challenge");
                rival.find("dialog.challenge button.primary").click();
                b.shown(".battle .arena");
                b.say(".battle form.say input", zh ? "一剑刺出" : "I lunge");
                rival.say(".battle form.say input", zh ? "侧身反击" : "I sidestep and strike back");
                b.until(() -> !b.all(".battle .log .line.result").isEmpty());
                check(b, language + "-" + size + "-7-duel");

                for (int round = 1; round < 3; round++) { // to the duel's end, then the ladder and the chronicle
                    b.say(".battle form.say input", zh ? "再刺一剑" : "Another lunge");
                    rival.say(".battle form.say input", zh ? "举盾格挡" : "I raise my shield");
                    int told = round;
                    b.until(() -> b.all(".battle .log .line.result").size() > told);
                }
                b.go("players");
                b.until(() -> b.find(".players ul.chronicle").getText().contains(other));
                check(b, language + "-" + size + "-9-players");
            }
        });
    }

    private static void check(Browser b, String name) throws java.io.IOException {
        b.until(() -> b.all(".writing").isEmpty());
        Number overflow = (Number) b.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        List<?> wide = (List<?>) b.script("""
                return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                  .map(e => e.tagName + '.' + e.className).slice(0, 5);""");
        assertEquals(0, Math.max(0, overflow.intValue()), name + ": the page scrolls sideways: " + wide);
        assertEquals(List.of(), b.script(UNNAMED), name + ": controls without an accessible name");
        b.script("window.scrollTo(0, document.body.scrollHeight)");
        b.screenshot(OUT.resolve(name + ".png"));
    }
}
