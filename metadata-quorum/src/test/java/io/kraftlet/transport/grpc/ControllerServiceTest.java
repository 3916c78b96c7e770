package io.kraftlet.transport.grpc;

import static io.kraftlet.transport.grpc.TransportTestSupport.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.ControllerInfo;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.controller.BrokerHeartbeatRequest;
import io.kraftlet.proto.controller.CreateTopicsResponse;
import io.kraftlet.proto.controller.DescribeClusterRequest;
import io.kraftlet.proto.controller.DescribeTopicsResponse;
import io.kraftlet.proto.controller.ElectLeadersRequest;
import io.kraftlet.proto.controller.ErrorCode;
import io.kraftlet.proto.controller.ErrorInfo;
import io.kraftlet.proto.controller.KRaftControllerGrpc;
import io.kraftlet.proto.controller.ReadZkPathRequest;
import io.kraftlet.proto.controller.RegisterBrokerRequest;
import io.kraftlet.proto.controller.RegisterBrokerResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The controller service on a plain gRPC server on loopback, backed by a {@link ScriptedControllerApi}. */
class ControllerServiceTest {
    private static final String CLUSTER = "kraftlet-test";
    private static final UUID INCARNATION = UUID.fromString("a4b1ec05-94f2-4b3c-8a67-41f8e1d9c8a2");
    private static final ControllerInfo ACTIVE = new ControllerInfo(1, 6, "127.0.0.1", 19093);

    private final ScriptedControllerApi api = new ScriptedControllerApi(1);
    private final ExecutorService answers = Executors.newFixedThreadPool(2);
    private final AtomicInteger answered = new AtomicInteger();
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeAll() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
        for (Server server : servers) {
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        answers.shutdownNow();
    }

