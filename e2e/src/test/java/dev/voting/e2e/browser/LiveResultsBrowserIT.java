package dev.voting.e2e.browser;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
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
import org.openqa.selenium.WindowType;
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
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages in real headless Chromium (Debian's chromium and chromium-driver): the live results
 * page shows the open polls and bars that move as votes cast through the API are counted, the
 * ballot page casts a vote and says what became of it, and /docs renders every operation of
 * openapi.yaml; none loads anything from another origin. Screenshots go to target/live-results.png,
 * target/ballot.png and target/docs.png.
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
        // a close takes effect after 1 s instead of 5, so that the ballot meets a closed poll quickly
        env = Isolated.create(Map.of("POLL_CACHE_TTL_SECONDS", "1", "MAX_CLOCK_SKEW_MS", "0", "POLL_CLOSE_DELAY_SECONDS", "1"));
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
        List<String> listed = pollsListed();
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
    void ballotCastsAVoteSaysWhatBecameOfItAndTheResultsMove() throws IOException {
        JsonNode poll = client.createPoll("Browser: paper or screen?", "Paper", "Screen");
        long pollId = poll.path("id").asLong();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(base + "/?poll=" + pollId);
        wait.until(d -> votesShown().equals(List.of("0", "0")) && "live".equals(d.findElement(By.id("connection")).getText()));
        String resultsTab = browser.getWindowHandle();

        browser.switchTo().newWindow(WindowType.TAB);
        String ballotTab = browser.getWindowHandle();
        browser.get(base + "/vote/" + pollId + "#token=" + Tokens.voter("ballot-ann"));
        wait.until(d -> d.findElements(By.cssSelector("#candidates input")).size() == 2);
        assertEquals("Browser: paper or screen?", browser.findElement(By.id("poll-title")).getText());
        assertEquals("", ((JavascriptExecutor) browser).executeScript("return location.hash;"), "the token leaves the address bar");
        choose("Screen");
        String accepted = cast("accepted");
        assertTrue(accepted.matches("Your vote for Screen is accepted and will be counted\\. Vote id: [0-9a-f-]{36}\\."), accepted);
        String voteId = accepted.substring(accepted.indexOf("Vote id: ") + 9, accepted.length() - 1);

        browser.switchTo().window(resultsTab);
        wait.until(d -> votesShown().equals(List.of("0", "1")));
        assertEquals("1", browser.findElement(By.id("total")).getText());
        assertEquals("vote", browser.findElement(By.id("votes-word")).getText(), "one vote, not '1 votes'");

        browser.switchTo().window(ballotTab);
        String again = cast("already-voted");
        assertTrue(again.contains("already voted in this poll, for Screen (vote id " + voteId + ")"), again);
        WebElement token = browser.findElement(By.id("token"));
        token.clear();
        token.sendKeys("Bearer " + Tokens.voter("ballot-bob"));  // pasted the way the docs write it
        choose("Paper");
        assertTrue(cast("accepted").startsWith("Your vote for Paper is accepted"));
        token.clear();
        token.sendKeys("not-a-token");
        assertTrue(cast("refused").startsWith("Your token was refused: the token is not a well-formed JWT"));
        assertSameOrigin();
        screenshot("ballot.png");

        browser.switchTo().window(resultsTab);
        wait.until(d -> votesShown().equals(List.of("1", "1")));
        browser.switchTo().window(ballotTab).close();
        browser.switchTo().window(resultsTab);
    }

    @Test
    void ballotSaysWhenThePollIsMissingOrClosed() throws InterruptedException {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(base + "/vote/999999999#token=" + Tokens.voter("ballot-cy"));
        wait.until(d -> "There is no poll 999999999.".equals(d.findElement(By.id("answer")).getText()));
        assertEquals("No such poll", browser.findElement(By.id("poll-title")).getText());

        JsonNode poll = client.createPoll("Browser: closing soon", "Now", "Later");
        long pollId = poll.path("id").asLong();
        browser.get(base + "/vote/" + pollId + "#token=" + Tokens.voter("ballot-cy"));
        wait.until(d -> d.findElements(By.cssSelector("#candidates input")).size() == 2);
        closeAndWait(pollId);
        choose("Now");
        assertEquals("This poll is closed: your vote was not taken.", cast("closed"));
        assertTrue(!browser.findElement(By.id("vote-form")).isDisplayed(), "no form to vote with once the poll is closed");

        browser.navigate().refresh();
        wait.until(d -> "This poll is closed: it no longer takes votes.".equals(d.findElement(By.id("poll-status")).getText()));
        assertTrue(!browser.findElement(By.id("vote-form")).isDisplayed());
    }

    @Test
    void liveBadgeSaysNoSuchPollOrClosedAndThePollListRefreshes() throws InterruptedException {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(base + "/?poll=999999999");
        wait.until(d -> "no such poll".equals(d.findElement(By.id("connection")).getText()));
        assertEquals("No such poll", browser.findElement(By.id("poll-title")).getText());

        long closed = client.createPoll("Browser: already closed", "Yes", "No").path("id").asLong();
        closeAndWait(closed);
        browser.get(base + "/?poll=" + closed);
        wait.until(d -> bars().size() == 2 && "closed".equals(d.findElement(By.id("connection")).getText()));

        String title = "Browser: created after the page loaded";
        client.createPoll(title, "Early", "Late");
        wait.until(d -> pollsListed().contains(title));
    }

    /** The server ends each stream before its response-time limit (~28.5 s) and the page reconnects: the badge must not flicker. */
    @Test
    void badgeStaysLiveWhileTheStreamIsRenewed() {
        long pollId = client.createPoll("Browser: a long look", "Tea", "Coffee").path("id").asLong();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(base + "/?poll=" + pollId);
        wait.until(d -> "live".equals(d.findElement(By.id("connection")).getText()));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("""
                window.badges = [];
                new MutationObserver(() => window.badges.push(document.getElementById("connection").textContent))
                    .observe(document.getElementById("connection"), {childList: true, characterData: true, subtree: true});
                """);
        String renewed = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/results/stream')).length > 0"
                + " && document.getElementById('connection').textContent === 'live';";
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> Boolean.TRUE.equals(js.executeScript(renewed)));
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) js.executeScript("return window.badges;");
        assertTrue(shown.stream().allMatch("live"::equals), "the badge while the stream was renewed: " + shown);
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
        // a 422 through Swagger UI's own client: its error names the status, as "Try it out" prints it
        long pollId = client.createPoll("Browser: docs", "Yes", "No").path("id").asLong();
        Object error = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.ui.fn.fetch({url: "/api/v1/polls/" + arguments[0] + "/votes", method: "POST",
                    headers: {"Authorization": "Bearer " + arguments[1], "Content-Type": "application/json"},
                    body: '{"candidateId": 999999999}', responseInterceptor: window.ui.getConfigs().responseInterceptor})
                  .then(() => done("no error"), e => done(e.status + " " + e.message));
                """, pollId, Tokens.voter("docs-reader"));
        assertEquals("422 Unprocessable Content", error);
        assertSameOrigin();
        screenshot("docs.png");
    }

    /** Closes the poll as admin and waits until the close has taken effect. */
    private static void closeAndWait(long pollId) throws InterruptedException {
        ApiClient.Reply closing = client.post("/api/v1/polls/" + pollId + "/close", Tokens.admin(), "");
        assertEquals(200, closing.status(), closing.body());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!"closed".equals(client.get("/api/v1/polls/" + pollId).json().path("status").asText())) {
            assertTrue(System.nanoTime() < deadline, "the close takes effect");
            Thread.sleep(100);
        }
    }

    private static void choose(String candidate) {
        browser.findElements(By.cssSelector("#candidates label")).stream()
                .filter(label -> label.getText().equals(candidate)).findFirst().orElseThrow()
                .findElement(By.tagName("input")).click();
    }

    /** Presses "Cast my vote" and returns the answer the page shows, which must be of the expected kind. */
    private static String cast(String outcome) {
        browser.findElement(By.id("cast")).click();  // the page says "pending" before it sends
        WebElement answer = browser.findElement(By.id("answer"));
        new WebDriverWait(browser, WAIT).until(d -> !"pending".equals(answer.getDomAttribute("data-outcome")));
        assertEquals(outcome, answer.getDomAttribute("data-outcome"), answer.getText());
        return answer.getText();
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

    /**
     * The titles in the poll list, read in one step in the page: the list is redrawn every few
     * seconds, so elements found one call earlier may be gone (stale) by the next.
     */
    @SuppressWarnings("unchecked")
    private static List<String> pollsListed() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#polls a'), a => a.textContent.trim());");
    }
}
