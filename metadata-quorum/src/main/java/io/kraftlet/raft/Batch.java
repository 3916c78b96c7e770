package io.kraftlet.raft;

import java.util.List;
import java.util.Objects;

/**
 * A batch of records as it sits in the replicated log: the unit of append, replication,
 * truncation and delivery. Offsets {@code baseOffset .. baseOffset + records.size() - 1}
 * belong to it. Control batches (leader change, snapshot markers) are replicated like any
 * other batch but are not handed to listeners as data.
 *
 * <p>Record payloads are opaque bytes owned by the state machine; nobody mutates the arrays.
 */
public record Batch(long baseOffset, int epoch, long appendTimeMs, boolean control, List<byte[]> records) {
    /** Framing bytes counted per batch and per record when sizing fetches and accumulators. */
    public static final int BATCH_OVERHEAD_BYTES = 40;
    public static final int RECORD_OVERHEAD_BYTES = 8;

    public Batch {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        if (baseOffset < 0 || epoch < 0) {
            throw new IllegalArgumentException("bad batch position " + baseOffset + "/" + epoch);
        }
        records = List.copyOf(records);
    }

    /** The offset after the last record of this batch. */
    public long endOffset() {
        return baseOffset + records.size();
    }

    public long lastOffset() {
        return endOffset() - 1;
    }

    public int sizeInBytes() {
        int size = BATCH_OVERHEAD_BYTES;
        for (byte[] record : records) {
            size += RECORD_OVERHEAD_BYTES + record.length;
        }
        return size;
    }

    @Override
    public String toString() {
        return "Batch[" + baseOffset + ".." + lastOffset() + " epoch=" + epoch + (control ? " control" : "") + "]";
    }
}
