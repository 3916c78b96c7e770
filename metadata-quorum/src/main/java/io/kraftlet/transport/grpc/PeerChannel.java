package io.kraftlet.transport.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of one peer: its channel (one HTTP/2 connection, reused by every request),
 * its stub and its in-flight bound. Thread-safe; created lazily by {@link GrpcTransport} on the
 * first request to the peer and shut down by its {@code close()}.
 */
final class PeerChannel {
    final int peerId;
    final HostPort address;
    final ManagedChannel channel;
    final KRaftQuorumGrpc.KRaftQuorumStub stub;

    /** Requests sent and not yet answered or failed; a request past the bound is dropped. */
    private final Semaphore inFlight;
    private final long reconnectIntervalNanos;
    private final AtomicLong lastReconnectNanos = new AtomicLong(System.nanoTime());

    PeerChannel(int peerId, HostPort address, ManagedChannel channel, int maxInFlight, long reconnectIntervalMs) {
        this.peerId = peerId;
        this.address = address;
        this.channel = channel;
        this.stub = KRaftQuorumGrpc.newStub(channel);
        this.inFlight = new Semaphore(maxInFlight);
        this.reconnectIntervalNanos = TimeUnit.MILLISECONDS.toNanos(reconnectIntervalMs);
    }

    boolean tryAcquire() {
        return inFlight.tryAcquire();
    }

    void release() {
        inFlight.release();
    }

    /**
     * Cuts gRPC's reconnect back-off short when the connection is down. gRPC backs off up to two
     * minutes between connection attempts; a restarted voter must be reachable again within an
     * election timeout, so at most once per interval a send to a failed peer reconnects at once.
     */
    void maybeReconnect() {
        if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            return;
        }
        long now = System.nanoTime();
        long last = lastReconnectNanos.get();
        if (now - last >= reconnectIntervalNanos && lastReconnectNanos.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }
}
