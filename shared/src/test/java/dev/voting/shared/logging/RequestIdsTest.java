package dev.voting.shared.logging;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {

    @Test
    void shortSafeIdsFromClientsAreKept() {
        assertEquals("abc-123_X.y:z", RequestIds.acceptOrGenerate("abc-123_X.y:z"));
        assertEquals("a".repeat(64), RequestIds.acceptOrGenerate("a".repeat(64)));
    }

    @Test
    void idsThatCouldBreakOrForgeLogLinesAreReplaced() {
        for (String bad : new String[] {null, "", "a".repeat(65), "line\nbreak", "quote\"", "space d", "ünï", "a{b}", "$(x)"}) {
            assertFalse(RequestIds.isValid(bad), bad);
            String replaced = RequestIds.acceptOrGenerate(bad);
            assertTrue(RequestIds.isValid(replaced), replaced);
            assertTrue(replaced.matches("[0-9a-f]{16}"), replaced);
        }
    }

    @Test
    void generatedIdsAreSixteenHexDigitsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertTrue(id.matches("[0-9a-f]{16}"), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
