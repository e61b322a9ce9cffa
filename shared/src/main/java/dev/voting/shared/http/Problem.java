package dev.voting.shared.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem document. {@code type} is a stable URI reference that clients switch on
 * ({@code /problems/already_voted}, {@code /problems/invalid_token}, ...; each is listed in
 * docs/problems.md); {@code instance} is the request id, as in the {@code X-Request-Id} header and
 * the logs; {@code extra} adds members such as the original {@code voteId} of a repeated vote.
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "instance"})
public record Problem(String type, String title, int status, String detail, String instance, Map<String, Object> extra) {

    public static final String CONTENT_TYPE = "application/problem+json";
    /** Every type is this prefix and a slug; relative, so it resolves against the API's own address. */
    public static final String TYPE_PREFIX = "/problems/";

    @JsonAnyGetter
    public Map<String, Object> extra() {
        return extra;
    }

    /** This problem as it happened in the request {@code requestId}. */
    public Problem at(String requestId) {
        return new Problem(type, title, status, detail, requestId, extra);
    }

    /** This problem with one more member. */
    Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extra);  // ordered: members appear as they were added
        more.put(member, value);
        return new Problem(type, title, status, detail, instance, more);
    }
}
