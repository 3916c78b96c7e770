package io.kraftlet.transport.grpc;

import static io.kraftlet.transport.grpc.TransportTestSupport.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.ControllerInfo;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.raft.VoterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against three real controller services on loopback, each served by a
 * {@link GrpcTransport} through its {@code service(...)} hook (next to the quorum service) and
 * backed by a {@link ScriptedControllerApi}.
 */
class ControllerClientTest {
    private static final String CLUSTER = "kraftlet-test";
    private static final VoterSet VOTERS = new VoterSet(List.of(1, 2, 3));
    private static final UUID INCARNATION = UUID.fromString("a4b1ec05-94f2-4b3c-8a67-41f8e1d9c8a2");
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    private final ExecutorService answers = Executors.newFixedThreadPool(2);
    private final List<Node> nodes = new ArrayList<>();
    private final List<ControllerClient> clients = new ArrayList<>();

    /** One controller: its scripted api, the transport serving it, its port, and the controller RPCs it received. */
    private record Node(int id, ScriptedControllerApi api, GrpcTransport transport, int port, AtomicInteger calls) {
        ControllerInfo info() {
            return new ControllerInfo(id, 5, "127.0.0.1", port);
        }
    }

    @AfterEach
    void closeAll() {
        clients.forEach(ControllerClient::close);
        nodes.forEach(node -> node.transport().close());
        answers.shutdownNow();
    }

    @Test
    void followsTheNotControllerHintFromAStandby() throws Exception {
        startNodes(null);
        makeActive(2);
        ControllerClient client = client(CLUSTER, 10_000);
        assertEquals(1, client.activeControllerId(), "the first controller listed is tried first");

        ControllerApi.CreateTopicsReply reply = get(client.createTopics(createOrders()));
        assertEquals(ApiError.of(ControllerError.NONE, "created by 2"), reply.topics().get(0).error());
        assertEquals(2, client.activeControllerId());
        assertEquals(1, node(1).api().requests.size(), "the standby was asked once and named the active one");
        assertEquals(0, node(3).calls().get(), "the hint was followed at once, not the list");

        assertEquals(2002, get(client.registerBroker(register(2))).brokerEpoch());
        assertEquals(1, node(1).calls().get(), "later calls go straight to the active controller");
        assertEquals(2, node(2).api().requests.size());
    }

    @Test
    void failsOverOnItsOwnWhenTheActiveControllerStops() throws Exception {
        startNodes(null);
        makeActive(2);
        ControllerClient client = client(CLUSTER, 15_000);
        assertEquals(2004, get(client.registerBroker(register(4))).brokerEpoch());

        CompletableFuture<Object> never = new CompletableFuture<>();
        node(2).api().script = request -> never;
        CompletableFuture<ControllerApi.BrokerRegistrationReply> pending = client.registerBroker(register(5));
        awaitCondition(() -> node(2).api().requests.size() == 2, "the call to reach controller 2");
        // Controller 2 goes away mid-call; controller 1 takes over. Controller 3 learns of it first.
        node(1).api().active = node(1).info();
        node(3).api().active = node(1).info();
        node(2).transport().close();

        ControllerApi.BrokerRegistrationReply reply = get(pending);
        assertEquals(ApiError.NONE, reply.error());
        assertEquals(1005, reply.brokerEpoch(), "controller 1 answered");
        assertEquals(1, client.activeControllerId());
        assertEquals(1, node(3).api().requests.size(), "the next listed after 2 was asked, and named 1");
    }

