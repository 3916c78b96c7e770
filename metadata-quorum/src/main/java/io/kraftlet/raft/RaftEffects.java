package io.kraftlet.raft;

import java.util.List;
import java.util.Optional;

/**
 * Everything one step of the core asks of the driver, which must perform it in this order:
 * <ol>
 *   <li>persist {@code electionState} durably, if present (before any message leaves, since
 *       votes and epochs must survive a crash before anyone relies on them);</li>
 *   <li>start a flush of the log if {@code flush} is set, and report its end with
 *       {@link RaftNode#handleFlushed} when it completes;</li>
 *   <li>send {@code messages};</li>
 *   <li>deliver {@code listenerEvents} and {@code appendResults};</li>
 *   <li>call {@link RaftNode#tick} no later than {@code wakeupAtMs}.</li>
 * </ol>
 */
public record RaftEffects(Optional<ElectionState> electionState, boolean flush, List<Outbound> messages,
        List<ListenerEvent> listenerEvents, List<AppendResult> appendResults, long wakeupAtMs) {
    public RaftEffects {
        messages = List.copyOf(messages);
        listenerEvents = List.copyOf(listenerEvents);
        appendResults = List.copyOf(appendResults);
    }
}
