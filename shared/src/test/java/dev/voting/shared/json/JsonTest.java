package dev.voting.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    record Body(Long id, String name) {
    }

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void wellFormedInputIsRead() throws Exception {
        assertEquals(new Body(5L, "x"), mapper.readValue("{\"id\":5,\"name\":\"x\"}", Body.class));
    }

    @Test
    void ambiguousOrSloppyInputIsRefused() {
        for (String json : new String[] {
                "{\"id\":5,\"id\":6}",           // duplicate key: which one did the client mean?
                "{\"id\":\"5\"}",                // a string for a number
                "{\"id\":5.5}",                  // a fraction for a whole number
                "{\"id\":1e3}",                  // exponent notation for a whole number
                "{\"name\":5}",                  // a number for a string
                "{\"id\":5,\"other\":1}",        // unknown field
                "{\"id\":5} {\"id\":6}",         // trailing content
                "{\"id\":99999999999999999999}", // beyond a long
                "{/*c*/\"id\":5}"                // comments
        }) {
            assertThrows(JsonProcessingException.class, () -> mapper.readValue(json, Body.class), json);
        }
    }
}