    @Test
    void allControllersDownTimesOutWithinTheApiTimeoutNamingTheControllersTried() throws Exception {
        startNodes(null);
        String controllers = controllers();
        nodes.forEach(node -> node.transport().close());
        int apiTimeoutMs = 1500;
        ControllerClient client = track(ControllerClient.builder().clusterId(CLUSTER).controllers(controllers)
                .requestTimeoutMs(500).apiTimeoutMs(apiTimeoutMs).retryBackoffMs(20).build());

        long startNanos = System.nanoTime();
        var create = client.createTopics(createOrders());
        var cluster = client.describeCluster();
        var topics = client.describeTopics(List.of("orders"));

        ApiError error = get(create).topics().get(0).error();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertEquals(ControllerError.REQUEST_TIMED_OUT, error.error(), error.toString());
        assertTrue(elapsedMs < apiTimeoutMs + 1000, "gave up after " + elapsedMs + " ms");
        for (Node node : nodes) {
            assertTrue(error.message().contains(node.id() + "@127.0.0.1:" + node.port()), error.message());
        }
        String lastError = "(?s).*; last error: [123]@127\\.0\\.0\\.1:\\d+: (UNAVAILABLE|DEADLINE_EXCEEDED).*";
        assertTrue(error.message().matches(lastError), "names the last error: " + error.message());

        assertEquals(ControllerError.REQUEST_TIMED_OUT, get(cluster).error().error());
        ExecutionException noRoom = assertThrows(ExecutionException.class,
                () -> topics.get(WAIT_SECONDS, TimeUnit.SECONDS));
        var failure = assertInstanceOf(ControllerClient.ControllerRequestException.class, noRoom.getCause());
        assertEquals(ControllerError.REQUEST_TIMED_OUT, failure.error().error());
    }

    @Test
    void wrongClusterIdIsNotRetried() throws Exception {
        startNodes(null);
        makeActive(1);
        ControllerClient client = client("another-cluster", 10_000);

        ApiError error = get(client.registerBroker(register(4))).error();
        assertEquals(ControllerError.INCONSISTENT_CLUSTER_ID, error.error());
        assertTrue(error.message().contains("another-cluster"), error.message());
        assertEquals(ControllerError.INCONSISTENT_CLUSTER_ID,
                get(client.createTopics(createOrders())).topics().get(0).error().error());

        assertEquals(2, nodes.stream().mapToInt(node -> node.calls().get()).sum(), "one RPC per call");
        assertEquals(0, nodes.stream().mapToInt(node -> node.api().requests.size()).sum());
    }

    @Test
    void readsAreAnsweredByAnyControllerAndFailOverWhenUnavailable() throws Exception {
        startNodes(null);
        makeActive(3);
        ControllerClient client = client(CLUSTER, 10_000);

        ControllerApi.DescribeClusterReply cluster = get(client.describeCluster());
        assertEquals("answered-by-1", cluster.clusterId(), "a standby answers reads from its image");
        assertEquals(node(3).info(), cluster.controller());

        node(1).transport().close();
        ControllerApi.DescribeTopicsReply topics = get(client.describeTopics(List.of()));
        assertEquals("2", topics.topics().get(0).configs().get("answered.by"));
        assertEquals("{\"brokerid\":2}", get(client.readZkPath("/controller")).data());
        assertEquals(1, client.activeControllerId(), "reads do not move the believed active controller");

        assertEquals(3003, get(client.registerBroker(register(3))).brokerEpoch());
        assertEquals(3, client.activeControllerId());
    }

    @Test
    void refusedRequestComesBackAsInvalidRequest() throws Exception {
        startNodes(null);
        ControllerClient client = client(CLUSTER, 10_000);

        ControllerApi.ZkNode node = get(client.readZkPath(""));
        assertEquals(ControllerError.INVALID_REQUEST, node.error().error());
        assertTrue(node.error().message().contains("ReadZkPathRequest.path"), node.error().message());
        assertEquals(1, node(1).calls().get(), "not retried");
    }

    @Test
    void closeFailsPendingCallsAndLaterOnes() throws Exception {
        startNodes(null);
        makeActive(1);
        node(1).api().script = request -> new CompletableFuture<>();
        ControllerClient client = client(CLUSTER, 10_000);
        var pending = client.brokerHeartbeat(new ControllerApi.BrokerHeartbeatRequest(4, 10, 0, false, false));
        awaitCondition(() -> node(1).api().requests.size() == 1, "the call to reach controller 1");

        client.close();
        ExecutionException closed = assertThrows(ExecutionException.class,
                () -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, closed.getCause());
        ExecutionException later = assertThrows(ExecutionException.class,
                () -> client.describeCluster().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, later.getCause());
    }

