package io.kraftlet.examples.process;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for conditions with a deadline, checking every {@value #INTERVAL_MS} ms; never sleeps blindly. */
final class Poll {
    static final long INTERVAL_MS = 50;

    private Poll() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} and the diagnostics otherwise. */
    static void until(String what, Duration timeout, Supplier<String> diagnostics, BooleanSupplier condition) {
        value(what, timeout, diagnostics, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits until {@code probe} returns a value and returns it. */
    static <T> T value(String what, Duration timeout, Supplier<String> diagnostics, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "\n"
                        + diagnostics.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(INTERVAL_MS).toNanos());
        }
    }
}
