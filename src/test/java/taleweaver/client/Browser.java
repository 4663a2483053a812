package taleweaver.client;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One headless Chromium from Debian's packages (chromium + chromium-driver), driven by Selenium with the paths
 * given, so nothing is downloaded. Without the packages the test is skipped with how to install them, except
 * under CI ({@code CI=true}), where a missing browser fails the run.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("chromium.driver", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final String base;

    Browser(String base, Path profile, int width, int height) {
        this.base = base;
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=zh-CN");
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
    }

    static void requireChromium() {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (present) return;
        String how = "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(how);
        Assumptions.abort(how);
    }

    void open() {
        driver.get(base + "/");
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The first element matching {@code css} that is displayed, waiting for one. */
    WebElement shown(String css) {
        return until(() -> all(css).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** The text of the first displayed element matching {@code css}, read again if the page redrew it meanwhile. */
    String text(String css) {
        return until(() -> shown(css).getText());
    }

    /** Clicks like a player: scrolled to the middle of the screen first, clear of the fixed menu. */
    void press(String css) {
        WebElement e = shown(css);
        script("arguments[0].scrollIntoView({block: 'center'})", e);
        e.click();
    }

    <T> T until(Supplier<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(RuntimeException.class)
                .until(d -> {
                    T value = condition.get();
                    return value instanceof Boolean b && !b ? null : value;
                });
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Presses Tab until the focused element matches {@code css}, which must be shown: it is reachable from the keyboard. */
    WebElement tabTo(String css) {
        shown(css);
        for (int i = 0; i < 80; i++) {
            if (Boolean.TRUE.equals(script("return document.activeElement.matches(arguments[0])", css))) return driver.switchTo().activeElement();
            keys(Keys.TAB);
        }
        throw new AssertionError(css + " is not reached with Tab");
    }

    /** Keys typed into whatever has the focus, as a keyboard would. */
    void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** Types into a visible field and presses Enter. */
    void say(String css, String text) {
        WebElement input = shown(css);
        input.clear();
        input.sendKeys(text + "\n");
    }

    /** Waits until no reply is being written in the visible screen. */
    void replied() {
        until(() -> all(".screen:not([hidden]) .writing").isEmpty()
                && all(".screen:not([hidden]) form.say button[disabled]").isEmpty());
    }

    void go(String screen) {
        press("button[data-screen=" + screen + "]");
        shown("section.screen." + screen);
    }

    void signUp(String name, String email, String password) {
        open();
        press(".switch button:nth-child(2)");
        shown("#signup-username").sendKeys(name);
        shown("form:not([hidden]) input[name=email]").sendKeys(email);
        shown("form:not([hidden]) input[name=password]").sendKeys(password);
        press("form:not([hidden]) button[type=submit]");
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    String token() {
        return (String) script("return localStorage.getItem('tw.token')");
    }

    @Override
    public void close() {
        driver.quit();
    }
}
