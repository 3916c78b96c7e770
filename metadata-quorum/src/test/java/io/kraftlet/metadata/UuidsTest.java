package io.kraftlet.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidsTest {
    @Test
    void kafkaStyleIdsRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            String text = Uuids.toKafkaString(id);
            assertEquals(22, text.length(), text);
            assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
            assertEquals(id, Uuids.fromKafkaString(text));
        }
    }

    @Test
    void malformedIdsNameTheInput() {
        for (String bad : new String[] {"", "abc", "!!!!!!!!!!!!!!!!!!!!!!", "AAAAAAAAAAAAAAAAAAAAAAAA"}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Uuids.fromKafkaString(bad));
            assertTrue(error.getMessage().contains("'" + bad + "'"), error.getMessage());
        }
    }
}
