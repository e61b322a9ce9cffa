package dev.voting.api.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * An RFC 9457 problem document. {@code type} is a stable slug that clients switch on
 * ({@code already_voted}, {@code invalid_token}, ...); {@code extra} adds members such as the
 * original {@code voteId} of a repeated vote.
 */
@JsonPropertyOrder({"type", "title", "status", "detail"})
public record Problem(String type, String title, int status, String detail, Map<String, Object> extra) {

    public static final String CONTENT_TYPE = "application/problem+json";

    @JsonAnyGetter
    public Map<String, Object> extra() {
        return extra;
    }
}
