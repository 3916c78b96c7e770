package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final BenchOptions DEFAULTS = new BenchOptions(3, 100, 1, 64, 30, 10);

    @Test
    void theDefaultsAndTheBenchmarkedShapesAreValid() {
        assertSame(DEFAULTS, DEFAULTS.validate());
        new BenchOptions(3, 1024, 10, 64, 30, 20).validate();
        new BenchOptions(1, 1, 1, 1, 0, 1).validate();
    }

    @Test
    void eachOutOfRangeOptionIsNamedWithWhatIsAllowed() {
        assertEquals("--voters must be between 1 and 9, got 0", refusal(new BenchOptions(0, 100, 1, 64, 30, 10)));
        assertEquals("--voters must be between 1 and 9, got 10", refusal(new BenchOptions(10, 100, 1, 64, 30, 10)));
        assertTrue(refusal(new BenchOptions(3, 0, 1, 64, 30, 10)).startsWith("--record-size must be between 1 and "));
        assertTrue(refusal(new BenchOptions(3, -5, 1, 64, 30, 10)).startsWith("--record-size must be between 1 and "));
        assertTrue(refusal(new BenchOptions(3, 100, 0, 64, 30, 10)).startsWith("--batch must be between 1 and "));
        assertTrue(refusal(new BenchOptions(3, 100, 1, 0, 30, 10)).startsWith("--outstanding must be between 1 and "));
        assertEquals("--warmup must be between 0 and 3600, got -1", refusal(new BenchOptions(3, 100, 1, 64, -1, 10)));
        assertEquals("--duration must be between 1 and 3600, got 0", refusal(new BenchOptions(3, 100, 1, 64, 30, 0)));
    }

    @Test
    void anAppendMustFitInOneBatchAndTheLoadInTheLeadersAccumulator() {
        String tooBig = refusal(new BenchOptions(3, 1 << 20, 1, 1, 30, 10));
        assertTrue(tooBig.contains("more than one batch holds"), tooBig);
        String tooMuchInFlight = refusal(new BenchOptions(3, 100_000, 10, 64, 30, 10));
        assertTrue(tooMuchInFlight.contains("exceed what the leader holds uncommitted"), tooMuchInFlight);
    }

    private static String refusal(BenchOptions options) {
        return assertThrows(IllegalArgumentException.class, options::validate).getMessage();
    }
}