    @Test
    void everyRpcIsAnsweredFromTheApiOnTheExecutor() {
        api.active = ACTIVE;
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, api,
                countingExecutor())));

        var register = new ControllerApi.BrokerRegistrationRequest(4, INCARNATION,
                List.of(new Endpoint("PLAINTEXT", "b4", 9092)), "r1", -1);
        assertEquals(new ControllerApi.BrokerRegistrationReply(ApiError.NONE, 1004),
                ControllerMapping.toRecord(stub.registerBroker(ControllerMapping.toProto(register, CLUSTER))));
        var heartbeat = new ControllerApi.BrokerHeartbeatRequest(4, 1004, 10, true, false);
        assertEquals(new ControllerApi.BrokerHeartbeatReply(ApiError.NONE, true, true, false),
                ControllerMapping.toRecord(stub.brokerHeartbeat(ControllerMapping.toProto(heartbeat, CLUSTER))));
        var alter = new ControllerApi.AlterPartitionRequest(1, 1001, List.of(new ControllerApi.PartitionChangeProposal(
                ScriptedControllerApi.TOPIC_ID, 0, 3, 7, List.of(new ControllerApi.BrokerState(1, 1001)),
                LeaderRecoveryState.RECOVERED)));
        assertEquals(8, ControllerMapping.toRecord(stub.alterPartition(ControllerMapping.toProto(alter, CLUSTER)))
                .partitions().get(0).partitionEpoch());
        var create = new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("orders", 3, 2)), false);
        assertEquals(List.of(new ControllerApi.CreatedTopic("orders", ScriptedControllerApi.TOPIC_ID,
                        ApiError.of(ControllerError.NONE, "created by 1"), 3, 2)),
                ControllerMapping.toRecord(stub.createTopics(ControllerMapping.toProto(create, CLUSTER))).topics());
        var delete = new ControllerApi.DeleteTopicsRequest(List.of("gone"));
        assertEquals(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, ControllerMapping.toRecord(
                stub.deleteTopics(ControllerMapping.toProto(delete, CLUSTER))).topics().get(0).error().error());
        var elect = new ControllerApi.ElectLeadersRequest(ElectionType.PREFERRED, List.of(new TopicPartition("o", 1)));
        assertEquals(1, ControllerMapping.toRecord(stub.electLeaders(ControllerMapping.toProto(elect, CLUSTER)))
                .partitions().get(0).leader());
        var configs = new ControllerApi.AlterConfigsRequest(List.of(
                new ControllerApi.ConfigChange(ConfigResource.topic("orders"), "retention.ms", "5")), true);
        assertEquals(List.of(new ControllerApi.ConfigResult(ConfigResource.topic("orders"), ApiError.NONE)),
                ControllerMapping.toRecord(stub.alterConfigs(ControllerMapping.toProto(configs, CLUSTER))).resources());
        var cluster = ControllerMapping.toRecord(
                stub.describeCluster(ControllerMapping.describeClusterRequest(CLUSTER)));
        assertEquals(ACTIVE, cluster.controller());
        assertEquals(7, cluster.brokers().get(0).id());
        assertEquals("1", ControllerMapping.toRecord(stub.describeTopics(ControllerMapping.describeTopicsRequest(
                List.of("orders"), CLUSTER))).topics().get(0).configs().get("answered.by"));
        assertEquals("{\"brokerid\":1}", ControllerMapping.toRecord(stub.readZkPath(
                ControllerMapping.readZkPathRequest("/controller", CLUSTER))).data());

        assertEquals(List.of(register, heartbeat, alter, create, delete, elect, configs, "describeCluster",
                List.of("orders"), "/controller"), api.requests, "the api got each request as sent");
        assertEquals(10, answered.get(), "every answer was sent from the executor");
    }

    @Test
    void describeClusterWithoutAClusterIdTellsTheCluster() {
        api.active = ACTIVE;
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, api,
                answers)));
        var discovered = ControllerMapping.toRecord(stub.describeCluster(DescribeClusterRequest.getDefaultInstance()));
        assertTrue(discovered.error().isSuccess(), "an empty cluster id is not refused: " + discovered.error());
        assertEquals(ACTIVE, discovered.controller());
        assertEquals(List.of("describeCluster"), api.requests, "the api answered it (with the cluster id)");
    }

    @Test
    void wrongClusterIdIsRefusedWithoutCallingTheApi() {
        api.active = ACTIVE;
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, api,
                answers)));

        RegisterBrokerResponse register = stub.registerBroker(ControllerMapping.toProto(
                new ControllerApi.BrokerRegistrationRequest(4, INCARNATION, List.of(), "", -1), "other-cluster"));
        assertRefusedForCluster(register.getError());
        assertEquals(-1, register.getBrokerEpoch());
        CreateTopicsResponse create = stub.createTopics(ControllerMapping.toProto(
                new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("t", 1, 1)), false),
                "other-cluster"));
        assertRefusedForCluster(create.getError());
        assertEquals(0, create.getTopicsCount());
        DescribeTopicsResponse describe = stub.describeTopics(ControllerMapping.describeTopicsRequest(List.of(),
                "other-cluster"));
        assertRefusedForCluster(describe.getError());
        assertRefusedForCluster(stub.readZkPath(ControllerMapping.readZkPathRequest("/controller", "other-cluster"))
                .getError());
        assertEquals(List.of(), api.requests);
    }

    @Test
    void malformedRequestIsInvalidArgumentNamingTheField() {
        api.active = ACTIVE;
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, api,
                answers)));

        assertInvalidArgument("RegisterBrokerRequest.incarnation_id", () -> stub.registerBroker(
                RegisterBrokerRequest.newBuilder().setClusterId(CLUSTER).setBrokerId(1).setIncarnationId("nope")
                        .build()));
        assertInvalidArgument("BrokerHeartbeatRequest.broker_id", () -> stub.brokerHeartbeat(
                BrokerHeartbeatRequest.newBuilder().setClusterId(CLUSTER).setBrokerId(-1).build()));
        assertInvalidArgument("ElectLeadersRequest.type", () -> stub.electLeaders(
                ElectLeadersRequest.newBuilder().setClusterId(CLUSTER).build()));
        assertInvalidArgument("ReadZkPathRequest.path", () -> stub.readZkPath(
                ReadZkPathRequest.newBuilder().setClusterId(CLUSTER).build()));
        assertEquals(List.of(), api.requests);
    }

    @Test
    void notControllerCarriesTheActiveControllersAddress() {
        ScriptedControllerApi standby = new ScriptedControllerApi(2);
        standby.active = ACTIVE;
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, standby,
                answers)));

        ErrorInfo error = stub.createTopics(ControllerMapping.toProto(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("t", 1, 1)), false), CLUSTER)).getError();
        assertEquals(ErrorCode.NOT_CONTROLLER, error.getCode());
        assertEquals(ACTIVE, ControllerMapping.controllerHint(error, "error"));
        assertEquals("controller 2 is not active", error.getMessage());

        standby.active = null;
        ErrorInfo unknown = stub.brokerHeartbeat(ControllerMapping.toProto(
                new ControllerApi.BrokerHeartbeatRequest(4, 10, 0, false, false), CLUSTER)).getError();
        assertEquals(ErrorCode.NOT_CONTROLLER, unknown.getCode());
        assertEquals(-1, unknown.getControllerId());
        assertEquals(ControllerMapping.UNKNOWN_CONTROLLER, ControllerMapping.controllerHint(unknown, "error"));
    }

    @Test
    void otherFailuresAreUnknownServerErrorsWithTheMessage() {
        KRaftControllerGrpc.KRaftControllerBlockingStub stub = stub(start(new ControllerService(CLUSTER, api,
                answers)));
        var heartbeat = ControllerMapping.toProto(new ControllerApi.BrokerHeartbeatRequest(4, 10, 0, false, false),
                CLUSTER);

        api.script = request -> CompletableFuture.failedFuture(new IllegalStateException("log append failed"));
        ErrorInfo failed = stub.brokerHeartbeat(heartbeat).getError();
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, failed.getCode());
        assertTrue(failed.getMessage().contains("log append failed"), failed.getMessage());

        api.script = request -> {
            throw new IllegalArgumentException("thrown, not returned");
        };
        ErrorInfo thrown = stub.brokerHeartbeat(heartbeat).getError();
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, thrown.getCode());
        assertTrue(thrown.getMessage().contains("thrown, not returned"), thrown.getMessage());

        api.script = request -> CompletableFuture.completedFuture(null);
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, stub.brokerHeartbeat(heartbeat).getError().getCode());
    }

    @Test
    void requestsPastTheInFlightBoundAreThrottledAndSlotsAreFreed() throws Exception {
        CompletableFuture<Object> held = new CompletableFuture<>();
        api.active = ACTIVE;
        api.script = request -> held;
        ControllerService service = new ControllerService(CLUSTER, api, answers, 1);
        Server server = start(service);
        var heartbeat = ControllerMapping.toProto(new ControllerApi.BrokerHeartbeatRequest(4, 10, 0, false, false),
                CLUSTER);

        Future<?> first = KRaftControllerGrpc.newFutureStub(channel(server)).brokerHeartbeat(heartbeat);
        awaitCondition(() -> service.inFlightRequests() == 1, "the first call to wait for the api");
        ErrorInfo throttled = stub(server).brokerHeartbeat(heartbeat).getError();
        assertEquals(ErrorCode.THROTTLING_QUOTA_EXCEEDED, throttled.getCode());
        assertEquals(1, api.requests.size(), "the throttled call never reached the api");

        held.complete(new ControllerApi.BrokerHeartbeatReply(ApiError.NONE, true, false, false));
        first.get(10, TimeUnit.SECONDS);
        awaitCondition(() -> service.inFlightRequests() == 0, "the slot to be freed");

        // A call whose client gives up frees its slot too, though the api never answers.
        api.script = request -> new CompletableFuture<>();
        assertThrows(StatusRuntimeException.class, () -> stub(server).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .brokerHeartbeat(heartbeat));
        awaitCondition(() -> service.inFlightRequests() == 0, "the cancelled call's slot to be freed");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertRefusedForCluster(ErrorInfo error) {
        assertEquals(ErrorCode.INCONSISTENT_CLUSTER_ID, error.getCode());
        assertTrue(error.getMessage().contains("'other-cluster'") && error.getMessage().contains("'" + CLUSTER + "'"),
                error.getMessage());
    }

    private static void assertInvalidArgument(String field, Executable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().startsWith(field + " "), refused.getStatus().getDescription());
    }

    private Executor countingExecutor() {
        return task -> answers.execute(() -> {
            answered.incrementAndGet();
            task.run();
        });
    }

    private Server start(ControllerService service) {
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(service).build().start();
            servers.add(server);
            return server;
        } catch (IOException bindFailure) {
            throw new AssertionError(bindFailure);
        }
    }

    private ManagedChannel channel(Server server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private KRaftControllerGrpc.KRaftControllerBlockingStub stub(Server server) {
        return KRaftControllerGrpc.newBlockingStub(channel(server)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }
}
