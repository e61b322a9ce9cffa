package dev.voting.api.web;

import dev.voting.api.http.Call;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Files shipped in the jar: the OpenAPI document, the live results page ({@code /}, {@code /static/*}),
 * the ballot page ({@code /vote/{pollId}}) and Swagger UI ({@code /docs}, {@code /docs/*}) from the swagger-ui webjar, with our own
 * initializer. Every file is named in a fixed list and read once at start-up, so a request names a
 * key in a map, never a path: there is nothing to traverse, and a missing file stops the start.
 */
public final class StaticHandlers {
    private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";
    /** The webjar's files the docs page uses; our docs.html and initializer replace its index and demo spec. */
    private static final List<String> SWAGGER_FILES = List.of(
            "swagger-ui.css", "swagger-ui-bundle.js", "index.css", "favicon-32x32.png", "favicon-16x16.png");
    private static final List<String> SITE_FILES = List.of("app.js", "vote.js", "app.css", "favicon.svg");
    private static final String REVALIDATE = "no-cache";
    private static final String LONG_LIVED = "public, max-age=86400";
    /** The pages load nothing but their own files and talk to nothing but this API. */
    private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private record Asset(String contentType, byte[] bytes, String cacheControl) {
        Response response() {
            return Response.bytes(200, contentType, bytes).withHeader("Cache-Control", cacheControl)
                    .withHeader("X-Content-Type-Options", "nosniff");
        }
    }

    private final Asset openApi = new Asset("application/yaml; charset=utf-8", resource("/openapi.yaml"), REVALIDATE);
    private final Asset index = new Asset("text/html; charset=utf-8", resource("/web/index.html"), REVALIDATE);
    private final Asset ballot = new Asset("text/html; charset=utf-8", resource("/web/vote.html"), REVALIDATE);
    private final Asset docsPage = new Asset("text/html; charset=utf-8", resource("/web/docs.html"), REVALIDATE);
    private final Map<String, Asset> site = new HashMap<>();
    private final Map<String, Asset> docs = new HashMap<>();

    public StaticHandlers() {
        for (String file : SITE_FILES) {
            site.put(file, new Asset(contentType(file), resource("/web/" + file), REVALIDATE));
        }
        String swaggerRoot = WEBJAR + webjarVersion() + "/";
        for (String file : SWAGGER_FILES) {
            docs.put(file, new Asset(contentType(file), resource(swaggerRoot + file), LONG_LIVED));
        }
        docs.put("swagger-initializer.js", new Asset(contentType(".js"), resource("/web/swagger-initializer.js"), REVALIDATE));
    }

    public Response openApi(Call call) {
        return openApi.response();
    }

    /** {@code GET /}: the live results page. */
    public Response index(Call call) {
        return index.response().withHeader("Content-Security-Policy", PAGE_POLICY);
    }

    /** {@code GET /vote/{pollId}}: the ballot page; its script reads the poll and says whether it exists. */
    public Response ballot(Call call) {
        call.pathId("pollId", "poll");
        return ballot.response().withHeader("Content-Security-Policy", PAGE_POLICY);
    }

    /** {@code GET /static/{file}}: the page's script, style and icon. */
    public Response site(Call call) {
        return find(site, call.pathParam("file"));
    }

    /** {@code GET /docs}: Swagger UI on {@code /openapi.yaml}. */
    public Response docsPage(Call call) {
        return docsPage.response();
    }

    /** {@code GET /docs/}: the docs page has one address, so that relative links and bookmarks agree. */
    public Response docsSlash(Call call) {
        return Response.empty(301).withHeader("Location", "/docs");
    }

    /** {@code GET /docs/{file}}: Swagger UI's own files. */
    public Response docsAsset(Call call) {
        return find(docs, call.pathParam("file"));
    }

    private static Response find(Map<String, Asset> files, String name) {
        Asset asset = files.get(name);
        if (asset == null) {
            throw ProblemException.notFound("no such file");
        }
        return asset.response();
    }

    private static String contentType(String file) {
        String extension = file.substring(file.lastIndexOf('.') + 1);
        return switch (extension) {
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> throw new IllegalArgumentException("no content type for " + file);
        };
    }

    /** The webjar says its own version, so that upgrading it is a pom change only. */
    private static String webjarVersion() {
        Properties properties = new Properties();
        try (InputStream in = StaticHandlers.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String path) {
        try (InputStream in = StaticHandlers.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
