package io.kraftlet.quorum;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What the in-JVM cluster tests share (here and, through the test-jar, in replication-core): free
 * ports and waiting with a deadline.
 */
public final class ClusterTestSupport {
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private ClusterTestSupport() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@link #DEADLINE}. */
    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Free loopback ports, all held open at once so none is handed out twice. */
    public static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
