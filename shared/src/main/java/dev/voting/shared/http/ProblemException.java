package dev.voting.shared.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal that becomes a problem response. Handlers throw these; each server's one outer wrapper
 * (the API's router, {@link OpsServer}) turns them into responses with {@link #response}. The static
 * factories are the catalogue of refusals.
 */
public final class ProblemException extends RuntimeException {
    private final Problem problem;
    private final Map<String, String> headers;
    private final boolean shed;

    private ProblemException(Problem problem, Map<String, String> headers, boolean shed) {
        super(problem.type() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = headers;
        this.shed = shed;
    }

    /** A problem of type {@code /problems/<slug>}. */
    public static ProblemException of(int status, String slug, String title, String detail) {
        return new ProblemException(new Problem(Problem.TYPE_PREFIX + slug, title, status, detail, null, Map.of()), Map.of(), false);
    }

    public static ProblemException malformed(String detail) {
        return of(400, "malformed_request", "Malformed request", detail);
    }

    public static ProblemException invalidToken(String detail) {
        return of(401, "invalid_token", "Invalid or missing token", detail)
                .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    public static ProblemException forbidden(String detail) {
        return of(403, "forbidden", "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return of(404, "not_found", "Not found", detail);
    }

    public static ProblemException methodNotAllowed(String allowed) {
        return of(405, "method_not_allowed", "Method not allowed", "allowed: " + allowed).withHeader("Allow", allowed);
    }

    public static ProblemException tooLarge(long limit) {
        return of(413, "payload_too_large", "Payload too large", "the body must not exceed " + limit + " bytes")
                .withHeader("Connection", "close");
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return of(415, "unsupported_media_type", "Unsupported media type", detail);
    }

    public static ProblemException invalidFields(String detail) {
        return of(422, "invalid_fields", "Invalid fields", detail);
    }

    public static ProblemException rateLimited(Duration retryAfter, String detail) {
        return of(429, "rate_limited", "Too many requests", detail).withHeader("Retry-After", seconds(retryAfter));
    }

    public static ProblemException unavailable(Duration retryAfter, String detail) {
        return of(503, "service_unavailable", "Service unavailable", detail).withHeader("Retry-After", seconds(retryAfter));
    }

    /**
     * A 503 by choice: the server is at a limit it sets itself (votes in flight, results viewers) and
     * turns the request away at once. Counted apart from errors ({@code shed="true"} on the request metrics).
     */
    public static ProblemException shed(Duration retryAfter, String detail) {
        ProblemException unavailable = unavailable(retryAfter, detail);
        return new ProblemException(unavailable.problem, unavailable.headers, true);
    }

    /** The vote may or may not be recorded: the server cannot tell yet, and the retry will. */
    public static ProblemException outcomeUnknown(Duration retryAfter, String detail) {
        return of(503, "outcome_unknown", "Outcome unknown", detail).withHeader("Retry-After", seconds(retryAfter));
    }

    public ProblemException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ProblemException(problem, Map.copyOf(more), shed);
    }

    public ProblemException with(String member, Object value) {
        return new ProblemException(problem.with(member, value), headers, shed);
    }

    /** The problem response, its {@code instance} the request id (null where requests have none). */
    public Response response(String requestId) {
        return new Response(problem.status(), problem.at(requestId), Problem.CONTENT_TYPE, headers);
    }

    public Problem problem() {
        return problem;
    }

    /** True for a deliberate 503 that sheds load, which is not an error of the service. */
    public boolean shed() {
        return shed;
    }

    private static String seconds(Duration duration) {
        return Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000));
    }
}
