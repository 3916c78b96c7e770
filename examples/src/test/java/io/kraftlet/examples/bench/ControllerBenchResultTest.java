package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class ControllerBenchResultTest {
    private static final String JSON = "{\"create_partitions_ms\":3346.7,\"image_bytes_per_partition\":148.3,"
            + "\"snapshot_bytes\":3991198,\"snapshot_load_ms\":53.3,\"failover_partitions\":10000,\"failover_ms\":656.3}";
    private static final ControllerBenchResult RESULT = new ControllerBenchResult(3346.66, 148.25, 3_991_198, 53.286,
            10_000, 656.31);

    @Test
    void writesOneFlatObjectWithTheKeysInTheirFixedOrder() {
        assertEquals(JSON, RESULT.toJson());
    }

    @Test
    void numbersKeepADecimalPointWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertEquals(JSON, RESULT.toJson());
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void parseReadsBackWhatToJsonWrote() {
        ControllerBenchResult parsed = ControllerBenchResult.parse(JSON + "\n");
        assertEquals(new ControllerBenchResult(3346.7, 148.3, 3_991_198, 53.3, 10_000, 656.3), parsed);
        assertEquals(JSON, parsed.toJson());
    }

    @Test
    void aMissingFieldIsNamed() {
        String json = JSON.replace(",\"failover_ms\":656.3", "");
        assertEquals("the controller bench result has no \"failover_ms\"",
                assertThrows(IllegalArgumentException.class, () -> ControllerBenchResult.parse(json)).getMessage());
    }
}
