package io.kraftlet.controller;

import io.kraftlet.metadata.MetadataRecord;
import java.util.List;

/**
 * What the controller core asks its driver to do after an input: append these records (in
 * this order, each list as one append) and give these answers.
 *
 * @param wakeupAtMs when to call {@link QuorumController#tick} next
 */
public record ControllerEffects(List<Append> appends, List<Reply> replies, long wakeupAtMs) {
    public ControllerEffects {
        appends = List.copyOf(appends);
        replies = List.copyOf(replies);
    }

    /**
     * Records to append as one Raft append; report the outcome with
     * {@link QuorumController#handleAppendResult}. {@code expectedLastOffset} is the offset the
     * controller expects the last record to take.
     */
    public record Append(long appendId, List<MetadataRecord> records, long expectedLastOffset) {
        public Append {
            records = List.copyOf(records);
        }
    }

    /** The answer to request {@code requestId}: a response, or a failure (NotControllerException). */
    public record Reply(long requestId, Object response, RuntimeException failure) {
    }
}
