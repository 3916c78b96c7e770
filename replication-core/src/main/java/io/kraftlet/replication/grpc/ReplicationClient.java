package io.kraftlet.replication.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.replication.ErrorCode;
import io.kraftlet.proto.replication.KRaftReplicationGrpc;
import io.kraftlet.proto.replication.ProduceResponse;
import io.kraftlet.proto.replication.ReadResponse;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.transport.grpc.GrpcTransport;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.MalformedMessageException;
import io.kraftlet.transport.grpc.TlsSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client of one broker's {@code kraftlet.replication.KRaftReplication} service: a follower's
 * fetches from a leader, or a client's produces and reads at a partition leader. Build one with
 * {@link #builder()}; one per broker, reused by every call.
 *
 * <p><b>Outcomes.</b> Each call has a gRPC deadline of its {@code timeoutMs} and is tried once:
 * retrying, and choosing another broker, is the caller's business. A call answered by the broker
 * completes with the record it answered, errors included (per fetch partition, or in the
 * {@link ProduceResult} / {@link ReadResult}). Otherwise its future fails with:
 * <ul>
 * <li>{@link ReplicationRpcException}, naming the broker's address, the RPC and the gRPC status,
 *     when there is no answer: the broker is unreachable, the deadline passed
 *     ({@code DEADLINE_EXCEEDED}), the broker refused the request ({@code INVALID_ARGUMENT},
 *     {@code RESOURCE_EXHAUSTED}) or its replication layer failed ({@code INTERNAL}), or this
 *     client was closed meanwhile ({@code CANCELLED});
 * <li>{@link IllegalStateException} when the broker belongs to another cluster (its message
 *     names both cluster ids; retrying cannot help), or when the answer is malformed (its
 *     message names the field; the cause is the {@link MalformedMessageException}).
 * </ul>
 *
 * <p><b>Threads.</b> Thread-safe; no call blocks. Answers are read, and futures completed, on
 * this client's {@value #CLIENT_THREADS} daemon threads: callbacks on the futures must not block.
 * {@link #close} blocks for at most {@value #CLOSE_TIMEOUT_MS} ms; calls made after it fail with
 * {@link IllegalStateException}.
 */
public final class ReplicationClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationClient.class);

    static final int CLIENT_THREADS = 2;
    static final long CLOSE_TIMEOUT_MS = 5000;

    private final String clusterId;
    private final HostPort address;
    private final ExecutorService executor;
    private final ManagedChannel channel;
    private final KRaftReplicationGrpc.KRaftReplicationStub stub;
    private volatile boolean closed;

    private ReplicationClient(String clusterId, HostPort address, TlsSettings tls) {
        this.clusterId = clusterId;
        this.address = address;
        ChannelCredentials credentials = tls != null
                ? GrpcTransport.channelCredentials(tls) : InsecureChannelCredentials.create();
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(CLIENT_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-replication-client-" + address + "-"
                    + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.channel = NettyChannelBuilder.forAddress(address.host(), address.port(), credentials)
                .executor(executor)
                .maxInboundMessageSize(GrpcTransport.MAX_MESSAGE_BYTES)
                .build();
        this.stub = KRaftReplicationGrpc.newStub(channel);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The broker this client calls. */
    public HostPort address() {
        return address;
    }

    /** A follower's fetch; the broker may hold it up to the request's {@code maxWaitMs}, so allow more. */
    public CompletableFuture<ReplicaFetchResponse> fetch(ReplicaFetchRequest request, long timeoutMs) {
        var proto = ReplicationMapping.toProto(request, clusterId);
        return call("Fetch", timeoutMs, (deadlined, observer) -> deadlined.fetch(proto, observer),
                io.kraftlet.proto.replication.ReplicaFetchResponse::getError,
                io.kraftlet.proto.replication.ReplicaFetchResponse::getErrorMessage, ReplicationMapping::toRecord);
    }

    /** A client's write to the partition's leader. */
    public CompletableFuture<ProduceResult> produce(ProduceRequest request, long timeoutMs) {
        var proto = ReplicationMapping.toProto(request, clusterId);
        return call("Produce", timeoutMs, (deadlined, observer) -> deadlined.produce(proto, observer),
                ProduceResponse::getError,
                ProduceResponse::getErrorMessage, ReplicationMapping::toRecord);
    }

    /** A client's read of committed batches from {@code offset}, up to about {@code maxBytes}. */
    public CompletableFuture<ReadResult> read(TopicPartition topicPartition, long offset, int maxBytes,
            long timeoutMs) {
        var proto = ReplicationMapping.readRequest(topicPartition, offset, maxBytes, clusterId);
        return call("Read", timeoutMs, (deadlined, observer) -> deadlined.read(proto, observer),
                ReadResponse::getError,
                ReadResponse::getErrorMessage, ReplicationMapping::toRecord);
    }

    /**
     * Shuts the channel down: calls still waiting fail with {@code CANCELLED}, later calls with
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        channel.shutdownNow();
        try {
            if (!channel.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("The channel to broker {} did not terminate within {} ms", address, CLOSE_TIMEOUT_MS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            // shutdown, not shutdownNow: the failures of the cancelled calls are still queued there.
            executor.shutdown();
        }
    }

    // ---------------------------------------------------------------- one call

    /**
     * Starts one RPC with a deadline and maps its outcome.
     *
     * @param start starts the RPC on a stub that carries the deadline
     * @param error the response's top-level error
     * @param errorMessage the response's top-level error message
     * @param toRecord the response as a record; throws {@link MalformedMessageException}
     */
    private <P, R> CompletableFuture<R> call(String rpc, long timeoutMs,
            BiConsumer<KRaftReplicationGrpc.KRaftReplicationStub, StreamObserver<P>> start,
            Function<P, ErrorCode> error, Function<P, String> errorMessage, Function<P, R> toRecord) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException(rpc + " timeout must be > 0 ms, got " + timeoutMs);
        }
        CompletableFuture<R> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("the replication client of broker " + address
                    + " is closed; " + rpc + " was not sent"));
            return future;
        }
        maybeReconnect();
        StreamObserver<P> observer = new StreamObserver<>() {
            private boolean done;

            @Override
            public void onNext(P response) {
                if (!done) {
                    done = true;
                    answered(rpc, response, error, errorMessage, toRecord, future);
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (!done) {
                    done = true;
                    future.completeExceptionally(rpcFailure(rpc, Status.fromThrowable(failure), failure));
                }
            }

            @Override
            public void onCompleted() {
                if (!done) {
                    done = true;
                    Status noAnswer = Status.INTERNAL.withDescription("the call ended without an answer");
                    future.completeExceptionally(rpcFailure(rpc, noAnswer, null));
                }
            }
        };
        try {
            start.accept(stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), observer);
        } catch (RuntimeException startFailure) {
            future.completeExceptionally(rpcFailure(rpc, Status.fromThrowable(startFailure), startFailure));
        }
        return future;
    }

    private <P, R> void answered(String rpc, P response, Function<P, ErrorCode> error,
            Function<P, String> errorMessage, Function<P, R> toRecord, CompletableFuture<R> future) {
        if (error.apply(response) == ErrorCode.INCONSISTENT_CLUSTER_ID) {
            future.completeExceptionally(new IllegalStateException("broker " + address + " refused " + rpc
                    + " for cluster '" + clusterId + "': " + errorMessage.apply(response)));
            return;
        }
        R record;
        try {
            record = toRecord.apply(response);
        } catch (MalformedMessageException malformed) {
            log.warn("Broker {} answered {} with a malformed response: {}", address, rpc, malformed.getMessage());
            future.completeExceptionally(new IllegalStateException("broker " + address + " answered " + rpc
                    + " with a malformed response: " + malformed.getMessage(), malformed));
            return;
        }
        future.complete(record);
    }

    private ReplicationRpcException rpcFailure(String rpc, Status status, Throwable cause) {
        return new ReplicationRpcException(rpc + " to broker " + address + " failed: " + status.getCode()
                + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"), status.getCode(),
                cause);
    }

    /**
     * gRPC waits up to two minutes between connection attempts to a failed server; a restarted
     * leader must be fetched from again at once. Callers space their calls to a failing broker
     * by their own back-off, so this reconnects at most that often.
     */
    private void maybeReconnect() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
    }

    /**
     * Configures a {@link ReplicationClient}. Required: cluster id and target. Not thread-safe;
     * use it on one thread, then share the built client.
     */
    public static final class Builder {
        private String clusterId;
        private String host;
        private int port = -1;
        private TlsSettings tls;

        private Builder() {
        }

        /** The cluster this client belongs to; a broker of another cluster refuses its calls. */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** The broker's replication listener. */
        public Builder target(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        /** Mutual TLS, as the broker's server expects; null (the default) speaks plaintext. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first missing or invalid setting
         * @throws java.io.UncheckedIOException if a TLS file cannot be read
         */
        public ReplicationClient build() {
            if (clusterId == null || clusterId.isEmpty()) {
                throw new IllegalArgumentException("cluster id is required");
            }
            if (host == null) {
                throw new IllegalArgumentException("target is required");
            }
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("target port must be in 1..65535, got " + port);
            }
            return new ReplicationClient(clusterId, new HostPort(host, port), tls);
        }
    }
}
