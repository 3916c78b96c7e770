package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kafka's defaults, the derived periods, and refusal of limits that make no sense. */
class RaftConfigTest {
    /** DEFAULT with one component replaced, so each test names the field it changes. */
    private static RaftConfig defaultWith(String component, int value) {
        RecordComponent[] components = RaftConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getAccessor().invoke(RaftConfig.DEFAULT);
                if (components[i].getName().equals(component)) {
                    values[i] = value;
                    found = true;
                }
            }
            if (!found) {
                throw new AssertionError("RaftConfig has no component " + component);
            }
            return RaftConfig.class.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void defaultsAreKafkas() {
        RaftConfig config = RaftConfig.DEFAULT;
        assertEquals(1000, config.electionTimeoutMs(), "controller.quorum.election.timeout.ms");
        assertEquals(2000, config.fetchTimeoutMs(), "controller.quorum.fetch.timeout.ms");
        assertEquals(1000, config.electionBackoffMaxMs(), "controller.quorum.election.backoff.max.ms");
        assertEquals(20, config.retryBackoffMs(), "controller.quorum.retry.backoff.ms");
        assertEquals(25, config.appendLingerMs(), "controller.quorum.append.linger.ms");
        assertEquals(2000, config.requestTimeoutMs(), "controller.quorum.request.timeout.ms");
    }

    @Test
    void checkQuorumIsOneAndAHalfFetchTimeouts() {
        assertEquals(3000, RaftConfig.DEFAULT.checkQuorumTimeoutMs());
        assertEquals(1500, defaultWith("fetchTimeoutMs", 1000).checkQuorumTimeoutMs());
        // Computed in long arithmetic, so a large timeout does not overflow.
        assertEquals(3L * Integer.MAX_VALUE / 2, defaultWith("fetchTimeoutMs", Integer.MAX_VALUE).checkQuorumTimeoutMs());
    }

    @Test
    void beginQuorumEpochIsResentAQuarterFetchTimeoutButNotFasterThanTheRetryBackoff() {
        assertEquals(500, RaftConfig.DEFAULT.beginQuorumEpochResendMs());
        assertEquals(900, defaultWith("retryBackoffMs", 900).beginQuorumEpochResendMs());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "electionTimeoutMs, 0, controller.quorum.election.timeout.ms",
        "fetchTimeoutMs, -1, controller.quorum.fetch.timeout.ms",
        "electionBackoffMaxMs, 0, controller.quorum.election.backoff.max.ms",
        "retryBackoffMs, 0, controller.quorum.retry.backoff.ms",
        "appendLingerMs, -1, controller.quorum.append.linger.ms",
        "requestTimeoutMs, 0, controller.quorum.request.timeout.ms",
        "fetchMaxWaitMs, -1, fetchMaxWaitMs",
        "fetchMaxBytes, 0, fetchMaxBytes",
        "batchMaxBytes, 0, batchMaxBytes",
        "snapshotChunkMaxBytes, 0, snapshotChunkMaxBytes",
        "maxObservers, 0, maxObservers",
        "maxBatchesPerDelivery, 0, maxBatchesPerDelivery",
    })
    void outOfRangeLimitIsRefusedByName(String component, int value, String nameInMessage) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> defaultWith(component, value));
        assertTrue(error.getMessage().contains(nameInMessage), error.getMessage());
    }

    @Test
    void zeroLingerAndZeroFetchWaitAreAllowed() {
        assertDoesNotThrow(() -> defaultWith("appendLingerMs", 0));
        assertDoesNotThrow(() -> defaultWith("fetchMaxWaitMs", 0));
    }

    @Test
    void accumulatorMustHoldAtLeastOneBatch() {
        int batchMaxBytes = RaftConfig.DEFAULT.batchMaxBytes();
        assertDoesNotThrow(() -> defaultWith("accumulatorMaxBytes", batchMaxBytes));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> defaultWith("accumulatorMaxBytes", batchMaxBytes - 1));
        assertTrue(error.getMessage().contains("accumulatorMaxBytes"), error.getMessage());
    }

    @Test
    void longPollMustEndBeforeTheRequestTimesOut() {
        int requestTimeoutMs = RaftConfig.DEFAULT.requestTimeoutMs();
        assertDoesNotThrow(() -> defaultWith("fetchMaxWaitMs", requestTimeoutMs - 1));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> defaultWith("fetchMaxWaitMs", requestTimeoutMs));
        assertTrue(error.getMessage().contains("request.timeout"), error.getMessage());
    }
}
