package dev.voting.shared.amqp;

import dev.voting.shared.config.Config;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class VoteQueueTest {
    private static Config.Rabbit rabbit(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("JWT_SECRET_KEY", "a-secret-of-more-than-32-bytes-000000"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Config.from(env).rabbit();
    }

    @Test
    void voteQueueAndDeadLettersAreReplicatedOnThreeNodesByDefault() {
        assertEquals(3, VoteQueue.arguments(rabbit()).get("x-quorum-initial-group-size"));
        assertEquals(3, VoteQueue.deadLetterArguments(rabbit()).get("x-quorum-initial-group-size"));
        assertEquals("quorum", VoteQueue.deadLetterArguments(rabbit()).get("x-queue-type"));
    }

    @Test
    void quorumSizeIsConfigurableAndZeroLeavesItToTheBroker() {
        assertEquals(5, VoteQueue.arguments(rabbit("RABBITMQ_QUORUM_SIZE", "5")).get("x-quorum-initial-group-size"));
        assertFalse(VoteQueue.arguments(rabbit("RABBITMQ_QUORUM_SIZE", "0")).containsKey("x-quorum-initial-group-size"));
    }
}
