package dev.voting.api.web;

import dev.voting.api.http.Call;
import dev.voting.api.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Files shipped in the jar: the OpenAPI document. */
public final class StaticHandlers {
    private final byte[] openApi = resource("/openapi.yaml");

    public Response openApi(Call call) {
        return Response.bytes(200, "application/yaml; charset=utf-8", openApi);
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
