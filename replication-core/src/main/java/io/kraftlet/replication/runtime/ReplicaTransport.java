package io.kraftlet.replication.runtime;

import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import java.util.concurrent.CompletableFuture;

/**
 * How a {@link ReplicaDriver} sends its follower fetches to leader brokers: the gRPC adapter in
 * a broker ({@code io.kraftlet.replication.grpc.GrpcReplicaTransport}), something else in tests.
 * Called on the driver thread; must not block. The future completes on any thread.
 */
public interface ReplicaTransport extends AutoCloseable {
    /**
     * Sends {@code request} to {@code leader} (its registration from the current image names its
     * endpoints), answering within {@code timeoutMs} or completing exceptionally.
     */
    CompletableFuture<ReplicaFetchResponse> fetch(BrokerRegistration leader, ReplicaFetchRequest request, long timeoutMs);

    @Override
    void close();
}
