package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {
    @Test
    void readsNumbersBooleansAndStringsInOrder() {
        Map<String, String> fields = FlatJson.parse("{\"a\":1.5,\"b\":-2,\"c\":true,\"d\":\"x\\u0041\\\"\"}");
        assertEquals(Map.of("a", "1.5", "b", "-2", "c", "true", "d", "xA\""), fields);
        assertEquals("[a, b, c, d]", fields.keySet().toString());
        assertEquals(Map.of(), FlatJson.parse("{}"));
    }

    @Test
    void stringsRoundTripThroughTheirEscapes() {
        StringBuilder json = new StringBuilder("{\"k\":");
        FlatJson.appendString(json, "tab\there \"quoted\" back\\slash \u0001");
        json.append('}');
        assertEquals("tab\there \"quoted\" back\\slash \u0001", FlatJson.parse(json.toString()).get("k"));
    }

    @Test
    void refusesWhatIsNotAFlatObject() {
        for (String bad : new String[] {"", "[1]", "{\"a\":1", "{\"a\":[1]}", "{\"a\":null}", "{\"a\":1}x",
                "{\"a\":1,\"a\":2}", "{\"a\":tru}", "{a:1}"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> FlatJson.parse(bad),
                    bad);
            assertTrue(refused.getMessage().startsWith("not a bench result: "), refused.getMessage());
        }
    }
}
