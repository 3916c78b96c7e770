package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class BenchResultTest {
    private static final BenchOptions OPTIONS = new BenchOptions(3, 100, 10, 64, 30, 20);
    private static final String JSON = "{\"records_per_sec\":12345.7,\"mb_per_sec\":1.235,\"p50_ms\":4.100,"
            + "\"p99_ms\":9.875,\"p999_ms\":12.001,\"voters\":3,\"record_size\":100,\"batch\":10,\"outstanding\":64,"
            + "\"warmup_s\":30,\"duration_s\":20,\"fsync\":true,\"errors\":2}";

    @Test
    void writesOneFlatObjectWithTheKeysInTheirFixedOrder() {
        BenchResult result = new BenchResult(12345.67, 1.234567, 4.1, 9.8754, 12.0009, OPTIONS, 2, null);
        assertEquals(JSON, result.toJson());
    }

    @Test
    void numbersKeepADecimalPointWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertEquals(JSON, new BenchResult(12345.67, 1.234567, 4.1, 9.8754, 12.0009, OPTIONS, 2, null).toJson());
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void aFailedRunCarriesItsReasonEscaped() {
        BenchResult failed = new BenchResult(0, 0, 0, 0, 0, OPTIONS, 5, "moved \"away\"\\\n");
        String json = failed.toJson();
        assertEquals(JSON.replace("12345.7", "0.0").replace("1.235", "0.000").replace("4.100", "0.000")
                .replace("9.875", "0.000").replace("12.001", "0.000").replace("\"errors\":2}", "\"errors\":5,")
                + "\"failure\":\"moved \\\"away\\\"\\\\\\n\"}", json);
        assertEquals(failed, BenchResult.parse(json));
    }

    @Test
    void parseReadsBackWhatToJsonWrote() {
        BenchResult parsed = BenchResult.parse(JSON + "\n");
        assertEquals(12345.7, parsed.recordsPerSec());
        assertEquals(12.001, parsed.p999Ms());
        assertEquals(OPTIONS, parsed.options());
        assertEquals(2, parsed.errors());
        assertNull(parsed.failure());
        assertEquals(JSON, parsed.toJson());
    }
}
