package dev.voting.shared.vote;

import dev.voting.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VoteCodecTest {
    private final VoteCodec codec = new VoteCodec(Json.newMapper());

    private static Vote vote(String voter) {
        return new Vote(UUID.randomUUID(), 7, 21, voter, Instant.parse("2026-11-29T10:15:30.123456Z"), "10.0.0.1", null);
    }

    @Test
    void oneVoteTravelsAloneAndComesBackEqual() throws Exception {
        Vote vote = vote("alice");
        VoteCodec.Encoded encoded = codec.encode(List.of(vote));
        assertEquals(VoteCodec.TYPE_VOTE, encoded.type());
        assertEquals(List.of(vote), codec.decode(encoded.type(), encoded.body()));
        String json = new String(encoded.body(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"acceptedAt\":\"2026-11-29T10:15:30.123456Z\""), json);
    }

    @Test
    void severalVotesShareOneBatchMessage() throws Exception {
        List<Vote> votes = List.of(vote("a"), vote("b"), vote("c"));
        VoteCodec.Encoded encoded = codec.encode(votes);
        assertEquals(VoteCodec.TYPE_BATCH, encoded.type());
        assertEquals(votes, codec.decode(encoded.type(), encoded.body()));
    }

    @Test
    void withoutATypeTheBodyShapeDecides() throws Exception {
        List<Vote> votes = List.of(vote("a"), vote("b"));
        assertEquals(votes, codec.decode(null, codec.encode(votes).body()));
        assertEquals(List.of(votes.getFirst()), codec.decode(null, codec.encode(List.of(votes.getFirst())).body()));
    }

    @Test
    void messagesThatAreNotVotesAreUnreadable() {
        String valid = "\"voteId\":\"" + UUID.randomUUID() + "\",\"pollId\":1,\"candidateId\":2,\"acceptedAt\":\"2026-01-01T00:00:00Z\"";
        List<String> bodies = List.of(
                "not json",
                "{\"votes\":[]}",
                "{" + valid + "}",                                   // no voterId
                "{" + valid + ",\"voterId\":\"\"}",                   // empty voterId
                "{" + valid + ",\"voterId\":\"a\\u0000b\"}",          // control character
                "{" + valid + ",\"voterId\":\"a\\ud800b\"}",          // unpaired surrogate
                "{" + valid + ",\"voterId\":\"x\",\"extra\":1}",       // unknown field
                "{" + valid.replace("\"pollId\":1", "\"pollId\":\"1\"") + ",\"voterId\":\"x\"}",  // string for a number
                "{" + valid.replace("\"pollId\":1", "\"pollId\":-1") + ",\"voterId\":\"x\"}");
        for (String body : bodies) {
            assertThrows(UnreadableMessageException.class, () -> codec.decode(null, body.getBytes(StandardCharsets.UTF_8)), body);
        }
        assertThrows(UnreadableMessageException.class, () -> codec.decode("something-else", "{}".getBytes(StandardCharsets.UTF_8)));
    }
}
