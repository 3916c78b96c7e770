package io.kraftlet.examples.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.ManagedChannelBuilder;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.KRaftClientGrpc;
import io.kraftlet.proto.client.MetadataRequest;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.proto.replication.KRaftReplicationGrpc;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.grpc.ReplicationMapping;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.MalformedMessageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A small producer and consumer for a kraftlet cluster, with Kafka's {@code bootstrap.servers}
 * semantics: metadata from the brokers' {@code KRaftClient} gRPC service, produce and read at
 * partition leaders over their {@code KRaftReplication} service.
 *
 * <ul>
 *   <li><b>Metadata.</b> Any listed server may answer; unreachable ones are skipped. Once
 *       metadata is known, the brokers it names are asked first, then the bootstrap list. When
 *       no server answers, a {@link ClientException} names every server tried and the last
 *       error: {@code none of the bootstrap servers [127.0.0.1:1, ...] answered: ...}. The
 *       cluster id is learnt from the first answer (unless given) and sent with every later
 *       request, so brokers of another cluster refuse them.</li>
 *   <li><b>Produce and fetch</b> go to the partition leader (its broker's first advertised
 *       listener). NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION,
 *       THROTTLING_QUOTA_EXCEEDED, a partition without a leader and transport errors are retried
 *       with refreshed metadata, with an exponential back-off from {@code retryBackoffMs} up to
 *       {@link #MAX_RETRY_BACKOFF_MS}, at most {@link #MAX_ATTEMPTS} times and within
 *       {@code deliveryTimeoutMs}. Other errors (NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...)
 *       are returned as they are: retrying them could write a record twice or hide the
 *       cluster's state.</li>
 * </ul>
 *
 * <p>Plaintext only. Thread-safe: calls may come from any thread; the blocking ones wait at most
 * {@code deliveryTimeoutMs}. {@link #produceAsync} runs the same call on at most
 * {@link #MAX_IN_FLIGHT} client threads.
 */
public final class KraftletClient implements AutoCloseable {
    /** Attempts of one produce or fetch, the first included. */
    public static final int MAX_ATTEMPTS = 30;
    /** The longest back-off between two attempts. */
    public static final long MAX_RETRY_BACKOFF_MS = 1_000;
    /** Produce calls {@link #produceAsync} runs at once. */
    public static final int MAX_IN_FLIGHT = 8;
    /** Slack on a produce's gRPC deadline beyond the time the broker may wait for the ISR. */
    private static final long DEADLINE_SLACK_MS = 5_000;

    private final List<HostPort> bootstrapServers;
    private final long deliveryTimeoutMs;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;
    private final Map<HostPort, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ExecutorService senders;
    private volatile String clusterId;
    private volatile ClusterMetadata metadata;

    private KraftletClient(Builder builder) {
        this.bootstrapServers = List.copyOf(builder.bootstrapServers);
        this.clusterId = builder.clusterId;
        this.deliveryTimeoutMs = builder.deliveryTimeoutMs;
        this.requestTimeoutMs = builder.requestTimeoutMs;
        this.retryBackoffMs = builder.retryBackoffMs;
        this.senders = Executors.newFixedThreadPool(MAX_IN_FLIGHT, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-client-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cluster id given or learnt from the first Metadata answer; empty until then. */
    public String clusterId() {
        return clusterId;
    }

    // ---------------------------------------------------------------- metadata

    /** Fresh metadata of every topic, from the first server that answers. */
    public ClusterMetadata metadata() {
        return metadata(List.of());
    }

    /**
     * Fresh metadata of the given topics (every topic when empty), from the first server that
     * answers; see the class comment for the order.
     *
     * @throws ClientException when no server answers, or the servers belong to another cluster
     */
    public ClusterMetadata metadata(Collection<String> topics) {
        Set<HostPort> servers = new LinkedHashSet<>();
        ClusterMetadata known = metadata;
        if (known != null) {
            known.brokers().values().stream().filter(broker -> !broker.fenced())
                    .flatMap(broker -> broker.listeners().stream().limit(1))
                    .forEach(listener -> servers.add(new HostPort(listener.host(), listener.port())));
        }
        servers.addAll(bootstrapServers);
        String lastError = "no server was tried";
        for (HostPort server : servers) {
            MetadataResponse response;
            try {
                response = stub(server, requestTimeoutMs).metadata(MetadataRequest.newBuilder()
                        .setClusterId(clusterId).addAllTopics(topics).build());
            } catch (StatusRuntimeException failure) {
                lastError = server + ": " + describe(failure);
                continue;
            }
            if (response.getError() == ClientError.INCONSISTENT_CLUSTER_ID) {
                throw new ClientException(server + " refused the request: " + response.getErrorMessage());
            }
            ClusterMetadata answered;
            try {
                answered = ClientMapping.toRecord(response);
            } catch (MalformedMessageException malformed) {
                lastError = server + ": malformed answer: " + malformed.getMessage();
                continue;
            }
            if (clusterId.isEmpty()) {
                clusterId = answered.clusterId();
            }
            if (topics.isEmpty() || known == null) {
                metadata = answered;
            } else {
                metadata = merge(known, answered);
            }
            return answered;
        }
        throw new ClientException("none of the bootstrap servers " + servers + " answered: " + lastError);
    }

    /** The known topics updated by a partial answer, with the newer brokers. */
    private static ClusterMetadata merge(ClusterMetadata known, ClusterMetadata answered) {
        Map<String, ClusterMetadata.Topic> topics = new java.util.HashMap<>(known.topics());
        topics.putAll(answered.topics());
        return new ClusterMetadata(answered.clusterId(), answered.brokerId(), answered.controllerId(),
                answered.brokers(), topics);
    }

    /**
     * The topic as a broker's image has it, asking again (with back-off) for up to
     * {@code waitMs} while it is missing: a topic just created reaches brokers' images a moment
     * later.
     *
     * @throws ClientException naming the topic when it still does not exist, or when no server answers
     */
    public ClusterMetadata.Topic topic(String name, long waitMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (int attempt = 1; ; attempt++) {
            Optional<ClusterMetadata.Topic> topic = metadata(List.of(name)).topic(name);
            if (topic.isPresent()) {
                return topic.get();
            }
            if (attempt >= MAX_ATTEMPTS || !backOff(attempt, deadlineNs)) {
                throw new ClientException("topic '" + name + "' does not exist (UNKNOWN_TOPIC_OR_PARTITION)");
            }
        }
    }

    // ---------------------------------------------------------------- produce and fetch

    /**
     * Writes {@code values} as one batch to a partition at its leader, retrying as the class
     * comment says. acks: 0, 1 or -1 (all); an acks=-1 write may wait {@code requestTimeoutMs}
     * for the ISR.
     *
     * @return the leader's answer; an error when it is not retriable or retries ran out
     * @throws ClientException when no server answers at all
     */
    public ProduceResult produce(String topic, int partition, List<byte[]> values, int acks) {
        TopicPartition tp = new TopicPartition(topic, partition);
        ProduceRequest request = new ProduceRequest(tp, values, acks, requestTimeoutMs);
        return withLeader("produce to " + tp, tp,
                (stub, id) -> ReplicationMapping.toRecord(stub.produce(ReplicationMapping.toProto(request, id))),
                ProduceResult::failed, ProduceResult::error, requestTimeoutMs + DEADLINE_SLACK_MS);
    }

    /** {@link #produce} on one of the client's {@link #MAX_IN_FLIGHT} sender threads. */
    public CompletableFuture<ProduceResult> produceAsync(String topic, int partition, List<byte[]> values, int acks) {
        return CompletableFuture.supplyAsync(() -> produce(topic, partition, values, acks), senders);
    }

    /**
     * Reads committed records of a partition from its leader, from {@code offset} (at most about
     * {@code maxBytes}, but at least one batch when one is there), retrying as the class comment
     * says.
     */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return withLeader("fetch from " + tp, tp,
                (stub, id) -> records(ReplicationMapping.toRecord(stub.read(ReplicationMapping.readRequest(tp, offset,
                        maxBytes, id))), offset),
                (error, message) -> new FetchResult(error, List.of(), -1, -1, message), FetchResult::error,
                requestTimeoutMs);
    }

    /** The records of a read, from {@code offset} on: its first batch may start before it. */
    static FetchResult records(ReadResult read, long offset) {
        if (read.error() != ReplicationError.NONE) {
            return new FetchResult(read.error(), List.of(), read.highWatermark(), read.logStartOffset(),
                    read.message());
        }
        List<FetchResult.ConsumedRecord> records = new ArrayList<>();
        for (Batch batch : read.batches()) {
            if (batch.control()) {
                continue; // the log's own markers, not the producers' records
            }
            for (int i = 0; i < batch.records().size(); i++) {
                long recordOffset = batch.baseOffset() + i;
                if (recordOffset >= offset) {
                    records.add(new FetchResult.ConsumedRecord(recordOffset, batch.records().get(i)));
                }
            }
        }
        return new FetchResult(ReplicationError.NONE, records, read.highWatermark(), read.logStartOffset(), "");
    }

    /**
     * Runs {@code call} at the partition leader until it answers something not worth retrying,
     * attempts or time run out.
     */
    private <R> R withLeader(String what, TopicPartition tp,
            BiFunction<KRaftReplicationGrpc.KRaftReplicationBlockingStub, String, R> call,
            BiFunction<ReplicationError, String, R> failed, Function<R, ReplicationError> errorOf, long deadlineMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMs);
        R last = null;
        String lastError = "";
        boolean refresh = metadata == null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (refresh) {
                try {
                    metadata(List.of(tp.topic()));
                } catch (ClientException noServer) {
                    if (metadata == null) {
                        throw noServer; // nothing was ever reachable: waiting would not help
                    }
                    lastError = noServer.getMessage();
                }
            }
            refresh = true;
            ClusterMetadata known = metadata;
            Optional<ClusterMetadata.Topic> topic = known == null ? Optional.empty() : known.topic(tp.topic());
            if (topic.isPresent() && tp.partition() >= topic.get().partitions().size()) {
                return failed.apply(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + tp.topic() + "' has "
                        + topic.get().partitions().size() + " partitions, there is no partition " + tp.partition());
            }
            Optional<Endpoint> leader = known == null ? Optional.empty() : known.leaderEndpoint(tp.topic(),
                    tp.partition());
            if (topic.isEmpty()) {
                last = failed.apply(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic '" + tp.topic() + "' does not exist");
                lastError = last.toString();
            } else if (leader.isEmpty()) {
                lastError = tp + " has no leader";
            } else {
                HostPort server = new HostPort(leader.get().host(), leader.get().port());
                try {
                    R answer = call.apply(KRaftReplicationGrpc.newBlockingStub(channel(server))
                            .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS), clusterId);
                    if (!retriable(errorOf.apply(answer))) {
                        return answer;
                    }
                    last = answer;
                    lastError = server + " answered " + answer;
                } catch (StatusRuntimeException failure) {
                    if (failure.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                        throw new ClientException(what + ": " + server + " refused the request: " + describe(failure));
                    }
                    lastError = server + ": " + describe(failure);
                } catch (MalformedMessageException malformed) {
                    lastError = server + ": malformed answer: " + malformed.getMessage();
                }
            }
            if (!backOff(attempt, deadlineNs)) {
                break;
            }
        }
        if (last != null) {
            return last;
        }
        throw new ClientException(what + " failed within " + deliveryTimeoutMs + " ms: " + lastError);
    }

    /** The errors a fresh look at the metadata may cure. */
    static boolean retriable(ReplicationError error) {
        switch (error) {
            case NOT_LEADER_OR_FOLLOWER:
            case FENCED_LEADER_EPOCH:
            case UNKNOWN_TOPIC_OR_PARTITION:
            case THROTTLING_QUOTA_EXCEEDED:
                return true;
            default:
                return false;
        }
    }

    /** Waits before the next attempt; false when the deadline leaves no time for one. */
    private boolean backOff(int attempt, long deadlineNs) {
        long backoffMs = Math.min(MAX_RETRY_BACKOFF_MS, retryBackoffMs << Math.min(attempt - 1, 20));
        long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs <= TimeUnit.MILLISECONDS.toNanos(backoffMs)) {
            return false;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
        return !Thread.currentThread().isInterrupted();
    }

    private KRaftClientGrpc.KRaftClientBlockingStub stub(HostPort server, long deadlineMs) {
        return KRaftClientGrpc.newBlockingStub(channel(server)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    private ManagedChannel channel(HostPort server) {
        return channels.computeIfAbsent(server, address ->
                ManagedChannelBuilder.forAddress(address.host(), address.port()).usePlaintext().build());
    }

    private static String describe(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        String description = status.getDescription();
        // "io exception" alone does not say why; the cause does ("Connection refused: /127.0.0.1:1").
        String cause = status.getCause() == null ? null : status.getCause().getMessage();
        if (description == null) {
            description = cause;
        } else if (cause != null && !description.contains(cause)) {
            description = description + ": " + cause;
        }
        return status.getCode() + (description == null ? "" : " (" + description + ")");
    }

    @Override
    public void close() {
        senders.shutdownNow();
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Configures a client; the bootstrap servers are required. */
    public static final class Builder {
        private List<HostPort> bootstrapServers = List.of();
        private String clusterId = "";
        private long deliveryTimeoutMs = 30_000;
        private int requestTimeoutMs = 10_000;
        private long retryBackoffMs = 100;

        private Builder() {
        }

        /** {@code host:port[,host:port...]}, as Kafka's {@code bootstrap.servers}. */
        public Builder bootstrapServers(String servers) {
            List<HostPort> parsed = new ArrayList<>();
            for (String server : Arrays.asList(servers.split(","))) {
                if (!server.isBlank()) {
                    parsed.add(HostPort.parse(server.trim()));
                }
            }
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("bootstrap servers must list at least one host:port, got '"
                        + servers + "'");
            }
            this.bootstrapServers = parsed;
            return this;
        }

        /** The expected cluster; by default the client learns it from the first answer. */
        public Builder clusterId(String clusterId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** How long one produce or fetch may take with its retries (Kafka's {@code delivery.timeout.ms}). */
        public Builder deliveryTimeoutMs(long deliveryTimeoutMs) {
            this.deliveryTimeoutMs = positive(deliveryTimeoutMs, "delivery timeout");
            return this;
        }

        /** How long one request may take; also how long an acks=all produce may wait for the ISR. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = (int) positive(requestTimeoutMs, "request timeout");
            return this;
        }

        /** The first back-off between attempts; it doubles up to {@link #MAX_RETRY_BACKOFF_MS}. */
        public Builder retryBackoffMs(long retryBackoffMs) {
            this.retryBackoffMs = positive(retryBackoffMs, "retry back-off");
            return this;
        }

        private static long positive(long value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be > 0 ms, got " + value);
            }
            return value;
        }

        public KraftletClient build() {
            if (bootstrapServers.isEmpty()) {
                throw new IllegalArgumentException("bootstrap servers are required");
            }
            return new KraftletClient(this);
        }
    }
}
