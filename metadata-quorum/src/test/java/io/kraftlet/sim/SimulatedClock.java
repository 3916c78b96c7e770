package io.kraftlet.sim;

import io.kraftlet.runtime.Clock;

/**
 * The simulation's time, behind the same {@link Clock} interface the real driver reads. It
 * moves only when the event loop takes the next event, never on its own.
 */
public final class SimulatedClock implements Clock {
    private long nowMs;

    @Override
    public long nowMs() {
        return nowMs;
    }

    /** Moves time forward to {@code atMs}; time never goes back. */
    void advanceTo(long atMs) {
        if (atMs < nowMs) {
            throw new IllegalStateException("simulated time cannot go back from " + nowMs + " to " + atMs);
        }
        nowMs = atMs;
    }
}
