package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader-change record round-trips, and anything else is refused with a clear message. */
class ControlRecordsTest {
    @Test
    void leaderChangeRoundTrips() {
        byte[] record = ControlRecords.leaderChange(3, List.of(1, 2, 3));
        assertEquals(new ControlRecords.LeaderChange(3, List.of(1, 2, 3)), ControlRecords.parseLeaderChange(record));
    }

    @Test
    void voterOrderIsKept() {
        byte[] record = ControlRecords.leaderChange(7, List.of(9, 4, 7));
        assertEquals(List.of(9, 4, 7), ControlRecords.parseLeaderChange(record).voters());
    }

    @Test
    void emptyVoterListRoundTrips() {
        byte[] record = ControlRecords.leaderChange(1, List.of());
        assertEquals(9, record.length, "type, leader id and count");
        assertEquals(new ControlRecords.LeaderChange(1, List.of()), ControlRecords.parseLeaderChange(record));
    }

    @Test
    void aUserRecordIsNotALeaderChange() {
        byte[] record = ControlRecords.leaderChange(3, List.of(1, 2, 3));
        record[0] = 42;
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ControlRecords.parseLeaderChange(record));
        assertTrue(error.getMessage().contains("not a leader-change"), error.getMessage());
    }

    @Test
    void tooShortIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ControlRecords.parseLeaderChange(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ControlRecords.parseLeaderChange(new byte[] {1, 0, 0, 0, 3}));
    }

    @Test
    void voterCountMustMatchTheLength() {
        byte[] record = ControlRecords.leaderChange(3, List.of(1, 2, 3));
        byte[] truncated = Arrays.copyOf(record, record.length - 4);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ControlRecords.parseLeaderChange(truncated));
        assertTrue(error.getMessage().contains("voter count"), error.getMessage());
        byte[] padded = Arrays.copyOf(record, record.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ControlRecords.parseLeaderChange(padded));
    }

    @Test
    void negativeVoterCountIsRefused() {
        byte[] record = ByteBuffer.allocate(9).put((byte) 1).putInt(3).putInt(-1).array();
        assertThrows(IllegalArgumentException.class, () -> ControlRecords.parseLeaderChange(record));
    }

    @Test
    void hugeVoterCountIsRefused() {
        // 0x40000001 * 4 overflows to 4, which matches the one voter that follows, so the parser
        // allocates a list of a billion entries and then underflows the buffer instead of
        // refusing the record as malformed. Enabled, this test dies with OutOfMemoryError at -Xmx2g.
        byte[] record = ByteBuffer.allocate(13).put((byte) 1).putInt(3).putInt(0x40000001).putInt(2).array();
        assertThrows(IllegalArgumentException.class, () -> ControlRecords.parseLeaderChange(record));
    }
}
