package io.kraftlet.replication;

import io.kraftlet.metadata.TopicPartition;
import java.util.concurrent.CompletableFuture;

/**
 * What a broker's replication layer serves, to followers and to clients. Implemented by the
 * replication driver; the gRPC service ({@code io.kraftlet.replication.grpc}) is an adapter in
 * front of it. Every method returns at once; the future completes on the driver thread, so
 * callers must not block in a callback.
 */
public interface ReplicationApi {
    /** A follower's fetch; may wait up to the request's {@code maxWaitMs} for records. */
    CompletableFuture<ReplicaFetchResponse> fetch(ReplicaFetchRequest request);

    /** A client's write; acks=0 completes once the record is accepted (nobody waits for the answer). */
    CompletableFuture<ProduceResult> produce(ProduceRequest request);

    /** A client's read from {@code offset}, below the HW, up to about {@code maxBytes}. */
    CompletableFuture<ReadResult> read(TopicPartition topicPartition, long offset, int maxBytes);
}
