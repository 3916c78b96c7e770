package io.kraftlet.transport.grpc;

import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kraftlet.proto.raft.DescribeQuorumRequest;
import io.kraftlet.proto.raft.DescribeQuorumResponse;
import io.kraftlet.proto.raft.ErrorCode;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.VoterSet;
import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.runtime.RaftTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RaftTransport} over gRPC (service {@code kraftlet.raft.KRaftQuorum}, Netty, optionally
 * mutual TLS). Build one with {@link #builder()}.
 *
 * <p><b>Server.</b> {@link #start} binds the listen address (port 0 picks a free port, see
 * {@link #port()}) and serves the quorum RPCs: each request is checked (well-formed, same cluster
 * id, a voter role claimed only by a voter) and handed to
 * {@link InboundHandler#handleRequest}; the call is answered when the returned future completes.
 * Checks and their counters are described in {@link TransportMetrics} and {@code QuorumService}.
 *
 * <p><b>Client.</b> {@link #send} maps the request to its RPC on the destination's channel
 * (created on first use, then reused) with a deadline of the request timeout, and hands the
 * answer, carrying the request's correlation id, to {@link InboundHandler#handleResponse}. At
 * most {@code maxInFlightPerPeer} requests per peer wait for an answer; past that, and on any
 * failure (unknown peer, unreachable, deadline exceeded, malformed answer), the request is
 * dropped, logged at debug and counted in {@code kraftlet.transport.dropped.requests}: the core
 * sends again.
 *
 * <p><b>Threads.</b> {@link #send} and {@link #describeQuorum} may be called from any thread and
 * never block. {@link #start} and {@link #close} are called once each by the owner (the driver);
 * {@code close} blocks for at most a few seconds while connections wind down. The handler is
 * called on this transport's own pool of {@value #TRANSPORT_THREADS} threads (never on the thread
 * that completes a handler future) and must not block. Inbound work is bounded by
 * {@value #MAX_CONCURRENT_CALLS_PER_CONNECTION} concurrent calls per connection, outbound work
 * by the in-flight bound, and every message by {@value #MAX_MESSAGE_BYTES} bytes.
 */
public final class GrpcTransport implements RaftTransport {
    private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);

    /** {@code controller.quorum.request.timeout.ms}'s default. */
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 2000;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_PEER = 8;
    /** Largest message either side accepts; above the core's fetch and snapshot chunk sizes. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final int TRANSPORT_THREADS = 4;
    static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 128;
    /** How long close() lets calls already sent (a resigning leader's EndQuorumEpoch) go out. */
    static final long CLOSE_GRACE_MS = 500;
    static final long CLOSE_TIMEOUT_MS = 5000;
    /** At most one immediate reconnect attempt per peer per this interval (see {@link PeerChannel}). */
    static final long RECONNECT_INTERVAL_MS = 1000;

    private final int nodeId;
    private final String clusterId;
    private final VoterSet voters;
    private final Map<Integer, HostPort> peers;
    private final HostPort listenAddress;
    private final int requestTimeoutMs;
    private final int maxInFlightPerPeer;
    private final ServerCredentials serverCredentials;
    private final ChannelCredentials channelCredentials;
    private final MeterRegistry meterRegistry;
    private final TransportMetrics metrics;
    private final ExecutorService executor;
    private final Map<Integer, PeerChannel> channels = new ConcurrentHashMap<>();
    /** Further services (such as the controller service) served next to the quorum service. */
    private final List<BindableService> services;

    /** Guards start, close and channel creation, so no channel is created after close. */
    private final Object lifecycle = new Object();
    private Server server;
    private volatile InboundHandler handler;
    private volatile boolean closed;

    private GrpcTransport(Builder builder) {
        this.nodeId = builder.nodeId;
        this.clusterId = builder.clusterId;
        this.voters = builder.voters;
        this.peers = Map.copyOf(builder.peers);
        this.listenAddress = builder.listenAddress;
        this.requestTimeoutMs = builder.requestTimeoutMs;
        this.maxInFlightPerPeer = builder.maxInFlightPerPeer;
        this.services = List.copyOf(builder.services);
        this.meterRegistry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
        this.metrics = new TransportMetrics(meterRegistry, nodeId);
        if (builder.tls != null) {
            this.serverCredentials = serverCredentials(builder.tls);
            this.channelCredentials = channelCredentials(builder.tls);
        } else {
            this.serverCredentials = InsecureServerCredentials.create();
            this.channelCredentials = InsecureChannelCredentials.create();
        }
        this.executor = Executors.newFixedThreadPool(TRANSPORT_THREADS, daemonThreads("kraftlet-grpc-" + nodeId));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start(InboundHandler handler) {
        Objects.requireNonNull(handler, "handler");
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("transport of node " + nodeId + " is closed");
            }
            if (server != null) {
                throw new IllegalStateException("transport of node " + nodeId + " is already started");
            }
            QuorumService service = new QuorumService(nodeId, clusterId, voters, handler, executor, metrics);
            NettyServerBuilder serverBuilder = NettyServerBuilder
                    .forAddress(new InetSocketAddress(listenAddress.host(), listenAddress.port()), serverCredentials)
                    .addService(service)
                    .executor(executor)
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS_PER_CONNECTION);
            services.forEach(serverBuilder::addService);
            Server built = serverBuilder.build();
            try {
                server = built.start();
            } catch (IOException bindFailure) {
                throw new UncheckedIOException("node " + nodeId + " cannot listen on " + listenAddress, bindFailure);
            }
            this.handler = handler;
            log.info("Node {} serves the quorum on {} (port {})", nodeId, listenAddress, server.getPort());
        }
    }

    /** The port the server is bound to, the chosen one when configured with port 0. */
    public int port() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("transport of node " + nodeId + " is not started");
            }
            return server.getPort();
        }
    }

    /** The registry holding this transport's meters (the given one, or its own simple registry). */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public void send(int destination, RaftRequest request) {
        InboundHandler responses = handler;
        if (responses == null || closed) {
            metrics.droppedNotRunning.increment();
            log.debug("Node {} is not running; dropped {} to {}", nodeId, name(request), destination);
            return;
        }
        Optional<PeerChannel> peer = peer(destination);
        if (peer.isEmpty()) {
            (closed ? metrics.droppedNotRunning : metrics.droppedUnknownPeer).increment();
            log.debug("Node {} has no address for node {}; dropped {}", nodeId, destination, name(request));
            return;
        }
        PeerChannel channel = peer.get();
        if (!channel.tryAcquire()) {
            metrics.droppedInFlight.increment();
            log.debug("Node {} has {} requests in flight to {}; dropped {}", nodeId, maxInFlightPerPeer, destination,
                    name(request));
            return;
        }
        try {
            channel.maybeReconnect();
            call(channel, request, responses);
        } catch (RuntimeException sendFailure) {
            channel.release();
            metrics.droppedFailed.increment();
            log.warn("Node {} could not send {} to {}", nodeId, name(request), destination, sendFailure);
        }
    }

    /**
     * Asks node {@code destination} how it sees the quorum (an administrative call, outside the
     * in-flight bound). The future fails when the node cannot be reached in time, refuses the
     * request (another cluster) or answers with a malformed description. Callable from any thread.
     */
    public CompletableFuture<QuorumDescription> describeQuorum(int destination) {
        CompletableFuture<QuorumDescription> result = new CompletableFuture<>();
        Optional<PeerChannel> peer = closed ? Optional.empty() : peer(destination);
        if (peer.isEmpty()) {
            result.completeExceptionally(new IllegalStateException(closed
                    ? "transport of node " + nodeId + " is closed" : "no address for node " + destination));
            return result;
        }
        DescribeQuorumRequest request = DescribeQuorumRequest.newBuilder().setClusterId(clusterId).build();
        peer.get().stub.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                .describeQuorum(request, new StreamObserver<>() {
                    @Override
                    public void onNext(DescribeQuorumResponse response) {
                        if (response.getError() != ErrorCode.NONE) {
                            result.completeExceptionally(new IllegalStateException(
                                    "node " + destination + " refused DescribeQuorum: " + response.getError()));
                            return;
                        }
                        try {
                            result.complete(ProtoMapping.toRecord(response));
                        } catch (RuntimeException malformed) {
                            result.completeExceptionally(malformed);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        result.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                        // The answer, if any, came with onNext.
                    }
                });
        return result;
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
        try {
            if (server != null) {
                server.shutdownNow();
            }
            // Let requests already sent leave (a resigning leader's EndQuorumEpoch), briefly.
            channels.values().forEach(peer -> peer.channel.shutdown());
            long graceDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MS);
            for (PeerChannel peer : channels.values()) {
                peer.channel.awaitTermination(remainingNanos(graceDeadlineNanos), TimeUnit.NANOSECONDS);
                peer.channel.shutdownNow();
            }
            for (PeerChannel peer : channels.values()) {
                peer.channel.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            }
            if (server != null) {
                server.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            }
            executor.shutdown();
            executor.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            channels.values().forEach(peer -> peer.channel.shutdownNow());
            executor.shutdownNow();
        }
        log.info("Node {} closed its transport", nodeId);
    }

    // ---------------------------------------------------------------- client internals

    private Optional<PeerChannel> peer(int destination) {
        PeerChannel existing = channels.get(destination);
        if (existing != null) {
            return Optional.of(existing);
        }
        HostPort address = peers.get(destination);
        if (address == null) {
            return Optional.empty();
        }
        synchronized (lifecycle) {
            if (closed) {
                return Optional.empty();
            }
            return Optional.of(channels.computeIfAbsent(destination, id -> newPeerChannel(id, address)));
        }
    }

    private PeerChannel newPeerChannel(int peerId, HostPort address) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port(), channelCredentials)
                .executor(executor)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        log.debug("Node {} opened a channel to node {} at {}", nodeId, peerId, address);
        return new PeerChannel(peerId, address, channel, maxInFlightPerPeer, RECONNECT_INTERVAL_MS);
    }

    /** Starts the RPC that carries {@code request}; the in-flight permit is held until it ends. */
    private void call(PeerChannel peer, RaftRequest request, InboundHandler responses) {
        KRaftQuorumGrpc.KRaftQuorumStub stub = peer.stub.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
        if (request instanceof VoteRequest vote) {
            stub.vote(ProtoMapping.toProto(vote, peer.peerId),
                    new ResponseObserver<>(peer, request, responses, proto -> ProtoMapping.toRecord(proto, vote)));
        } else if (request instanceof BeginQuorumEpochRequest begin) {
            stub.beginQuorumEpoch(ProtoMapping.toProto(begin, peer.peerId),
                    new ResponseObserver<>(peer, request, responses, proto -> ProtoMapping.toRecord(proto, begin)));
        } else if (request instanceof EndQuorumEpochRequest end) {
            stub.endQuorumEpoch(ProtoMapping.toProto(end),
                    new ResponseObserver<>(peer, request, responses, proto -> ProtoMapping.toRecord(proto, end)));
        } else if (request instanceof FetchRequest fetch) {
            stub.fetch(ProtoMapping.toProto(fetch),
                    new ResponseObserver<>(peer, request, responses, proto -> ProtoMapping.toRecord(proto, fetch)));
        } else if (request instanceof FetchSnapshotRequest fetchSnapshot) {
            stub.fetchSnapshot(ProtoMapping.toProto(fetchSnapshot), new ResponseObserver<>(peer, request, responses,
                    proto -> ProtoMapping.toRecord(proto, fetchSnapshot)));
        } else {
            throw new IllegalArgumentException("unknown request type " + name(request));
        }
    }

    /**
     * Receives one RPC's outcome on a transport thread: maps the answer back to a record with
     * the request's correlation id and delivers it, or counts the failure. The in-flight permit
     * is released exactly once, before delivery, so a core that answers a response with the next
     * request is not refused by a permit about to be released.
     */
    private final class ResponseObserver<P> implements StreamObserver<P> {
        private final PeerChannel peer;
        private final RaftRequest request;
        private final InboundHandler responses;
        private final Function<P, RaftResponse> toRecord;
        private final AtomicBoolean done = new AtomicBoolean();

        ResponseObserver(PeerChannel peer, RaftRequest request, InboundHandler responses,
                Function<P, RaftResponse> toRecord) {
            this.peer = peer;
            this.request = request;
            this.responses = responses;
            this.toRecord = toRecord;
        }

        @Override
        public void onNext(P proto) {
            release();
            RaftResponse response;
            try {
                response = toRecord.apply(proto);
            } catch (RuntimeException malformed) {
                metrics.droppedBadResponse.increment();
                log.warn("Node {} dropped a malformed answer from {} to {}: {}", nodeId, peer.peerId, name(request),
                        malformed.getMessage());
                return;
            }
            if (closed) {
                return;
            }
            try {
                responses.handleResponse(peer.peerId, response);
            } catch (RuntimeException handlerFailure) {
                log.warn("Node {}: the handler failed on the answer from {} to {}", nodeId, peer.peerId,
                        name(request), handlerFailure);
            }
        }

        @Override
        public void onError(Throwable failure) {
            release();
            Status status = Status.fromThrowable(failure);
            switch (status.getCode()) {
                case DEADLINE_EXCEEDED -> metrics.droppedTimeout.increment();
                case UNAVAILABLE -> metrics.droppedUnavailable.increment();
                default -> metrics.droppedFailed.increment();
            }
            log.debug("Node {}: {} to {} at {} failed: {}", nodeId, name(request), peer.peerId, peer.address, status);
        }

        @Override
        public void onCompleted() {
            release();
        }

        private void release() {
            if (done.compareAndSet(false, true)) {
                peer.release();
            }
        }
    }

    // ---------------------------------------------------------------- setup helpers

    /**
     * Server credentials for mutual TLS (see {@link TlsSettings}): present this node's
     * certificate, require and verify the client's. Public so that other gRPC servers of a
     * kraftlet node (the replication adapter's) accept exactly the peers this one does.
     *
     * @throws UncheckedIOException if a TLS file cannot be read
     */
    public static ServerCredentials serverCredentials(TlsSettings tls) {
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(tls.certificateChainFile().toFile(), tls.privateKeyFile().toFile())
                    .trustManager(tls.trustCertificatesFile().toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read TLS files " + tls, unreadable);
        }
    }

    /**
     * Channel credentials for mutual TLS (see {@link TlsSettings}). Also used by
     * {@link ControllerClient} and the replication adapter's client, so every client presents and
     * trusts the same way.
     *
     * @throws UncheckedIOException if a TLS file cannot be read
     * @throws IllegalArgumentException if the certificate or key is unusable
     */
    public static ChannelCredentials channelCredentials(TlsSettings tls) {
        ChannelCredentials credentials;
        try {
            credentials = TlsChannelCredentials.newBuilder()
                    .keyManager(tls.certificateChainFile().toFile(), tls.privateKeyFile().toFile())
                    .trustManager(tls.trustCertificatesFile().toFile())
                    .build();
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read TLS files " + tls, unreadable);
        }
        // Building a channel builder parses the PEM files: a bad certificate or key fails here,
        // at construction, rather than on the first send.
        try {
            NettyChannelBuilder.forAddress("localhost", 1, credentials);
        } catch (IllegalArgumentException unusable) {
            throw new IllegalArgumentException("TLS settings " + tls + " are unusable: " + unusable.getMessage(),
                    unusable);
        }
        return credentials;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static long remainingNanos(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    private static String name(RaftRequest request) {
        return request.getClass().getSimpleName() + "#" + request.correlationId();
    }

    /**
     * Configures a {@link GrpcTransport}. Required: node id, cluster id, voters, listen address.
     * Not thread-safe; use it on one thread, then share the built transport.
     */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private VoterSet voters;
        private Map<Integer, HostPort> peers = Map.of();
        private HostPort listenAddress;
        private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
        private int maxInFlightPerPeer = DEFAULT_MAX_IN_FLIGHT_PER_PEER;
        private TlsSettings tls;
        private MeterRegistry meterRegistry;
        private final List<BindableService> services = new ArrayList<>();

        private Builder() {
        }

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** The voters, against which voter roles claimed by inbound requests are checked. */
        public Builder voters(VoterSet voters) {
            this.voters = voters;
            return this;
        }

        /** Where to reach other nodes: node id → address. May include this node (ignored) and non-voters. */
        public Builder peers(Map<Integer, HostPort> peers) {
            this.peers = Objects.requireNonNull(peers, "peers");
            return this;
        }

        /** Sets voters and peers from {@code controller.quorum.voters} ({@code 1@host:port,...}). */
        public Builder quorumVoters(String quorumVoters) {
            Map<Integer, HostPort> parsed = QuorumVoters.parse(quorumVoters);
            this.voters = QuorumVoters.voterSet(parsed);
            this.peers = parsed;
            return this;
        }

        /** Host and port to serve on; port 0 picks a free port ({@link GrpcTransport#port()}). */
        public Builder listenAddress(HostPort listenAddress) {
            this.listenAddress = listenAddress;
            return this;
        }

        /** {@code controller.quorum.request.timeout.ms}: the deadline of every outbound request. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        public Builder maxInFlightPerPeer(int maxInFlightPerPeer) {
            this.maxInFlightPerPeer = maxInFlightPerPeer;
            return this;
        }

        /** Mutual TLS; without it the transport speaks plaintext. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** Where to register meters; without it the transport keeps its own simple registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /**
         * A further service to serve on the same server (same address, TLS, threads and limits),
         * such as the controller service. May be called several times; each service is added
         * once, by {@link GrpcTransport#start}.
         */
        public Builder service(BindableService service) {
            this.services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /** @throws IllegalArgumentException naming the first missing or invalid setting */
        public GrpcTransport build() {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
            }
            if (clusterId == null || clusterId.isEmpty()) {
                throw new IllegalArgumentException("cluster id is required");
            }
            if (voters == null) {
                throw new IllegalArgumentException("voters are required");
            }
            if (listenAddress == null) {
                throw new IllegalArgumentException("listen address is required");
            }
            if (requestTimeoutMs <= 0) {
                throw new IllegalArgumentException("request timeout must be > 0 ms, got " + requestTimeoutMs);
            }
            if (maxInFlightPerPeer <= 0) {
                throw new IllegalArgumentException("max in-flight requests per peer must be > 0, got "
                        + maxInFlightPerPeer);
            }
            peers.forEach((id, address) -> {
                if (id == null || id < 0 || address == null) {
                    throw new IllegalArgumentException("bad peer entry " + id + " -> " + address);
                }
            });
            return new GrpcTransport(this);
        }
    }
}
