package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ControllerBenchOptionsTest {
    private static final ControllerBenchOptions DEFAULTS = new ControllerBenchOptions(10, 100_000, 3);

    @Test
    void theDefaultsAndTheSmallestRunAreValid() {
        assertSame(DEFAULTS, DEFAULTS.validate());
        new ControllerBenchOptions(1, 1, 1).validate();
        assertEquals(100, DEFAULTS.topics());
        assertEquals(3, new ControllerBenchOptions(3, 2001, 3).topics());
    }

    @Test
    void eachOutOfRangeOptionIsNamedWithWhatIsAllowed() {
        assertEquals("--brokers must be between 1 and 1000, got 0", refusal(new ControllerBenchOptions(0, 10, 1)));
        assertEquals("--brokers must be between 1 and 1000, got 1001", refusal(new ControllerBenchOptions(1001, 10, 1)));
        assertEquals("--partitions must be between 1 and 2000000, got 0", refusal(new ControllerBenchOptions(3, 0, 1)));
        assertEquals("--replication-factor must be between 1 and 3 (at most --brokers), got 4",
                refusal(new ControllerBenchOptions(3, 10, 4)));
        assertEquals("--replication-factor must be between 1 and 3 (at most --brokers), got 0",
                refusal(new ControllerBenchOptions(3, 10, 0)));
    }

    private static String refusal(ControllerBenchOptions options) {
        return assertThrows(IllegalArgumentException.class, options::validate).getMessage();
    }
}
