package io.cdcflow.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) on the console's page, for the tests
 * that use the console as an operator would. Fails, never skips, when the browser is missing.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final String INSTALL = "apt-get install chromium chromium-driver (bin/test installs them when run as root)";

    private final ChromeDriver driver;
    private final String url;

    ConsoleBrowser(String url) {
        Path browser = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (browser == null || chromedriver == null) {
            throw new IllegalStateException("the console's browser test needs Chromium and its driver: " + INSTALL);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        this.url = url;
        open();
    }

    /** Loads the page (again). */
    void open() {
        driver.get(url);
    }

    /** The text of the cells of the row of {@code table} in the tables section; empty when it has no row. */
    List<String> tableRow(String table) {
        return driver.findElements(By.cssSelector("#tables tr[data-table='" + table + "'] td")).stream()
                .map(WebElement::getText).toList();
    }

    /** The text of every cell of the tables section. */
    List<String> tableCells() {
        return driver.findElements(By.cssSelector("#tables td")).stream().map(WebElement::getText).toList();
    }

    /** Enters the operator's credential in the page's form. */
    void signIn(String user, String password) {
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("#cred button")).click();
    }

    /** Clicks the redrive button of a dead letter and returns the answer the page shows. */
    String redrive(String id) throws InterruptedException {
        driver.findElement(By.cssSelector("#dlq tr[data-id='" + id + "'] button.redrive")).click();
        return answer(id);
    }

    /** Clicks a table's button ({@code pause}, {@code resume}, {@code snapshot}) and returns the answer the page shows. */
    String tableAction(String table, String action) throws InterruptedException {
        driver.findElement(By.cssSelector("#tables tr[data-table='" + table + "'] button." + action)).click();
        return answer(table);
    }

    private String answer(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            List<WebElement> result = driver.findElements(By.id("result"));
            if (!result.isEmpty() && !result.getFirst().getText().isBlank()) {
                return result.getFirst().getText();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page showed no answer to the action on " + id);
    }

    /** Saves what the browser shows as a PNG. */
    Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        driver.executeScript("window.scrollTo(0, 0)");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static Path firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }
}
