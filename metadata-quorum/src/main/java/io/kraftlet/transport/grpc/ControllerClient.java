package io.kraftlet.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.proto.controller.AlterConfigsResponse;
import io.kraftlet.proto.controller.AlterPartitionResponse;
import io.kraftlet.proto.controller.BrokerHeartbeatResponse;
import io.kraftlet.proto.controller.CreateTopicsResponse;
import io.kraftlet.proto.controller.DeleteTopicsResponse;
import io.kraftlet.proto.controller.DescribeClusterResponse;
import io.kraftlet.proto.controller.DescribeTopicsResponse;
import io.kraftlet.proto.controller.ElectLeadersResponse;
import io.kraftlet.proto.controller.ErrorInfo;
import io.kraftlet.proto.controller.KRaftControllerGrpc;
import io.kraftlet.proto.controller.ReadZkPathResponse;
import io.kraftlet.proto.controller.RegisterBrokerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ControllerApi} over gRPC: calls the {@code kraftlet.controller.KRaftController} service of
 * a quorum of controllers and finds the active one itself. Build one with {@link #builder()}.
 *
 * <p><b>Routing.</b> Every call goes first to the controller believed active
 * ({@link #activeControllerId()}; at first the first one listed). An answer NOT_CONTROLLER that
 * names a listed controller sends the call there at once (at most as many times in a row as there
 * are controllers, then with back-off); NOT_CONTROLLER naming none, status UNAVAILABLE,
 * DEADLINE_EXCEEDED or CANCELLED (a server that stops cancels its calls) send it to the next
 * controller in the list after a back-off; the retriable THROTTLING_QUOTA_EXCEEDED and
 * REQUEST_TIMED_OUT send it to the same controller after a back-off. Back-off starts at
 * {@code retryBackoffMs} and doubles up to {@value #RETRY_BACKOFF_MAX_MS} ms. Each attempt has a
 * deadline of {@code requestTimeoutMs}; a call gives up after {@code apiTimeoutMs} in all. Reads
 * (describeCluster, describeTopics, readZkPath) may be answered by any controller (a standby holds
 * a warm image): they fail over the same way, but only writes move the believed active
 * controller. A write that failed over may have been applied by the controller that went away
 * (as in Kafka): a retried CreateTopics may answer TOPIC_ALREADY_EXISTS.
 *
 * <p><b>Outcomes.</b> Errors come back in the reply, wherever the reply has room for them: its
 * {@code error}, or, for CreateTopics, DeleteTopics and AlterConfigs, the error of each item
 * asked for. That covers non-retriable answers (INCONSISTENT_CLUSTER_ID is never retried), a
 * refused request (INVALID_REQUEST, from status INVALID_ARGUMENT), a malformed answer or another
 * failure (UNKNOWN_SERVER_ERROR), and giving up (REQUEST_TIMED_OUT, naming the controllers tried
 * and the last error). DescribeTopics has no room (an empty request means every topic): its
 * future fails with {@link ControllerRequestException} instead. After {@link #close} every
 * pending and later call fails with {@link IllegalStateException}.
 *
 * <p><b>Threads.</b> Thread-safe; no call blocks. One channel per controller, created by the
 * builder and reused. Answers are handled, and futures completed, on this client's
 * {@value #CLIENT_THREADS} daemon threads, which also time the back-offs: callbacks on the
 * futures must not block. {@link #close} blocks for at most {@value #CLOSE_TIMEOUT_MS} ms.
 */
public final class ControllerClient implements ControllerApi, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerClient.class);

    /** {@code controller.quorum.request.timeout.ms}'s default: one attempt's deadline. */
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 2000;
    /** Kafka's {@code default.api.timeout.ms}: the time one call may take across retries. */
    public static final int DEFAULT_API_TIMEOUT_MS = 30_000;
    /** Kafka's {@code retry.backoff.ms}: the first back-off. */
    public static final int DEFAULT_RETRY_BACKOFF_MS = 100;
    /** Kafka's {@code retry.backoff.max.ms}: back-offs double up to this (or the first, if larger). */
    public static final int RETRY_BACKOFF_MAX_MS = 1000;
    /**
     * The least time worth an attempt: a back-off ends at least this long before the call's
     * deadline, and a call with less time left gives up instead of retrying.
     */
    static final long MIN_ATTEMPT_MS = 20;
    static final int CLIENT_THREADS = 2;
    static final long CLOSE_TIMEOUT_MS = 5000;

    private final String clusterId;
    /** Controllers in the order listed, which is the failover order. */
    private final List<Integer> order;
    private final Map<Integer, Controller> controllers;
    private final int requestTimeoutMs;
    private final int apiTimeoutMs;
    private final int retryBackoffMs;
    private final int retryBackoffMaxMs;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger activeControllerId;
    /** Calls not yet completed, so close() can complete them; bounded by the callers' own calls. */
    private final Set<Call<?, ?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ControllerClient(Builder builder, Map<Integer, HostPort> addresses, List<Integer> order) {
        this.clusterId = builder.clusterId;
        this.order = List.copyOf(order);
        this.requestTimeoutMs = builder.requestTimeoutMs;
        this.apiTimeoutMs = builder.apiTimeoutMs;
        this.retryBackoffMs = builder.retryBackoffMs;
        this.retryBackoffMaxMs = Math.max(RETRY_BACKOFF_MAX_MS, builder.retryBackoffMs);
        ChannelCredentials credentials = builder.tls != null
                ? GrpcTransport.channelCredentials(builder.tls) : InsecureChannelCredentials.create();
        AtomicInteger threadNumber = new AtomicInteger();
        ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(CLIENT_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-controller-client-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.setRemoveOnCancelPolicy(true);
        this.scheduler = threads;
        Map<Integer, Controller> channels = new LinkedHashMap<>();
        for (int id : order) {
            HostPort address = addresses.get(id);
            ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port(), credentials)
                    .executor(scheduler)
                    .maxInboundMessageSize(GrpcTransport.MAX_MESSAGE_BYTES)
                    .build();
            channels.put(id, new Controller(id, address, channel, KRaftControllerGrpc.newStub(channel)));
        }
        this.controllers = Map.copyOf(channels);
        this.activeControllerId = new AtomicInteger(order.get(0));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The controller this client believes active: where the next call goes first. */
    public int activeControllerId() {
        return activeControllerId.get();
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        return call("RegisterBroker", true, (stub, observer) -> stub.registerBroker(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (RegisterBrokerResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new BrokerRegistrationReply(error, -1));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        return call("BrokerHeartbeat", true, (stub, observer) -> stub.brokerHeartbeat(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (BrokerHeartbeatResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new BrokerHeartbeatReply(error, false, false, false));
    }

    @Override
    public CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        return call("AlterPartition", true, (stub, observer) -> stub.alterPartition(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (AlterPartitionResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new AlterPartitionReply(error, List.of()));
    }

    @Override
    public CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        Function<ApiError, CreateTopicsReply> errorReply = error -> new CreateTopicsReply(request.topics().stream()
                .map(topic -> new CreatedTopic(topic.name(), null, error, -1, -1)).collect(Collectors.toList()));
        return call("CreateTopics", true, (stub, observer) -> stub.createTopics(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (CreateTopicsResponse response, ApiError error) -> error.isSuccess()
                        ? ControllerMapping.toRecord(response) : errorReply.apply(error),
                errorReply);
    }

    @Override
    public CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        Function<ApiError, DeleteTopicsReply> errorReply = error -> new DeleteTopicsReply(request.names().stream()
                .map(name -> new DeletedTopic(name, error)).collect(Collectors.toList()));
        return call("DeleteTopics", true, (stub, observer) -> stub.deleteTopics(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (DeleteTopicsResponse response, ApiError error) -> error.isSuccess()
                        ? ControllerMapping.toRecord(response) : errorReply.apply(error),
                errorReply);
    }

    @Override
    public CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        return call("ElectLeaders", true, (stub, observer) -> stub.electLeaders(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (ElectLeadersResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new ElectLeadersReply(error, List.of()));
    }

    @Override
    public CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request) {
        var proto = ControllerMapping.toProto(request, clusterId);
        // One result per resource, as the controller answers: changes to one resource go together.
        Set<ConfigResource> resources = new LinkedHashSet<>();
        request.changes().forEach(change -> resources.add(change.resource()));
        Function<ApiError, AlterConfigsReply> errorReply = error -> new AlterConfigsReply(resources.stream()
                .map(resource -> new ConfigResult(resource, error)).collect(Collectors.toList()));
        return call("AlterConfigs", true, (stub, observer) -> stub.alterConfigs(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (AlterConfigsResponse response, ApiError error) -> error.isSuccess()
                        ? ControllerMapping.toRecord(response) : errorReply.apply(error),
                errorReply);
    }

    // ---------------------------------------------------------------- reads

    /**
     * The cluster id, from the first of {@code controllers} (controllers, or brokers, which forward)
     * that answers a DescribeCluster sent without one; fails naming the servers tried when none does.
     */
    public static CompletableFuture<String> discoverClusterId(String controllers, TlsSettings tls, int timeoutMs) {
        Builder builder = builder().controllers(controllers).tls(tls).requestTimeoutMs(timeoutMs).apiTimeoutMs(timeoutMs);
        builder.discovery = true;
        builder.clusterId = "";
        ControllerClient client = builder.build();
        return client.describeCluster().thenApply(reply -> {
            if (!reply.error().isSuccess() || reply.clusterId() == null || reply.clusterId().isEmpty()) {
                throw new ControllerRequestException(reply.error().isSuccess()
                        ? ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR, "the answer carried no cluster id")
                        : reply.error());
            }
            return reply.clusterId();
        }).whenComplete((id, failure) -> client.close());
    }

    @Override
    public CompletableFuture<DescribeClusterReply> describeCluster() {
        var proto = ControllerMapping.describeClusterRequest(clusterId);
        return call("DescribeCluster", false, (stub, observer) -> stub.describeCluster(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (DescribeClusterResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new DescribeClusterReply(error, "", null, List.of(), -1));
    }

    /** Fails with {@link ControllerRequestException} when the call as a whole fails (see the class comment). */
    @Override
    public CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics) {
        var proto = ControllerMapping.describeTopicsRequest(topics, clusterId);
        Function<ApiError, DescribeTopicsReply> errorReply = error -> {
            throw new ControllerRequestException(error);
        };
        return call("DescribeTopics", false, (stub, observer) -> stub.describeTopics(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (DescribeTopicsResponse response, ApiError error) -> error.isSuccess()
                        ? ControllerMapping.toRecord(response) : errorReply.apply(error),
                errorReply);
    }

    @Override
    public CompletableFuture<ZkNode> readZkPath(String path) {
        var proto = ControllerMapping.readZkPathRequest(path, clusterId);
        return call("ReadZkPath", false, (stub, observer) -> stub.readZkPath(proto, observer),
                response -> response.hasError() ? response.getError() : null,
                (ReadZkPathResponse response, ApiError error) -> ControllerMapping.toRecord(response),
                error -> new ZkNode(error, path, "", List.of()));
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Stops: pending calls fail with {@link IllegalStateException}, channels and threads shut
     * down. Idempotent; blocks for at most {@value #CLOSE_TIMEOUT_MS} ms.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
        // Channels first: they hand their last callbacks (calls cut short) to the client's threads.
        controllers.values().forEach(controller -> controller.channel.shutdownNow());
        try {
            for (Controller controller : controllers.values()) {
                controller.channel.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            }
            scheduler.shutdownNow();
            scheduler.awaitTermination(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
        }
        for (Call<?, ?> call : pending) {
            call.failClosed();
        }
    }

    // ---------------------------------------------------------------- calls

    private <P, R> CompletableFuture<R> call(String rpc, boolean write, Start<P> start,
            Function<P, ErrorInfo> outcome, BiFunction<P, ApiError, R> toReply, Function<ApiError, R> errorReply) {
        Call<P, R> call = new Call<>(rpc, write, start, outcome, toReply, errorReply);
        pending.add(call);
        if (closed) {
            call.failClosed();
        } else {
            call.attempt();
        }
        return call.future;
    }

    /** Starts one RPC on a stub. */
    @FunctionalInterface
    private interface Start<P> {
        void start(KRaftControllerGrpc.KRaftControllerStub stub, StreamObserver<P> observer);
    }

    /**
     * One call, from the first attempt to its outcome. Its fields are confined to one step at a
     * time (an attempt, then its answer, then the next attempt): each step is handed to the next
     * through gRPC or the scheduler, which order memory between threads. Only {@link #future} is
     * touched from elsewhere ({@link #close}).
     */
    private final class Call<P, R> {
        final String rpc;
        final boolean write;
        final Start<P> start;
        final Function<P, ErrorInfo> outcome;
        final BiFunction<P, ApiError, R> toReply;
        final Function<ApiError, R> errorReply;
        final CompletableFuture<R> future = new CompletableFuture<>();
        final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(apiTimeoutMs);
        final Set<Integer> tried = new LinkedHashSet<>();
        int target = activeControllerId.get();
        long nextBackoffMs = retryBackoffMs;
        /** Redirects followed at once since the last back-off; bounded, so confused controllers cannot ping-pong. */
        int redirects;
        String lastError = "none";

        Call(String rpc, boolean write, Start<P> start, Function<P, ErrorInfo> outcome,
                BiFunction<P, ApiError, R> toReply, Function<ApiError, R> errorReply) {
            this.rpc = rpc;
            this.write = write;
            this.start = start;
            this.outcome = outcome;
            this.toReply = toReply;
            this.errorReply = errorReply;
        }

        void attempt() {
            if (closed) {
                failClosed();
                return;
            }
            long remainingNanos = remainingNanos(deadlineNanos);
            if (remainingNanos <= 0) {
                giveUp();
                return;
            }
            Controller controller = controllers.get(target);
            tried.add(target);
            controller.maybeReconnect();
            long attemptNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs), remainingNanos);
            try {
                start.start(controller.stub.withDeadlineAfter(attemptNanos, TimeUnit.NANOSECONDS),
                        new AttemptObserver(controller));
            } catch (RuntimeException startFailure) {
                onFailure(controller, Status.fromThrowable(startFailure));
            }
        }

        void onAnswer(Controller from, P response) {
            ApiError error;
            ControllerInfo hint;
            try {
                ErrorInfo wire = outcome.apply(response);
                if (wire == null) {
                    throw new MalformedMessageException(rpc + "Response.error", "is missing");
                }
                error = ControllerMapping.toRecord(wire, rpc + "Response.error");
                hint = ControllerMapping.controllerHint(wire, rpc + "Response.error");
            } catch (MalformedMessageException malformed) {
                completeWithError(malformedAnswer(from, malformed));
                return;
            }
            ControllerError code = error.error();
            if (code == ControllerError.NOT_CONTROLLER) {
                lastError = from.describe() + " answered " + error;
                int named = hint.controllerId();
                if (!controllers.containsKey(named) || named == from.id) {
                    retryLater(from, next(from.id));
                } else if (redirects < controllers.size()) {
                    redirects++;
                    log.debug("{}: controller {} is not active, it names {}", rpc, from.id, named);
                    activeControllerId.set(named);
                    target = named;
                    attempt();
                } else {
                    // Controllers that keep naming each other: their views are settling; wait a little.
                    retryLater(from, named);
                }
            } else if (code.retriable()) {
                lastError = from.describe() + " answered " + error;
                retryLater(from, from.id);
            } else {
                if (write && code != ControllerError.INCONSISTENT_CLUSTER_ID) {
                    // Only the active controller answers a write of this cluster with anything but NOT_CONTROLLER.
                    activeControllerId.set(from.id);
                }
                R reply;
                try {
                    reply = toReply.apply(response, error);
                } catch (MalformedMessageException malformed) {
                    completeWithError(malformedAnswer(from, malformed));
                    return;
                } catch (RuntimeException refused) {
                    finish(null, refused);
                    return;
                }
                finish(reply, null);
            }
        }

        void onFailure(Controller from, Status status) {
            lastError = from.describe() + ": " + status.getCode()
                    + (status.getDescription() == null ? "" : " " + status.getDescription());
            if (closed) {
                failClosed();
                return;
            }
            switch (status.getCode()) {
                // CANCELLED (not by this client, which is not closed): the server stopped mid-call.
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> retryLater(from, next(from.id));
                case INVALID_ARGUMENT -> completeWithError(ApiError.of(ControllerError.INVALID_REQUEST,
                        from.describe() + " refused " + rpc + ": " + status.getDescription()));
                default -> completeWithError(ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                        rpc + " failed: " + lastError));
            }
        }

        /** Tries again on controller {@code retryOn} after a back-off. */
        private void retryLater(Controller from, int retryOn) {
            if (write && retryOn != from.id) {
                // Only if no other call has learned of a newer active controller meanwhile.
                activeControllerId.compareAndSet(from.id, retryOn);
            }
            target = retryOn;
            long attemptWindowMs = TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadlineNanos))
                    - Math.min(MIN_ATTEMPT_MS, requestTimeoutMs);
            if (attemptWindowMs <= 0) {
                giveUp();
                return;
            }
            long delayMs = Math.min(nextBackoffMs, attemptWindowMs);
            nextBackoffMs = Math.min(nextBackoffMs * 2, retryBackoffMaxMs);
            redirects = 0;
            try {
                scheduler.schedule(this::attempt, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                failClosed();
            }
        }

        private void giveUp() {
            completeWithError(ApiError.of(ControllerError.REQUEST_TIMED_OUT, "no controller answered " + rpc
                    + " within " + apiTimeoutMs + " ms; tried controllers " + describeTried()
                    + "; last error: " + lastError));
        }

        private ApiError malformedAnswer(Controller from, MalformedMessageException malformed) {
            log.warn("{}: {} answered a malformed response: {}", rpc, from.describe(), malformed.getMessage());
            return ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                    from.describe() + " answered " + rpc + " with a malformed response: " + malformed.getMessage());
        }

        private void completeWithError(ApiError error) {
            R reply;
            try {
                reply = errorReply.apply(error);
            } catch (RuntimeException noRoom) {
                finish(null, noRoom);
                return;
            }
            finish(reply, null);
        }

        void failClosed() {
            finish(null, new IllegalStateException("the controller client is closed; " + rpc + " was not answered"));
        }

        private void finish(R reply, Throwable failure) {
            pending.remove(this);
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(reply);
            }
        }

        private String describeTried() {
            List<String> names = new ArrayList<>();
            tried.forEach(id -> names.add(controllers.get(id).describe()));
            return names.toString();
        }

        /** Receives one attempt's outcome on a client thread; acts on the first signal only. */
        private final class AttemptObserver implements StreamObserver<P> {
            private final Controller controller;
            private boolean done;

            AttemptObserver(Controller controller) {
                this.controller = controller;
            }

            @Override
            public void onNext(P response) {
                if (!done) {
                    done = true;
                    onAnswer(controller, response);
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (!done) {
                    done = true;
                    onFailure(controller, Status.fromThrowable(failure));
                }
            }

            @Override
            public void onCompleted() {
                if (!done) {
                    done = true;
                    onFailure(controller, Status.INTERNAL.withDescription("the call ended without an answer"));
                }
            }
        }
    }

    /** One controller: its address and its channel, reused by every call. */
    private record Controller(int id, HostPort address, ManagedChannel channel,
            KRaftControllerGrpc.KRaftControllerStub stub) {
        String describe() {
            return id + "@" + address;
        }

        /**
         * gRPC waits up to two minutes between connection attempts to a failed server; a
         * restarted controller must be reachable again at once. Attempts on one call are spaced
         * by its back-off (or bounded redirects), so this reconnects at most that often.
         */
        void maybeReconnect() {
            if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
        }
    }

    /** The controller listed after {@code id}, wrapping around. */
    private int next(int id) {
        return order.get((order.indexOf(id) + 1) % order.size());
    }

    private static long remainingNanos(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /**
     * A call failed as a whole where its reply has no room for the error (DescribeTopics): it
     * could not be answered in time, or was refused.
     */
    public static final class ControllerRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient ApiError error;

        public ControllerRequestException(ApiError error) {
            super(error.toString());
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }

    /**
     * Configures a {@link ControllerClient}. Required: cluster id and controllers. Not
     * thread-safe; use it on one thread, then share the built client.
     */
    public static final class Builder {
        private String clusterId;
        /** A client that only discovers the cluster id: it sends an empty one. */
        private boolean discovery;
        private String controllers;
        private TlsSettings tls;
        private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
        private int apiTimeoutMs = DEFAULT_API_TIMEOUT_MS;
        private int retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;

        private Builder() {
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** {@code controller.quorum.voters}: {@code 1@host:port,2@host:port}; the first listed is tried first. */
        public Builder controllers(String controllers) {
            this.controllers = controllers;
            return this;
        }

        /** Mutual TLS, as the controllers' servers expect; without it the client speaks plaintext. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** The deadline of one attempt on one controller. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /** The time one call may take in all, across retries and controllers. */
        public Builder apiTimeoutMs(int apiTimeoutMs) {
            this.apiTimeoutMs = apiTimeoutMs;
            return this;
        }

        /** The first back-off between retries; later ones double up to {@value #RETRY_BACKOFF_MAX_MS} ms. */
        public Builder retryBackoffMs(int retryBackoffMs) {
            this.retryBackoffMs = retryBackoffMs;
            return this;
        }

        /** @throws IllegalArgumentException naming the first missing or invalid setting */
        public ControllerClient build() {
            if (!discovery && (clusterId == null || clusterId.isEmpty())) {
                throw new IllegalArgumentException("cluster id is required");
            }
            Map<Integer, HostPort> addresses = QuorumVoters.parse(controllers);
            if (requestTimeoutMs <= 0) {
                throw new IllegalArgumentException("request timeout must be > 0 ms, got " + requestTimeoutMs);
            }
            if (apiTimeoutMs <= 0) {
                throw new IllegalArgumentException("api timeout must be > 0 ms, got " + apiTimeoutMs);
            }
            if (retryBackoffMs <= 0) {
                throw new IllegalArgumentException("retry back-off must be > 0 ms, got " + retryBackoffMs);
            }
            // QuorumVoters.parse orders by id and has checked every entry; the order listed is the failover order.
            List<Integer> order = new ArrayList<>();
            for (String entry : controllers.split(",")) {
                order.add(Integer.parseInt(entry.substring(0, entry.indexOf('@')).trim()));
            }
            return new ControllerClient(this, addresses, order);
        }
    }
}
