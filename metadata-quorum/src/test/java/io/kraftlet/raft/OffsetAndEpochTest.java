package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Raft "at least as up to date" order: the later epoch wins, then the longer log. */
class OffsetAndEpochTest {
    @Test
    void laterEpochWinsWhateverTheOffset() {
        assertTrue(new OffsetAndEpoch(5, 3).compareTo(new OffsetAndEpoch(500, 2)) > 0);
        assertTrue(new OffsetAndEpoch(500, 2).compareTo(new OffsetAndEpoch(5, 3)) < 0);
    }

    @Test
    void sameEpochComparesOffsets() {
        assertTrue(new OffsetAndEpoch(10, 3).compareTo(new OffsetAndEpoch(9, 3)) > 0);
        assertTrue(new OffsetAndEpoch(9, 3).compareTo(new OffsetAndEpoch(10, 3)) < 0);
        assertEquals(0, new OffsetAndEpoch(10, 3).compareTo(new OffsetAndEpoch(10, 3)));
    }

    @Test
    void unknownEpochSortsBeforeAnEmptyLog() {
        assertTrue(new OffsetAndEpoch(100, -1).compareTo(new OffsetAndEpoch(0, 0)) < 0);
    }

    @Test
    void orderIsConsistentWithEquals() {
        assertEquals(new OffsetAndEpoch(7, 2), new OffsetAndEpoch(7, 2));
        assertNotEquals(new OffsetAndEpoch(7, 2), new OffsetAndEpoch(7, 3));
        assertNotEquals(new OffsetAndEpoch(7, 2), new OffsetAndEpoch(8, 2));
    }

    @Test
    void sortsByEpochThenOffset() {
        List<OffsetAndEpoch> positions = new ArrayList<>(List.of(new OffsetAndEpoch(3, 2), new OffsetAndEpoch(50, 1),
                new OffsetAndEpoch(1, 2), new OffsetAndEpoch(0, 0), new OffsetAndEpoch(9, 4)));
        positions.sort(null);
        assertEquals(List.of(new OffsetAndEpoch(0, 0), new OffsetAndEpoch(50, 1), new OffsetAndEpoch(1, 2),
                new OffsetAndEpoch(3, 2), new OffsetAndEpoch(9, 4)), positions);
    }
}
