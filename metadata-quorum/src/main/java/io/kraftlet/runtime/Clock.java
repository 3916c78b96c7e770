package io.kraftlet.runtime;

/**
 * The only source of time for a node's driver. The core never reads it: the driver passes
 * {@code nowMs} in. The simulation uses a simulated clock behind the same interface.
 */
public interface Clock {
    /** Milliseconds on a clock that never goes backwards. */
    long nowMs();

    /** The JVM's monotonic clock. */
    Clock SYSTEM = new Clock() {
        private final long originNanos = System.nanoTime();
        private final long originMs = System.currentTimeMillis();

        @Override
        public long nowMs() {
            return originMs + (System.nanoTime() - originNanos) / 1_000_000;
        }
    };
}
