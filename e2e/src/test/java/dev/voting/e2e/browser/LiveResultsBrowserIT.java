package dev.voting.e2e.browser;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.voting.api.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages in real headless Chromium (Debian's chromium and chromium-driver): the live results
 * page shows the open polls and bars that move as votes cast through the API are counted, and
 * /docs renders every operation of openapi.yaml; neither loads anything from another origin.
 * Screenshots go to target/live-results.png and target/docs.png.
 */
class LiveResultsBrowserIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Isolated env;
    private static ApiApplication api;
    private static WorkerApplication worker;
    private static ApiClient client;
    private static Path profile;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            boolean required = Boolean.parseBoolean(System.getenv().getOrDefault("REQUIRE_SERVICES", "false"));
            assertTrue(!required, "chromium and chromium-driver are missing; .ci/run installs them");
            Assumptions.abort("no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        }
        env = Isolated.create();
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
        client = new ApiClient(api.port());
        base = "http://127.0.0.1:" + api.port();

        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (api != null) {
            api.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void barsMoveAsVotesAreCounted() throws IOException {
        client.createPoll("Browser: tea or coffee?", "Tea", "Coffee");
        JsonNode poll = client.createPoll("Browser: best editor?", "Vim", "Emacs", "Nano");
        long pollId = poll.path("id").asLong();
        List<Long> candidates = poll.path("candidates").findValues("id").stream().map(JsonNode::asLong).toList();

        browser.get(base + "/?poll=" + pollId);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> bars().size() == 3 && "live".equals(d.findElement(By.id("connection")).getText()));
        List<String> listed = browser.findElements(By.cssSelector("#polls a")).stream().map(WebElement::getText).toList();
        assertTrue(listed.containsAll(List.of("Browser: tea or coffee?", "Browser: best editor?")), "open polls listed: " + listed);
        assertEquals("Browser: best editor?", browser.findElement(By.id("poll-title")).getText());
        assertEquals(List.of("0", "0", "0"), votesShown());

        castVotes(pollId, candidates.get(0), 3, "vim-fan");
        castVotes(pollId, candidates.get(1), 1, "emacs-fan");
        wait.until(d -> votesShown().equals(List.of("3", "1", "0")));
        assertEquals("4", browser.findElement(By.id("total")).getText());
        wait.until(d -> width(0) > width(1) && width(1) > width(2));  // the bars' widths follow (after their transition)

        castVotes(pollId, candidates.get(2), 5, "nano-fan");
        wait.until(d -> votesShown().equals(List.of("3", "1", "5")));
        wait.until(d -> width(2) > width(0));
        assertSameOrigin();
        screenshot("live-results.png");
    }

    @Test
    void docsRenderEveryOperationOffline() throws IOException {
        JsonNode spec = new YAMLMapper().readTree(client.get("/openapi.yaml").body());
        int operations = 0;
        for (JsonNode path : spec.path("paths")) {
            for (String method : List.of("get", "post", "put", "patch", "delete")) {
                operations += path.has(method) ? 1 : 0;
            }
        }
        browser.get(base + "/docs");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        int expected = operations;
        wait.until(d -> d.findElements(By.cssSelector(".opblock")).size() == expected);
        assertTrue(browser.findElement(By.cssSelector(".info .title")).getText().contains("Voting API"));
        List<String> shown = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
                .map(e -> e.getAttribute("data-path")).toList();
        assertTrue(shown.contains("/api/v1/polls/{pollId}/votes") && shown.contains("/api/v1/polls/{pollId}/results/stream"),
                "operations shown: " + shown);
        assertSameOrigin();
        screenshot("docs.png");
    }

    private static void castVotes(long pollId, long candidateId, int count, String voterPrefix) {
        for (int i = 0; i < count; i++) {
            ApiClient.Reply reply = client.vote(pollId, voterPrefix + "-" + i, candidateId);
            assertEquals(202, reply.status(), reply.body());
        }
    }

    private static List<WebElement> bars() {
        return browser.findElements(By.cssSelector("#bars .bar"));
    }

    private static List<String> votesShown() {
        return bars().stream().map(bar -> bar.findElement(By.cssSelector(".votes")).getText()).toList();
    }

    private static double width(int index) {
        return bars().get(index).findElement(By.cssSelector(".fill")).getRect().getWidth();
    }

    /** Everything the page loaded came from the API itself: nothing from a CDN or any other host. */
    private static void assertSameOrigin() {
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        List<String> foreign = loaded.stream().filter(url -> !url.toLowerCase(Locale.ROOT).startsWith(base)).toList();
        assertTrue(foreign.isEmpty(), "loaded from elsewhere: " + foreign);
        assertTrue(!loaded.isEmpty(), "the page loaded its scripts and styles");
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target").resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
