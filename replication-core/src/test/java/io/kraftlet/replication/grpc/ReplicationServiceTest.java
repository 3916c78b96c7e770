package io.kraftlet.replication.grpc;

import static io.kraftlet.replication.grpc.ReplicationMappingTest.assertSameBatches;
import static io.kraftlet.replication.grpc.ReplicationMappingTest.assertSameRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.replication.KRaftReplicationGrpc;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.FetchPartitionRequest;
import io.kraftlet.replication.FetchPartitionResponse;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.replication.ReplicationApi;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.transport.grpc.GrpcTransport;
import io.kraftlet.transport.grpc.TestCertificates;
import io.kraftlet.transport.grpc.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication service on a real gRPC server on loopback, called by a {@link ReplicationClient}
 * (or a raw stub, for what the client never sends), in front of an in-test {@link ReplicationApi}.
 */
class ReplicationServiceTest {
    private static final String CLUSTER = "kraftlet-test";
    private static final UUID TOPIC = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final long WAIT_SECONDS = 10;

    private final FakeApi api = new FakeApi();
    private final ExecutorService answers = Executors.newFixedThreadPool(2);
    private final List<Server> servers = new ArrayList<>();
    private final List<ReplicationClient> clients = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws InterruptedException {
        clients.forEach(ReplicationClient::close);
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
        for (Server server : servers) {
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        answers.shutdownNow();
    }

    @Test
    void fetchRoundTrips() throws Exception {
        ReplicationClient client = client(CLUSTER, start(service()), null);
        ReplicaFetchRequest request = fetchRequest(500);
        List<Batch> records = List.of(batch(10, 2, "a", "b"), batch(12, 3, "c"));
        api.onFetch = sent -> CompletableFuture.completedFuture(new ReplicaFetchResponse(List.of(
                new ReplicaFetchResponse.PartitionData(TOPIC, 0, FetchPartitionResponse.ofRecords(13, 0, records)),
                new ReplicaFetchResponse.PartitionData(TOPIC, 1,
                        FetchPartitionResponse.ofDivergingEpoch(40, 0, new EpochEndOffset(2, 30))))));

        ReplicaFetchResponse response = await(client.fetch(request, 5000));

        assertEquals(List.of(request), api.received);
        assertEquals(2, response.partitions().size());
        assertSameBatches(records, response.partitions().get(0).response().records());
        assertEquals(13, response.partitions().get(0).response().highWatermark());
        assertEquals(new EpochEndOffset(2, 30), response.partitions().get(1).response().divergingEpoch().orElseThrow());
    }

    @Test
    void produceRoundTrips() throws Exception {
        ReplicationClient client = client(CLUSTER, start(service()), null);
        ProduceRequest request = new ProduceRequest(ORDERS_0, List.of(bytes("k=v"), bytes("k=w")), -1, 3000);
        api.onProduce = sent -> CompletableFuture.completedFuture(ProduceResult.appended(42));

        assertEquals(ProduceResult.appended(42), await(client.produce(request, 5000)));

        ProduceRequest received = (ProduceRequest) api.received.get(0);
        assertEquals(request.topicPartition(), received.topicPartition());
        assertEquals(-1, received.acks());
        assertEquals(3000, received.timeoutMs());
        assertSameRecords(request.records(), received.records());
    }

    @Test
    void readRoundTripsAndErrorsComeBackInTheResult() throws Exception {
        ReplicationClient client = client(CLUSTER, start(service()), null);
        List<Batch> batches = List.of(batch(5, 1, "x", "y"));
        api.onRead = read -> CompletableFuture.completedFuture(read.offset() == 5
                ? new ReadResult(ReplicationError.NONE, batches, 7, 0, "")
                : ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, 7, 0, "offset 9 is outside [0, 7]"));

        ReadResult read = await(client.read(ORDERS_0, 5, 1024, 5000));
        assertSameBatches(batches, read.batches());
        assertEquals(7, read.highWatermark());
        assertEquals(new ReplicationMapping.Read(ORDERS_0, 5, 1024), api.received.get(0));

        assertEquals(ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, 7, 0, "offset 9 is outside [0, 7]"),
                await(client.read(ORDERS_0, 9, 1024, 5000)));
    }

    @Test
    void aRequestForAnotherClusterIsRefusedWithoutCallingTheApi() throws Exception {
        ReplicationClient stranger = client("other-cluster", start(service()), null);

        List<CompletableFuture<?>> calls = List.of(stranger.fetch(fetchRequest(0), 5000),
                stranger.produce(new ProduceRequest(ORDERS_0, List.of(bytes("v")), 1, 100), 5000),
                stranger.read(ORDERS_0, 0, 100, 5000));

        for (CompletableFuture<?> call : calls) {
            Throwable refused = failure(call);
            assertInstanceOf(IllegalStateException.class, refused);
            assertTrue(refused.getMessage().contains("'other-cluster'") && refused.getMessage().contains("'" + CLUSTER
                    + "'"), refused.getMessage());
        }
        assertEquals(0, api.calls.get());
    }

    @Test
    void aMalformedRequestIsRefusedNamingTheField() {
        int port = start(service());
        var stub = KRaftReplicationGrpc.newBlockingStub(channel(port)).withDeadlineAfter(5, TimeUnit.SECONDS);
        var proto = ReplicationMapping.toProto(fetchRequest(0), CLUSTER);
        var malformed = proto.toBuilder().setPartitions(1, proto.getPartitions(1).toBuilder().setFetchOffset(-1))
                .build();

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> stub.fetch(malformed));

        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals("ReplicaFetchRequest.partitions[1].fetch_offset must be >= 0, got -1",
                refused.getStatus().getDescription());
        assertEquals(0, api.calls.get());
    }

    @Test
    void aFailedApiFutureEndsTheCallWithItsMessage() throws Exception {
        int port = start(service());
        api.onProduce = sent -> CompletableFuture.failedFuture(new IllegalStateException("log directory /d failed"));

        StatusRuntimeException raw = assertThrows(StatusRuntimeException.class, () -> KRaftReplicationGrpc
                .newBlockingStub(channel(port)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .produce(ReplicationMapping.toProto(new ProduceRequest(ORDERS_0, List.of(bytes("v")), 1, 100),
                        CLUSTER)));
        assertEquals(Status.Code.INTERNAL, raw.getStatus().getCode());
        assertEquals("log directory /d failed", raw.getStatus().getDescription());

        Throwable failed = failure(client(CLUSTER, port, null)
                .produce(new ProduceRequest(ORDERS_0, List.of(bytes("v")), 1, 100), 5000));
        ReplicationRpcException rpc = assertInstanceOf(ReplicationRpcException.class, failed);
        assertEquals(Status.Code.INTERNAL, rpc.code());
        assertTrue(rpc.getMessage().contains("127.0.0.1:" + port)
                && rpc.getMessage().contains("log directory /d failed"), rpc.getMessage());
    }

    @Test
    void aLongPollIsAnsweredWhenTheApiCompletesLater() throws Exception {
        ReplicationClient client = client(CLUSTER, start(service()), null);
        CompletableFuture<ReplicaFetchResponse> parked = new CompletableFuture<>();
        api.onFetch = sent -> parked;

        CompletableFuture<ReplicaFetchResponse> fetch = client.fetch(fetchRequest(10_000), 15_000);
        api.awaitCall();
        assertFalse(fetch.isDone(), "the fetch must wait while the leader holds it");

        List<Batch> records = List.of(batch(10, 2, "late"));
        parked.complete(new ReplicaFetchResponse(List.of(new ReplicaFetchResponse.PartitionData(TOPIC, 0,
                FetchPartitionResponse.ofRecords(11, 0, records)))));

        assertSameBatches(records, await(fetch).partitions().get(0).response().records());
    }

    @Test
    void aPassedDeadlineFailsTheCallClearlyAndFreesTheSlot() throws Exception {
        ReplicationService service = service();
        int port = start(service);
        api.onRead = read -> new CompletableFuture<>();

        Throwable failed = failure(client(CLUSTER, port, null).read(ORDERS_0, 0, 100, 200));

        ReplicationRpcException rpc = assertInstanceOf(ReplicationRpcException.class, failed);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, rpc.code());
        assertTrue(rpc.getMessage().startsWith("Read to broker 127.0.0.1:" + port + " failed: DEADLINE_EXCEEDED"),
                rpc.getMessage());
        // The client's cancellation reaches the server: the abandoned call gives its slot back.
        awaitCondition(() -> service.inFlightRequests() == 0, "the cancelled call's slot was not freed");
    }

    @Test
    void callsPastTheInFlightBoundAreRefusedResourceExhausted() throws Exception {
        ReplicationService service = new ReplicationService(CLUSTER, api, answers, 1);
        ReplicationClient client = client(CLUSTER, start(service), null);
        CompletableFuture<ReplicaFetchResponse> parked = new CompletableFuture<>();
        api.onFetch = sent -> parked;

        CompletableFuture<ReplicaFetchResponse> first = client.fetch(fetchRequest(10_000), 15_000);
        api.awaitCall();
        ReplicationRpcException refused = assertInstanceOf(ReplicationRpcException.class,
                failure(client.fetch(fetchRequest(0), 5000)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.code());

        parked.complete(new ReplicaFetchResponse(List.of()));
        assertEquals(new ReplicaFetchResponse(List.of()), await(first));
        api.onFetch = sent -> CompletableFuture.completedFuture(new ReplicaFetchResponse(List.of()));
        assertEquals(new ReplicaFetchResponse(List.of()), await(client.fetch(fetchRequest(0), 5000)));
    }

    @Test
    void aClosedClientRefusesCalls() {
        ReplicationClient client = client(CLUSTER, start(service()), null);
        client.close();
        assertInstanceOf(IllegalStateException.class, failure(client.read(ORDERS_0, 0, 100, 1000)));
    }

    @Test
    void mutualTlsRoundTripsAndRefusesAPlaintextClient() throws Exception {
        TestCertificates authority = TestCertificates.newAuthority(dir, "kraftlet-test-ca");
        TlsSettings brokerTls = authority.issue(dir, "broker-1").tls(authority.trustFile());
        TlsSettings followerTls = authority.issue(dir, "broker-2").tls(authority.trustFile());
        int port = start(service(), GrpcTransport.serverCredentials(brokerTls));
        api.onProduce = sent -> CompletableFuture.completedFuture(ProduceResult.appended(7));

        assertEquals(ProduceResult.appended(7), await(client(CLUSTER, port, followerTls)
                .produce(new ProduceRequest(ORDERS_0, List.of(bytes("v")), 1, 100), 5000)));

        ReplicationRpcException plaintext = assertInstanceOf(ReplicationRpcException.class,
                failure(client(CLUSTER, port, null).read(ORDERS_0, 0, 100, 5000)));
        assertEquals(Status.Code.UNAVAILABLE, plaintext.code());
        assertEquals(1, api.calls.get());
    }

    // ---------------------------------------------------------------- helpers

    private ReplicationService service() {
        return new ReplicationService(CLUSTER, api, answers);
    }

    private int start(ReplicationService service) {
        return start(service, InsecureServerCredentials.create());
    }

    private int start(ReplicationService service, ServerCredentials credentials) {
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                    .addService(service).maxInboundMessageSize(GrpcTransport.MAX_MESSAGE_BYTES).build().start();
            servers.add(server);
            return server.getPort();
        } catch (IOException bindFailure) {
            throw new IllegalStateException(bindFailure);
        }
    }

    private ReplicationClient client(String clusterId, int port, TlsSettings tls) {
        ReplicationClient client = ReplicationClient.builder().clusterId(clusterId).target("127.0.0.1", port).tls(tls)
                .build();
        clients.add(client);
        return client;
    }

    private ManagedChannel channel(int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static ReplicaFetchRequest fetchRequest(int maxWaitMs) {
        return new ReplicaFetchRequest(2, 9, maxWaitMs, 1 << 20, List.of(
                new FetchPartitionRequest(TOPIC, 0, 2, 9, 3, 10, 2, 4096),
                new FetchPartitionRequest(TOPIC, 1, 2, 9, 3, 0, FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 4096)));
    }

    private static Batch batch(long baseOffset, int epoch, String... records) {
        return new Batch(baseOffset, epoch, 1_700_000_000_000L, false,
                java.util.Arrays.stream(records).map(ReplicationServiceTest::bytes).toList());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        return failed.getCause();
    }

    /** Polls {@code condition} until it holds or the deadline passes; no fixed sleep. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, String message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Answers as each test scripts it; records what it was asked. Thread-safe. */
    private static final class FakeApi implements ReplicationApi {
        final AtomicInteger calls = new AtomicInteger();
        final List<Object> received = java.util.Collections.synchronizedList(new ArrayList<>());
        private final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
        volatile Function<ReplicaFetchRequest, CompletableFuture<ReplicaFetchResponse>> onFetch =
                sent -> unexpected("fetch");
        volatile Function<ProduceRequest, CompletableFuture<ProduceResult>> onProduce = sent -> unexpected("produce");
        volatile Function<ReplicationMapping.Read, CompletableFuture<ReadResult>> onRead = sent -> unexpected("read");

        @Override
        public CompletableFuture<ReplicaFetchResponse> fetch(ReplicaFetchRequest request) {
            arrived(request);
            return onFetch.apply(request);
        }

        @Override
        public CompletableFuture<ProduceResult> produce(ProduceRequest request) {
            arrived(request);
            return onProduce.apply(request);
        }

        @Override
        public CompletableFuture<ReadResult> read(TopicPartition topicPartition, long offset, int maxBytes) {
            ReplicationMapping.Read read = new ReplicationMapping.Read(topicPartition, offset, maxBytes);
            arrived(read);
            return onRead.apply(read);
        }

        /** Waits until the api has been called (once more than awaited before). */
        void awaitCall() throws InterruptedException {
            if (arrivals.poll(WAIT_SECONDS, TimeUnit.SECONDS) == null) {
                throw new AssertionError("the api was not called");
            }
        }

        private void arrived(Object request) {
            calls.incrementAndGet();
            received.add(request);
            arrivals.add(request);
        }

        private static <T> CompletableFuture<T> unexpected(String rpc) {
            return CompletableFuture.failedFuture(new AssertionError("unexpected " + rpc));
        }
    }
}
