package dev.voting.e2e.ops;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ops/prometheus and ops/grafana against the real apps: the alert rules and the scrape config
 * parse (promtool, when present, also runs the rules' unit tests), and every metric that an alert
 * or a dashboard panel reads is really exported by the API or the worker after some votes.
 */
class OpsConfigIT {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Series Prometheus makes itself for every target, not exported by the apps. */
    private static final Set<String> SYNTHETIC = Set.of("up");

    private static Isolated env;
    private static ApiApplication api;
    private static WorkerApplication worker;
    private static final Set<String> exported = new TreeSet<>();
    private static String apiScrape;

    @BeforeAll
    static void runThePipelineAndScrapeIt() throws Exception {
        env = Isolated.create();
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
        try (ApiClient client = new ApiClient(api.port()); ApiClient apiOps = new ApiClient(api.metricsPort())) {
            JsonNode poll = client.createPoll("Ops", "Yes", "No");
            long pollId = poll.path("id").asLong();
            long yes = poll.path("candidates").get(0).path("id").asLong();
            assertEquals(202, client.vote(pollId, "ops-alice", yes).status());
            assertEquals(202, client.vote(pollId, "ops-bob", yes).status());
            assertEquals(409, client.vote(pollId, "ops-alice", yes).status());  // a refusal, so that votes_refused_total exists
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(2, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId), "both votes counted");
            // the API's probe (every 5 s) sees the worker's lanes consume: "no worker consuming" is visible from the API
            long probeDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            do {
                apiScrape = apiOps.get("/metrics").body();
            } while (!apiScrape.contains("queue_consumers{application=\"voting-api\",queue=\"" + env.queue() + "\"} 2.0")
                    && System.nanoTime() < probeDeadline && sleep(250));
            exported.addAll(names(apiScrape));
            try (ApiClient workerClient = new ApiClient(worker.metricsPort())) {
                exported.addAll(names(workerClient.get("/metrics").body()));
            }
        }
    }

    @AfterAll
    static void stop() {
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
    void everyMetricTheAlertsReadIsExported() throws IOException {
        JsonNode rules = YAML.readTree(RepoFiles.read("ops/prometheus/alerts.yml"));
        Set<String> alerts = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            assertTrue(group.path("name").isTextual(), "every group has a name");
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                alerts.add(name);
                assertTrue(name.matches("Voting[A-Z][A-Za-z]+"), "alert name " + name);
                assertTrue(rule.path("for").asText().matches("\\d+[smh]"), name + " has a 'for' duration");
                assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()), name + " severity");
                assertTrue(!rule.path("annotations").path("summary").asText().isBlank(), name + " has a summary");
                for (String metric : PromQl.metricNames(rule.path("expr").asText())) {
                    if (!exported.contains(metric) && !SYNTHETIC.contains(metric)) {
                        wrong.add(name + " reads " + metric + ", which neither app exports");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertTrue(alerts.containsAll(Set.of("VotingDeadLetterQueueGrowing", "VotingConsumerLagGrowing", "VotingCountsDrift",
                "VotingHighErrorRate", "VotingNoWorkerConsuming", "VotingApiDown", "VotingLoadShed")),
                "the alerts the runbook promises: " + alerts);
    }

    /** Scrape jobs are named differently in docker-compose, Kubernetes and elsewhere; the apps' own label is not. */
    @Test
    void alertsTellTheAppsApartByTheirLabelNotByAJobName() throws IOException {
        JsonNode rules = YAML.readTree(RepoFiles.read("ops/prometheus/alerts.yml"));
        List<String> byJob = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String expr = rule.path("expr").asText();
                if (expr.matches("(?s).*\\bjob\\s*(=|!=|=~|!~)\\s*\".*") || rule.path("annotations").toString().contains("$labels.job")) {
                    byJob.add(rule.path("alert").asText() + ": " + expr);
                }
            }
        }
        assertTrue(byJob.isEmpty(), "rules that name a scrape job:\n" + String.join("\n", byJob));
    }

    @Test
    void dashboardTakesItsDataSourceJobAndInstanceAsVariables() throws IOException {
        JsonNode dashboard = JSON.readTree(RepoFiles.read("ops/grafana/dashboards/voting-pipeline.json"));
        JsonNode input = dashboard.path("__inputs").path(0);
        assertEquals("DS_PROMETHEUS", input.path("name").asText(), "an import asks for the data source");
        assertEquals("datasource", input.path("type").asText());
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(List.of("DS_PROMETHEUS", "job", "instance"), variables, "provisioned, the data source is a variable too");
        List<String> unscoped = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                String rest = expr.replaceAll("[a-zA-Z_:][a-zA-Z0-9_:]*\\{job=~\"\\$job\",instance=~\"\\$instance\"[^}]*}", "0");
                if (!PromQl.metricNames(rest).isEmpty()) {  // a metric read without the two matchers
                    unscoped.add(panel.path("title").asText() + ": " + expr);
                }
            }
        }
        assertTrue(unscoped.isEmpty(), "queries that ignore the job and instance variables:\n" + String.join("\n", unscoped));
    }

    @Test
    void everyMetricTheDashboardReadsIsExportedAndThePipelineIsCoveredEndToEnd() throws IOException {
        JsonNode dashboard = JSON.readTree(RepoFiles.read("ops/grafana/dashboards/voting-pipeline.json"));
        assertEquals("voting-pipeline", dashboard.path("uid").asText());
        Set<String> read = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        int targets = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                targets++;
                assertEquals("${DS_PROMETHEUS}", target.path("datasource").path("uid").asText(), "panel " + panel.path("title"));
                for (String metric : PromQl.metricNames(target.path("expr").asText())) {
                    read.add(metric);
                    if (!exported.contains(metric)) {
                        wrong.add("panel '" + panel.path("title").asText() + "' reads " + metric + ", which neither app exports");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertTrue(targets >= 20, "a dashboard of the whole pipeline");
        // HTTP, publish confirms, queue depth and consumers, lag, batches, outcomes, DLQ, drift, Redis and pools, JVM
        assertTrue(read.containsAll(Set.of("http_server_requests_seconds_count", "votes_publish_confirm_seconds_bucket",
                "queue_messages", "queue_consumers", "worker_vote_lag_seconds_bucket", "worker_batch_size_votes_count",
                "worker_batch_seconds_bucket", "worker_votes_total", "votes_refused_total", "worker_dead_lettered_total",
                "counts_drift_votes", "dependency_up", "redis_pool_connections", "hikaricp_connections_active",
                "jvm_memory_used_bytes")), "the dashboard shows the pipeline end to end: " + read);
    }

    @Test
    void probesReportTheQueueTheConsumersAndTheDependencies() {
        assertTrue(apiScrape.contains("queue_consumers{application=\"voting-api\",queue=\"" + env.queue() + "\"} 2.0"),
                "the worker's two lanes consume the queue:\n" + apiScrape.lines().filter(l -> l.startsWith("queue_")).toList());
        assertTrue(apiScrape.contains("queue_messages{application=\"voting-api\",queue=\"" + env.config().rabbit().deadLetterQueue()
                + "\",role=\"dead_letter\"} 0.0"), "the dead-letter queue is empty");
        for (String dependency : List.of("postgresql", "redis", "rabbitmq")) {
            assertTrue(apiScrape.contains("dependency_up{application=\"voting-api\",dependency=\"" + dependency + "\"} 1.0"), dependency);
        }
    }

    @Test
    void histogramsAreNamedWithTheirUnit() {
        List<String> wrong = exported.stream().filter(n -> n.endsWith("_bucket"))
                .map(n -> n.substring(0, n.length() - "_bucket".length()))
                .filter(base -> !base.endsWith("_seconds") && !base.endsWith("_votes") && !base.endsWith("_bytes"))
                .toList();
        assertTrue(wrong.isEmpty(), "histograms without a unit suffix: " + wrong);
        assertTrue(exported.contains("worker_vote_lag_seconds_bucket") && exported.contains("queue_messages")
                && exported.contains("dependency_up") && exported.contains("redis_pool_waiting_threads"), "probe meters exported");
    }

    @Test
    void scrapeConfigTargetsTheAppsDefaultPorts() throws IOException {
        JsonNode prometheus = YAML.readTree(RepoFiles.read("ops/prometheus/prometheus.yml"));
        ApiConfig apiDefaults = ApiConfig.from(Map.of("JWT_SECRET_KEY", "x".repeat(ApiConfig.MIN_HMAC_SECRET_BYTES)));
        Map<String, Integer> ports = Map.of("voting-api", apiDefaults.http().metricsPort(),
                "voting-worker", WorkerConfig.from(Map.of()).metricsPort());
        Set<String> jobs = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            jobs.add(name);
            assertEquals("/metrics", job.path("metrics_path").asText("/metrics"));
            assertEquals(ports.get(name), job.path("dns_sd_configs").get(0).path("port").asInt(), name + " port");
        }
        assertEquals(ports.keySet(), jobs);
        List<String> ruleFiles = new ArrayList<>();
        prometheus.path("rule_files").forEach(f -> ruleFiles.add(f.asText()));
        assertEquals(List.of("alerts.yml"), ruleFiles);
    }

    @Test
    void promtoolAcceptsTheConfigAndTheAlertsPassTheirUnitTests() throws Exception {
        String promtool = promtool();
        boolean required = Boolean.parseBoolean(System.getenv().getOrDefault("REQUIRE_SERVICES", "false"));
        if (promtool == null) {
            assertTrue(!required, "promtool is missing; .ci/run unpacks it from Debian's prometheus package");
            Assumptions.abort("promtool not installed; the YAML and metric checks above still ran");
        }
        Path dir = RepoFiles.path("ops/prometheus");
        run(dir, promtool, "check", "config", "prometheus.yml");
        run(dir, promtool, "test", "rules", "alerts-test.yml");
    }

    private static void run(Path dir, String... command) throws Exception {
        Path output = Files.createTempFile("promtool", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + log);
    }

    private static String promtool() {
        String configured = System.getenv("PROMTOOL");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "promtool");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    /** Metric names of a Prometheus text scrape. */
    private static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
