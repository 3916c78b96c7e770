package io.kraftlet;

import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deliberate offenders for {@link ArchitectureTest#everyRuleCatchesItsOffenders}: each breaks
 * exactly one clause of the core's rules, so the test can show every rule bites. They live
 * outside the checked packages and are never run.
 */
final class ArchitectureOffenders {
    private ArchitectureOffenders() {
    }

    @SuppressWarnings("unused")
    static final class ProtobufOffender {
        Object wire() {
            return com.google.protobuf.ByteString.EMPTY;
        }
    }

    @SuppressWarnings("unused")
    static final class MillisOffender {
        long now() {
            return System.currentTimeMillis();
        }
    }

    @SuppressWarnings("unused")
    static final class NanoTimeOffender {
        long now() {
            return System.nanoTime();
        }
    }

    @SuppressWarnings("unused")
    static final class InstantOffender {
        Object now() {
            return Instant.now();
        }
    }

    @SuppressWarnings("unused")
    static final class ClockOffender {
        Object clock() {
            return Clock.systemUTC();
        }
    }

    @SuppressWarnings("unused")
    static final class SleepOffender {
        void pause() throws InterruptedException {
            Thread.sleep(1);
        }
    }

    @SuppressWarnings("unused")
    static final class RandomOffender {
        int roll() {
            return new Random().nextInt();
        }
    }

    @SuppressWarnings("unused")
    static final class ThreadLocalRandomOffender {
        int roll() {
            return ThreadLocalRandom.current().nextInt();
        }
    }

    @SuppressWarnings("unused")
    static final class ThreadOffender {
        void spawn() {
            new Thread(() -> { }).start();
        }
    }

    @SuppressWarnings("unused")
    static final class ExecutorOffender {
        void spawn() {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            executor.shutdown();
        }
    }
}
