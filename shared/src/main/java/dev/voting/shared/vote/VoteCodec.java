package dev.voting.shared.vote;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire format of votes on the queue: one vote ({@code type=vote}) or, when the API groups
 * concurrent votes under one publisher confirm, {@code {"votes":[...]}} ({@code type=vote-batch}).
 * The AMQP {@code type} property says which; without it the body's shape decides.
 */
public final class VoteCodec {
    public static final String CONTENT_TYPE = "application/json";
    public static final String TYPE_VOTE = "vote";
    public static final String TYPE_BATCH = "vote-batch";

    /** The body of a batch message. */
    public record Batch(List<Vote> votes) {
    }

    public record Encoded(String type, byte[] body) {
    }

    private final ObjectMapper mapper;
    // Messages come from our own API, not from clients: the duplicate-key check that guards requests
    // costs a hash lookup per field here and protects nothing a producer with queue access could not bypass.
    private final ObjectReader voteReader;
    private final ObjectReader batchReader;

    public VoteCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.voteReader = mapper.readerFor(Vote.class).without(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        this.batchReader = mapper.readerFor(Batch.class).without(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    public Encoded encode(List<Vote> votes) {
        return encodeJson(votes.stream().map(this::toJson).toList());
    }

    /** One vote as JSON: the API writes each vote once, for Redis's pending record and for the message. */
    public String toJson(Vote vote) {
        try {
            return mapper.writeValueAsString(vote);
        } catch (JacksonException e) {
            throw new UncheckedIOException("a vote could not be serialised", e);
        }
    }

    /** A message carrying votes already written by {@link #toJson}: alone, or inside a batch. */
    public Encoded encodeJson(List<String> votes) {
        if (votes.size() == 1) {
            return new Encoded(TYPE_VOTE, votes.getFirst().getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(votes.size() * 256);
        try (JsonGenerator batch = mapper.createGenerator(body)) {
            batch.writeStartObject();
            batch.writeArrayFieldStart("votes");
            for (String vote : votes) {
                batch.writeRawValue(vote);
            }
            batch.writeEndArray();
            batch.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a vote batch could not be serialised", e);
        }
        return new Encoded(TYPE_BATCH, body.toByteArray());
    }

    public List<Vote> decode(String type, byte[] body) throws UnreadableMessageException {
        List<Vote> votes;
        try {
            votes = switch (type == null ? sniff(body) : type) {
                case TYPE_VOTE -> List.of(voteReader.<Vote>readValue(body));
                case TYPE_BATCH -> batchReader.<Batch>readValue(body).votes();
                default -> throw new UnreadableMessageException("unknown message type '" + type + "'");
            };
        } catch (IOException e) {
            throw new UnreadableMessageException("not a vote message: " + firstLine(e.getMessage()), e);
        }
        if (votes == null || votes.isEmpty()) {
            throw new UnreadableMessageException("the batch holds no votes");
        }
        for (Vote vote : votes) {
            if (vote == null) {
                throw new UnreadableMessageException("the batch holds a null vote");
            }
            String problem = vote.shapeProblem();
            if (problem != null) {
                throw new UnreadableMessageException("malformed vote " + vote.voteId() + ": " + problem);
            }
        }
        return votes;
    }

    private String sniff(byte[] body) throws IOException {
        JsonNode tree = mapper.readTree(body);
        return tree != null && tree.has("votes") ? TYPE_BATCH : TYPE_VOTE;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
