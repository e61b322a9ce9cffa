package dev.voting.e2e.ops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfiles, docker-compose.yml and deploy/k8s, checked statically (there is no Docker engine
 * or cluster here): they parse, name the images, jars and ports the apps really have, and hand the
 * apps every variable their config records read. The variable names come from the configs' own
 * sources, the one place that names them.
 */
class DeploymentManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Kept out of the manifests: the operator creates them (kubectl create secret), the API's signing key apart. */
    private static final Map<String, Set<String>> SECRETS = Map.of(
            "voting-secrets", Set.of("DATABASE_URL", "DATABASE_REPLICA_URL", "RABBITMQ_URL", "REDIS_URL"),
            "voting-jwt", Set.of("JWT_SECRET_KEY", "JWT_PUBLIC_KEY"));
    private static final ApiConfig API_DEFAULTS = ApiConfig.from(Map.of("JWT_SECRET_KEY", "x".repeat(ApiConfig.MIN_HMAC_SECRET_BYTES)));
    private static final WorkerConfig WORKER_DEFAULTS = WorkerConfig.from(Map.of());

    /** The app, its image, its jar, the port its probes answer on, the one Prometheus scrapes, and the secrets it gets. */
    private record App(String module, String image, String jar, int probePort, int metricsPort, Set<String> secrets) {
        /** One port for the worker, two for the API: probes on the public one, metrics on the operator's. */
        Set<Integer> ports() {
            return new TreeSet<>(List.of(probePort, metricsPort));
        }
    }

    private static final List<App> APPS = List.of(
            new App("api", "voting-api", "voting-api.jar", API_DEFAULTS.http().port(), API_DEFAULTS.http().metricsPort(),
                    Set.of("voting-secrets", "voting-jwt")),
            new App("worker", "voting-worker", "voting-worker.jar", WORKER_DEFAULTS.metricsPort(), WORKER_DEFAULTS.metricsPort(),
                    Set.of("voting-secrets")));

    private static final List<String> CONFIG_SOURCES = List.of(
            "shared/src/main/java/dev/voting/shared/config/Config.java",
            "api/src/main/java/dev/voting/api/ApiConfig.java",
            "worker/src/main/java/dev/voting/worker/WorkerConfig.java");

    /** Every environment variable the configs read, from their sources: {@code env.integer("API_PORT", ...)} and the like. */
    static Set<String> configVariables() {
        Set<String> names = new TreeSet<>();
        for (String source : CONFIG_SOURCES) {
            Matcher matcher = Pattern.compile("env\\.[A-Za-z]+\\(\\s*\"([A-Z][A-Z0-9_]*)\"").matcher(RepoFiles.read(source));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        assertTrue(names.containsAll(Set.of("DATABASE_URL", "JWT_ALGORITHM", "LOG_FORMAT", "API_PORT", "WORKER_METRICS_PORT",
                "TRUSTED_PROXIES")), "the variables were found in the config sources: " + names);
        return names;
    }

    @Test
    void envExampleListsEveryVariableOfTheConfigRecord() {
        Set<String> listed = envExample().keySet();
        Set<String> missing = new TreeSet<>(configVariables());
        missing.removeAll(listed);
        assertTrue(missing.isEmpty(), ".env.example lacks " + missing);
    }

    @Test
    void dockerfilesBuildInStagesAndRunTheJarAsNonRootWithAHealthCheck() throws IOException {
        for (App app : APPS) {
            String dockerfile = RepoFiles.read(app.module() + "/Dockerfile");
            List<String> stages = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
            assertTrue(stages.size() >= 2, app.module() + ": multi-stage");
            assertTrue(stages.getLast().contains("-jre"), app.module() + ": the runtime stage is a JRE image, not the JDK");
            String user = dockerfile.lines().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
            assertFalse(user.matches("USER (root|0)(:.*)?"), app.module() + " runs as " + user);
            for (int port : app.ports()) {
                assertTrue(dockerfile.lines().anyMatch(l -> l.startsWith("EXPOSE ") && l.contains(" " + port)),
                        app.module() + " exposes " + port);
            }
            assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/healthz"), app.module() + " health check");
            assertTrue(dockerfile.contains(app.module() + "/target/" + app.jar()) && dockerfile.contains("/app/" + app.jar()),
                    app.module() + " copies and runs " + app.jar());
            String pom = RepoFiles.read(app.module() + "/pom.xml");
            assertTrue(pom.contains("<outputFile>${project.build.directory}/" + app.jar() + "</outputFile>"),
                    app.module() + "'s shaded jar is " + app.jar());
            assertTrue(Files.isRegularFile(RepoFiles.path(".dockerignore")));
        }
    }

    @Test
    void composeBringsUpTheWholeSystemWithEveryVariable() throws IOException {
        JsonNode compose = YAML.readTree(RepoFiles.read("docker-compose.yml"));
        JsonNode services = compose.path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("postgres", "rabbitmq", "redis", "migrate", "api", "worker", "prometheus", "grafana"), names);
        Map<String, String> fromFile = envExample();
        for (App app : APPS) {
            JsonNode service = services.path(app.module());
            assertEquals(app.module() + "/Dockerfile", service.path("build").path("dockerfile").asText());
            assertTrue(service.path("image").asText().startsWith(app.image() + ":"), app.module() + " image");
            Set<String> given = new TreeSet<>(fromFile.keySet());
            assertEquals(".env.example", service.path("env_file").get(0).asText(), app.module() + " reads .env.example");
            assertEquals(".env", service.path("env_file").get(1).path("path").asText(), app.module() + " reads the user's .env on top");
            assertFalse(service.path("env_file").get(1).path("required").asBoolean(true), "a missing .env is no error");
            service.path("environment").fieldNames().forEachRemaining(given::add);
            Set<String> missing = new TreeSet<>(configVariables());
            missing.removeAll(given);
            assertTrue(missing.isEmpty(), app.module() + " lacks " + missing);
            // the service URLs point at the compose services, not at the developer's loopback
            for (String url : List.of("DATABASE_URL", "RABBITMQ_URL", "REDIS_URL")) {
                String value = service.path("environment").path(url).asText();
                assertTrue(value.matches("\\w+://([^@/]+@)?(postgres|rabbitmq|redis):\\d+/.*"), app.module() + " " + url + "=" + value);
            }
        }
        JsonNode api = services.path("api");
        assertEquals(1, api.path("ports").size(), "only the public port is published: " + api.path("ports"));
        assertTrue(api.path("ports").get(0).asText().endsWith(":" + API_DEFAULTS.http().port()));
        assertTrue(api.path("expose").toString().contains(Integer.toString(API_DEFAULTS.http().metricsPort())),
                "the metrics port is reachable by Prometheus inside the compose network only");
        assertTrue(api.path("environment").path("JWT_SECRET_KEY").asText().startsWith("${JWT_SECRET_KEY:?"),
                "the API's signing key must come from the user's environment or .env, never from .env.example");
        assertTrue(api.path("environment").has("TRUSTED_PROXIES"), "who may name the client is stated");
        assertEquals("service_completed_successfully", services.path("api").path("depends_on").path("migrate").path("condition").asText());
        assertTrue(services.path("migrate").path("entrypoint").toString().contains("dev.voting.api.app.Migrate"));
        for (String infrastructure : List.of("postgres", "rabbitmq", "redis")) {
            assertFalse(services.path(infrastructure).path("healthcheck").isMissingNode(), infrastructure + " has a health check");
        }
        assertTrue(services.path("prometheus").path("volumes").toString().contains("./ops/prometheus:/etc/prometheus"));
        assertTrue(services.path("grafana").path("volumes").toString().contains("./ops/grafana/dashboards"));
        assertTrue(RepoFiles.read("Makefile").contains("docker compose up"), "make up starts it");
    }

    @Test
    void kubernetesBaseParsesAndWiresImagesPortsProbesAndEveryVariable() throws IOException {
        JsonNode kustomization = YAML.readTree(RepoFiles.path("deploy/k8s/kustomization.yaml").toFile());
        Map<String, List<JsonNode>> byKind = kubernetesResources("deploy/k8s");
        assertFalse(byKind.containsKey("Secret"), "the base ships no secret value: the operator creates the Secrets");
        String howToCreate = RepoFiles.read("deploy/k8s/kustomization.yaml") + RepoFiles.read("docs/security.md");
        for (Map.Entry<String, Set<String>> secret : SECRETS.entrySet()) {
            assertTrue(howToCreate.contains("kubectl -n voting create secret generic " + secret.getKey()),
                    "how to create " + secret.getKey() + " is documented");
        }
        Set<String> configured = new TreeSet<>();
        JsonNode configMap = only(byKind, "ConfigMap");
        configMap.path("data").fieldNames().forEachRemaining(configured::add);
        Set<String> secretNames = new TreeSet<>();
        SECRETS.values().forEach(secretNames::addAll);
        configured.forEach(name -> assertFalse(secretNames.contains(name), name + " is a secret, not a ConfigMap entry"));
        configured.addAll(secretNames);
        Set<String> missing = new TreeSet<>(configVariables());
        missing.removeAll(configured);
        assertTrue(missing.isEmpty(), "ConfigMap and Secrets lack " + missing);
        assertFalse(configMap.path("data").path("TRUSTED_PROXIES").asText().isBlank(), "the ingress in front is trusted");

        Set<String> kustomizedImages = new TreeSet<>();
        kustomization.path("images").forEach(i -> kustomizedImages.add(i.path("name").asText()));
        for (App app : APPS) {
            JsonNode deployment = named(byKind.get("Deployment"), "voting-" + app.module());
            JsonNode pod = deployment.path("spec").path("template");
            Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
            assertEquals(podLabels, labels(deployment.path("spec").path("selector").path("matchLabels")), "selector matches the pods");
            assertTrue(pod.path("spec").path("securityContext").path("runAsNonRoot").asBoolean(), app.module() + " runs as non-root");
            List<JsonNode> containers = new ArrayList<>();
            pod.path("spec").path("initContainers").forEach(containers::add);
            int initContainers = containers.size();
            pod.path("spec").path("containers").forEach(containers::add);
            for (int i = 0; i < containers.size(); i++) {
                JsonNode container = containers.get(i);
                // an init container (the migration) needs the services, never the signing key
                Set<String> needed = i < initContainers ? Set.of("voting-secrets") : app.secrets();
                String where = app.module() + "/" + container.path("name").asText();
                assertEquals(app.image(), container.path("image").asText(), where + " image");
                assertTrue(kustomizedImages.contains(container.path("image").asText()), where + " image is pinned by kustomize");
                assertFalse(container.path("resources").path("limits").path("memory").isMissingNode(), where + " memory limit");
                assertFalse(container.path("resources").path("limits").path("cpu").isMissingNode(), where + " cpu limit");
                assertFalse(container.path("resources").path("requests").path("cpu").isMissingNode(), where + " cpu request");
                Set<String> configMaps = new TreeSet<>();
                Set<String> secrets = new TreeSet<>();
                container.path("envFrom").forEach(from -> {
                    configMaps.add(from.path("configMapRef").path("name").asText(""));
                    secrets.add(from.path("secretRef").path("name").asText(""));
                });
                assertTrue(configMaps.contains(configMap.path("metadata").path("name").asText()), where + " gets the ConfigMap");
                secrets.remove("");
                assertEquals(needed, secrets, where + " gets the secrets it needs, and no other");
            }
            JsonNode main = pod.path("spec").path("containers").get(0);
            Map<String, Integer> ports = new HashMap<>();
            main.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
            assertEquals(app.ports(), new TreeSet<>(ports.values()), app.module() + " container ports");
            assertProbe(main.path("livenessProbe"), "/healthz", ports, app);
            assertProbe(main.path("readinessProbe"), "/readyz", ports, app);
            assertEquals(Integer.toString(app.metricsPort()), pod.path("metadata").path("annotations").path("prometheus.io/port").asText());

            JsonNode service = named(byKind.get("Service"), "voting-" + app.module());
            assertEquals(podLabels, labels(service.path("spec").path("selector")), app.module() + " service selects the pods");
            String targetPort = service.path("spec").path("ports").get(0).path("targetPort").asText();
            assertTrue(ports.containsKey(targetPort) || targetPort.equals(Integer.toString(app.probePort())), "service target port " + targetPort);

            JsonNode pdb = named(byKind.get("PodDisruptionBudget"), "voting-" + app.module());
            assertEquals(podLabels, labels(pdb.path("spec").path("selector").path("matchLabels")), app.module() + " PDB selects the pods");
        }
    }

    @Test
    void autoscaledDeploymentsLeaveTheReplicasToTheirOneAutoscaler() throws IOException {
        Map<String, List<JsonNode>> byKind = allKubernetesResources();
        for (App app : APPS) {
            String name = "voting-" + app.module();
            List<JsonNode> autoscalers = new ArrayList<>();
            for (String kind : List.of("HorizontalPodAutoscaler", "ScaledObject")) {
                byKind.getOrDefault(kind, List.of()).stream()
                        .filter(a -> a.path("spec").path("scaleTargetRef").path("name").asText().equals(name))
                        .forEach(autoscalers::add);
            }
            assertEquals(1, autoscalers.size(), name + " has one autoscaler (two would fight over its replicas)");
            JsonNode spec = autoscalers.getFirst().path("spec");
            assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText("Deployment"));
            int min = spec.has("minReplicaCount") ? spec.path("minReplicaCount").asInt() : spec.path("minReplicas").asInt();
            int max = spec.has("maxReplicaCount") ? spec.path("maxReplicaCount").asInt() : spec.path("maxReplicas").asInt();
            assertTrue(min >= 2 && max > min, name + " scales between " + min + " and " + max);
            assertTrue(named(byKind.get("Deployment"), name).path("spec").path("replicas").isMissingNode(),
                    name + ": a fixed replicas would reset the autoscaler's count on every apply");
        }
    }

    @Test
    void kedaScalesTheWorkerOnTheVoteQueueWithTheUrlFromTheSecret() throws IOException {
        Map<String, List<JsonNode>> byKind = allKubernetesResources();
        JsonNode scaled = named(byKind.get("ScaledObject"), "voting-worker").path("spec");
        assertEquals("voting-worker", scaled.path("scaleTargetRef").path("name").asText());
        List<JsonNode> rabbit = new ArrayList<>();
        scaled.path("triggers").forEach(t -> {
            if (t.path("type").asText().equals("rabbitmq")) {
                rabbit.add(t);
            }
        });
        assertEquals(1, rabbit.size(), "one trigger on the vote queue");
        JsonNode metadata = rabbit.getFirst().path("metadata");
        assertEquals(configData(byKind).get("RABBITMQ_QUEUE_NAME"), metadata.path("queueName").asText(),
                "KEDA watches the queue the apps use");
        assertEquals("QueueLength", metadata.path("mode").asText());
        assertTrue(Integer.parseInt(metadata.path("value").asText()) > 0);
        assertFalse(metadata.has("host"), "no broker URL (with its password) in a manifest");

        JsonNode auth = named(byKind.get("TriggerAuthentication"), rabbit.getFirst().path("authenticationRef").path("name").asText());
        JsonNode host = null;
        for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
            if (ref.path("parameter").asText().equals("host")) {
                host = ref;
            }
        }
        assertNotNull(host, "the TriggerAuthentication gives the scaler its host");
        assertTrue(SECRETS.getOrDefault(host.path("name").asText(), Set.of()).contains(host.path("key").asText()),
                "KEDA reads the broker's URL from a Secret the operator creates: " + host);
        assertEquals("RABBITMQ_URL", host.path("key").asText());
    }

    @Test
    void theEnginesRunReplicatedAndTheAppsAreWiredToThem() throws IOException {
        JsonNode kustomization = YAML.readTree(RepoFiles.path("deploy/k8s/kustomization.yaml").toFile());
        assertTrue(kustomization.path("components").toString().contains("\"engines\""), "the base includes the engines");
        JsonNode component = YAML.readTree(RepoFiles.path("deploy/k8s/engines/kustomization.yaml").toFile());
        assertEquals("Component", component.path("kind").asText());
        Map<String, List<JsonNode>> byKind = allKubernetesResources();
        Map<String, String> config = configData(byKind);

        JsonNode rabbit = only(byKind, "RabbitmqCluster");
        assertEquals(3, rabbit.path("spec").path("replicas").asInt(), "three RabbitMQ nodes");
        assertEquals("3", config.get("RABBITMQ_QUORUM_SIZE"), "the vote queue is on all three");

        JsonNode postgres = only(byKind, "Cluster");
        assertEquals("postgresql.cnpg.io/v1", postgres.path("apiVersion").asText());
        assertTrue(postgres.path("spec").path("instances").asInt() >= 2, "a primary and replicas");
        assertTrue(postgres.path("spec").path("minSyncReplicas").asInt() >= 1,
                "a commit the worker acks for is on a replica before a failover can promote it");

        JsonNode redis = only(byKind, "RedisFailover");
        assertTrue(redis.path("spec").path("sentinel").path("replicas").asInt() >= 3, "a Sentinel quorum survives one loss");
        assertTrue(redis.path("spec").path("redis").path("replicas").asInt() >= 2, "a replica to promote");
        assertEquals("rfs-" + redis.path("metadata").path("name").asText() + ":26379", config.get("REDIS_SENTINELS"),
                "the apps ask the operator's Sentinel Service");
        assertEquals("mymaster", config.get("REDIS_MASTER_NAME"), "the master set the operator names");

        String script = RepoFiles.read("deploy/k8s/engines/voting-secrets.sh");
        String db = postgres.path("metadata").path("name").asText();
        String broker = rabbit.path("metadata").path("name").asText();
        assertTrue(script.contains("field " + db + "-app uri"), "DATABASE_URL is the operator's URI of the primary");
        assertTrue(script.contains("sed 's/" + db + "-rw/" + db + "-ro/'"), "DATABASE_REPLICA_URL names the replicas' Service");
        assertTrue(script.contains("field " + broker + "-default-user password"), "the broker's generated password");
        assertTrue(script.contains("@" + broker + ":5672/"), "RABBITMQ_URL names the broker's Service");
        for (String key : SECRETS.get("voting-secrets")) {
            assertTrue(script.contains("--from-literal=" + key + "="), "voting-secrets.sh sets " + key);
        }
        assertTrue(RepoFiles.read("deploy/k8s/kustomization.yaml").contains("engines/voting-secrets.sh"), "the base says to run it");
    }

    /** The base's resources and those of the components it includes, by kind. */
    private static Map<String, List<JsonNode>> allKubernetesResources() throws IOException {
        Map<String, List<JsonNode>> byKind = kubernetesResources("deploy/k8s");
        JsonNode kustomization = YAML.readTree(RepoFiles.path("deploy/k8s/kustomization.yaml").toFile());
        for (JsonNode component : kustomization.path("components")) {
            kubernetesResources("deploy/k8s/" + component.asText()).forEach(
                    (kind, resources) -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(resources));
        }
        return byKind;
    }

    /**
     * The resources a kustomization directory lists, by kind, after checking that it lists every
     * manifest of the directory (as a resource or as a patch) and only those.
     */
    private static Map<String, List<JsonNode>> kubernetesResources(String relative) throws IOException {
        Path dir = RepoFiles.path(relative);
        JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        Set<String> resources = new TreeSet<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        Set<String> listed = new TreeSet<>(resources);
        kustomization.path("patches").forEach(p -> listed.add(p.path("path").asText()));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(present::add);
        }
        assertEquals(present, listed, relative + ": kustomization lists every manifest and only those");
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        for (String file : resources) {
            for (JsonNode document : documents(dir.resolve(file))) {
                assertTrue(document.path("apiVersion").isTextual() && document.path("metadata").path("name").isTextual(), file);
                byKind.computeIfAbsent(document.path("kind").asText(), k -> new ArrayList<>()).add(document);
            }
        }
        return byKind;
    }

    /** The ConfigMap's data as the apps get it: the base's, with the components' patches on top. */
    private static Map<String, String> configData(Map<String, List<JsonNode>> byKind) throws IOException {
        JsonNode configMap = named(byKind.get("ConfigMap"), "voting-config");
        Map<String, String> data = new HashMap<>();
        configMap.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        JsonNode kustomization = YAML.readTree(RepoFiles.path("deploy/k8s/kustomization.yaml").toFile());
        for (JsonNode component : kustomization.path("components")) {
            Path dir = RepoFiles.path("deploy/k8s/" + component.asText());
            for (JsonNode patch : YAML.readTree(dir.resolve("kustomization.yaml").toFile()).path("patches")) {
                for (JsonNode document : documents(dir.resolve(patch.path("path").asText()))) {
                    if (document.path("kind").asText().equals("ConfigMap")) {
                        assertEquals("voting-config", document.path("metadata").path("name").asText(), "the patch names the base's ConfigMap");
                        document.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
                    }
                }
            }
        }
        return data;
    }

    private static void assertProbe(JsonNode probe, String path, Map<String, Integer> ports, App app) {
        assertEquals(path, probe.path("httpGet").path("path").asText(), app.module() + " probe path");
        String port = probe.path("httpGet").path("port").asText();
        assertEquals(app.probePort(), ports.containsKey(port) ? ports.get(port) : Integer.parseInt(port), app.module() + " probe port");
    }

    private static JsonNode only(Map<String, List<JsonNode>> byKind, String kind) {
        List<JsonNode> all = byKind.getOrDefault(kind, List.of());
        assertEquals(1, all.size(), "one " + kind);
        return all.getFirst();
    }

    private static JsonNode named(List<JsonNode> resources, String name) {
        assertNotNull(resources, "no resources of the kind of " + name);
        return resources.stream().filter(r -> r.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        assertFalse(labels.isEmpty(), "labels present");
        return labels;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = new YAMLFactory().createParser(file.toFile());
             MappingIterator<JsonNode> iterator = YAML.readValues(parser, JsonNode.class)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static Map<String, String> envExample() {
        Map<String, String> values = new HashMap<>();
        for (String line : RepoFiles.read(".env.example").split("\n")) {
            Matcher matcher = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$").matcher(line.strip());
            if (matcher.matches()) {
                values.put(matcher.group(1), matcher.group(2));
            }
        }
        return values;
    }
}
