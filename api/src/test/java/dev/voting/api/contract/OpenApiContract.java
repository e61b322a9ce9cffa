package dev.voting.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API's {@code openapi.yaml}, read as data: its operations, and a check of one real response
 * against what the document says of it (status, media type, required headers, and the body
 * against its JSON Schema with the networknt validator, formats asserted).
 */
final class OpenApiContract {
    /** The document's retrieval IRI inside the validator: nothing is fetched, the registry serves it from memory. */
    private static final String DOCUMENT = "https://voting.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

    private final JsonNode spec;
    private final SchemaRegistry registry;
    private final AtomicInteger schemas = new AtomicInteger();

    OpenApiContract(String yaml) {
        // the validator warns about every OpenAPI keyword outside JSON Schema (openapi, paths, ...)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.networknt")).setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            spec = new YAMLMapper().readTree(yaml);
            String json = new ObjectMapper().writeValueAsString(spec);
            registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                    .schemas(Map.of(DOCUMENT, json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode spec() {
        return spec;
    }

    /** Every documented operation as {@code "GET /api/v1/polls/{pollId}"}. */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        spec.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                operations.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /**
     * What is wrong with a real response to {@code method template}, or an empty list: the status
     * (or {@code default}) is documented, its media type too, its required headers are present, and
     * a JSON body (or the first event of a stream) validates against the documented schema.
     */
    List<String> check(String method, String template, int status, String contentType, Map<String, String> headers,
                       JsonNode body, String where) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = spec.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of(where + ": " + method + " " + template + " is not documented");
        }
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            response = operation.path("responses").path("default");
        }
        if (response.isMissingNode()) {
            return List.of(where + ": status " + status + " is not documented");
        }
        response = resolve(response);
        String mediaType = contentType == null ? null : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        JsonNode content = response.path("content");
        if (mediaType == null) {
            if (!content.isMissingNode() && !content.isEmpty()) {
                problems.add(where + ": no Content-Type, but the document promises " + fieldNames(content));
            }
        } else if (content.path(mediaType).isMissingNode()) {
            problems.add(where + ": Content-Type " + mediaType + " is not among " + fieldNames(content));
        }
        response.path("headers").properties().forEach(header -> {
            JsonNode definition = resolve(header.getValue());
            if (definition.path("required").asBoolean(false) && !headers.containsKey(header.getKey().toLowerCase(Locale.ROOT))) {
                problems.add(where + ": required header " + header.getKey() + " is missing");
            }
        });
        if (mediaType != null && body != null) {
            JsonNode media = content.path(mediaType);
            JsonNode schema = mediaType.equals("text/event-stream") ? media.path("x-event-data") : media.path("schema");
            if (schema.isMissingNode()) {
                problems.add(where + ": " + mediaType + " has no schema to check the body against");
            } else {
                problems.addAll(validate(schema, body, where));
            }
        }
        return problems;
    }

    /** Validation errors of {@code instance} against a schema node of the document (its $refs resolve within it). */
    List<String> validate(JsonNode schemaNode, JsonNode instance, String where) {
        Schema schema = registry.getSchema(SchemaLocation.of("https://voting.invalid/checked/" + schemas.incrementAndGet()),
                absoluteRefs(schemaNode.deepCopy()));
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            problems.add(where + ": " + error.getInstanceLocation() + " " + error.getMessage() + " in " + instance);
        }
        return problems;
    }

    /** A response or header given as {@code $ref}, followed to its definition. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local references are used: " + ref);
            }
            current = spec.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new IllegalArgumentException("dangling reference " + ref);
            }
        }
        return current;
    }

    /** Rewrites {@code #/components/...} references so that they point into the document wherever the schema is checked. */
    private static JsonNode absoluteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
                object.set("$ref", TextNode.valueOf(DOCUMENT + ref.asText()));
            }
            object.properties().forEach(entry -> absoluteRefs(entry.getValue()));
        } else if (node.isArray()) {
            node.forEach(OpenApiContract::absoluteRefs);
        }
        return node;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names.toString();
    }
}