    @Test
    void speaksMutualTlsWithTheSameSettingsAsTheTransport() throws Exception {
        TestCertificates authority = TestCertificates.newAuthority(dir, "kraftlet-test-ca");
        startNodes(authority.issue(dir, "controller").tls(authority.trustFile()));
        makeActive(2);
        ControllerClient client = track(ControllerClient.builder().clusterId(CLUSTER).controllers(controllers())
                .tls(authority.issue(dir, "broker").tls(authority.trustFile())).apiTimeoutMs(10_000).build());

        assertEquals(2007, get(client.registerBroker(register(7))).brokerEpoch());
    }

    @Test
    void builderNamesTheBadSetting() {
        IllegalArgumentException badVoters = assertThrows(IllegalArgumentException.class,
                () -> ControllerClient.builder().clusterId(CLUSTER).controllers("1@host").build());
        assertTrue(badVoters.getMessage().contains(QuorumVoters.CONFIG_KEY), badVoters.getMessage());
        IllegalArgumentException badTimeout = assertThrows(IllegalArgumentException.class,
                () -> ControllerClient.builder().clusterId(CLUSTER).controllers("1@127.0.0.1:9093").apiTimeoutMs(0)
                        .build());
        assertTrue(badTimeout.getMessage().contains("api timeout"), badTimeout.getMessage());
        IllegalArgumentException noCluster = assertThrows(IllegalArgumentException.class,
                () -> ControllerClient.builder().controllers("1@127.0.0.1:9093").build());
        assertTrue(noCluster.getMessage().contains("cluster id"), noCluster.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private void startNodes(TlsSettings tls) {
        for (int id = 1; id <= 3; id++) {
            ScriptedControllerApi api = new ScriptedControllerApi(id);
            AtomicInteger calls = new AtomicInteger();
            ControllerService service = new ControllerService(CLUSTER, api, answers);
            BindableService counted = () -> ServerInterceptors.intercept(service, counting(calls));
            GrpcTransport transport = GrpcTransport.builder().nodeId(id).clusterId(CLUSTER).voters(VOTERS)
                    .listenAddress(new HostPort("127.0.0.1", 0)).tls(tls).service(counted).build();
            transport.start(RecordingHandler.client());
            nodes.add(new Node(id, api, transport, transport.port(), calls));
        }
    }

    /** Every controller knows {@code id} as the active one. */
    private void makeActive(int id) {
        ControllerInfo active = node(id).info();
        nodes.forEach(node -> node.api().active = active);
    }

    private Node node(int id) {
        return nodes.get(id - 1);
    }

    private String controllers() {
        return nodes.stream().map(node -> node.id() + "@127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    private ControllerClient client(String clusterId, int apiTimeoutMs) {
        return track(ControllerClient.builder().clusterId(clusterId).controllers(controllers())
                .requestTimeoutMs(2000).apiTimeoutMs(apiTimeoutMs).retryBackoffMs(20).build());
    }

    private ControllerClient track(ControllerClient client) {
        clients.add(client);
        return client;
    }

    /** Counts the controller RPCs a server receives, answered or refused. */
    private static ServerInterceptor counting(AtomicInteger calls) {
        return new ServerInterceptor() {
            @Override
            public <Q, P> ServerCall.Listener<Q> interceptCall(ServerCall<Q, P> call, Metadata headers,
                    ServerCallHandler<Q, P> next) {
                calls.incrementAndGet();
                return next.startCall(call, headers);
            }
        };
    }

    private static ControllerApi.BrokerRegistrationRequest register(int brokerId) {
        return new ControllerApi.BrokerRegistrationRequest(brokerId, INCARNATION, List.of(), "", -1);
    }

    private static ControllerApi.CreateTopicsRequest createOrders() {
        return new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("orders", 3, 2)), false);
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
