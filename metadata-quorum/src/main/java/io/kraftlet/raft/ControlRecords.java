package io.kraftlet.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Encodes the control records the core writes into the log itself. The leader-change record
 * opens every epoch: a new leader appends it before any user record, and the leader commits a
 * record of its own epoch first, so this is the record that makes the epoch's history
 * committed.
 */
public final class ControlRecords {
    private static final byte LEADER_CHANGE = 1;

    private ControlRecords() {
    }

    /** The decoded content of a leader-change control record. */
    public record LeaderChange(int leaderId, List<Integer> voters) {
    }

    public static byte[] leaderChange(int leaderId, Collection<Integer> voters) {
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 4 + 4 * voters.size());
        buffer.put(LEADER_CHANGE).putInt(leaderId).putInt(voters.size());
        voters.forEach(buffer::putInt);
        return buffer.array();
    }

    /** Decodes a leader-change record; throws IllegalArgumentException naming what is wrong. */
    public static LeaderChange parseLeaderChange(byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        if (buffer.remaining() < 9 || buffer.get() != LEADER_CHANGE) {
            throw new IllegalArgumentException("not a leader-change control record (" + record.length + " bytes)");
        }
        int leaderId = buffer.getInt();
        int count = buffer.getInt();
        if (count < 0 || (long) count * 4 != buffer.remaining()) {
            throw new IllegalArgumentException("leader-change record voter count " + count + " does not match its length");
        }
        List<Integer> voters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            voters.add(buffer.getInt());
        }
        return new LeaderChange(leaderId, List.copyOf(voters));
    }
}
