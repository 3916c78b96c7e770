package io.kraftlet.transport.grpc;

import static io.kraftlet.transport.grpc.TransportTestSupport.awaitCondition;
import static io.kraftlet.transport.grpc.TransportTestSupport.dropped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import io.kraftlet.raft.VoterSet;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import io.kraftlet.transport.grpc.RecordingHandler.Received;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcTlsTest {
    private static final String CLUSTER = "kraftlet-tls";
    private static final VoterSet VOTERS = new VoterSet(List.of(1, 2, 3));

    @TempDir
    Path dir;

    private TestCertificates authority;
    private TestCertificates.Pem node1;
    private TestCertificates.Pem node2;
    private TestCertificates.Pem untrusted;
    private final List<GrpcTransport> transports = new ArrayList<>();
    private final List<ManagedChannel> rawChannels = new ArrayList<>();

    @BeforeEach
    void generateCertificates() throws Exception {
        authority = TestCertificates.newAuthority(dir, "kraftlet-test-ca");
        node1 = authority.issue(dir, "node-1");
        node2 = authority.issue(dir, "node-2");
        untrusted = TestCertificates.selfSigned(dir, "intruder");
    }

    @AfterEach
    void closeAll() {
        rawChannels.forEach(ManagedChannel::shutdownNow);
        transports.forEach(GrpcTransport::close);
    }

    @Test
    void mutualTlsBetweenTwoNodesWorks() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport server = start(2, node2.tls(authority.trustFile()), Map.of(), handler2);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport client = start(1, node1.tls(authority.trustFile()), Map.of(2, address(server)), handler1);

        client.send(2, new VoteRequest(CLUSTER, 5, 1, 3, 2, 10, false));
        Received<RaftResponse> answer = handler1.nextResponse();
        assertEquals(2, answer.source());
        assertEquals(new VoteResponse(5, Errors.NONE, -1, 3, true, false), answer.message());
        assertEquals(1, handler2.requests.size());
        assertEquals(1, handler2.requests.get(0).source());
    }

    @Test
    void plaintextClientIsRefused() {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport server = start(2, node2.tls(authority.trustFile()), Map.of(), handler2);

        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport plaintext = start(1, null, Map.of(2, address(server)), handler1);
        plaintext.send(2, new VoteRequest(CLUSTER, 6, 1, 3, 2, 10, false));
        awaitCondition(() -> dropped(plaintext, "unavailable") + dropped(plaintext, "failed") == 1.0,
                "the plaintext vote to fail");

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        rawChannels.add(channel);
        assertRefused(channel);
        assertTrue(handler1.responses.isEmpty());
        assertTrue(handler2.requests.isEmpty(), "nothing reaches the node over plaintext");
    }

    @Test
    void clientWithUntrustedCertificateIsRefused() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport server = start(2, node2.tls(authority.trustFile()), Map.of(), handler2);

        // The intruder trusts the real CA, so only its own certificate can fail the handshake.
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport intruder = start(1, untrusted.tls(authority.trustFile()), Map.of(2, address(server)), handler1);
        intruder.send(2, new VoteRequest(CLUSTER, 7, 1, 3, 2, 10, false));
        awaitCondition(() -> dropped(intruder, "unavailable") + dropped(intruder, "failed") == 1.0,
                "the intruder's vote to fail");

        ChannelCredentials credentials = TlsChannelCredentials.newBuilder()
                .keyManager(untrusted.certificate().toFile(), untrusted.privateKey().toFile())
                .trustManager(authority.trustFile().toFile())
                .build();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port(), credentials).build();
        rawChannels.add(channel);
        assertRefused(channel);
        assertTrue(handler1.responses.isEmpty());
        assertTrue(handler2.requests.isEmpty(), "nothing reaches the node from an untrusted certificate");
    }

    @Test
    void serverWithUntrustedCertificateIsRefusedByClients() {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport impostor = start(2, untrusted.tls(authority.trustFile()), Map.of(), handler2);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport client = start(1, node1.tls(authority.trustFile()), Map.of(2, address(impostor)), handler1);

        client.send(2, new VoteRequest(CLUSTER, 8, 1, 3, 2, 10, false));
        awaitCondition(() -> dropped(client, "unavailable") + dropped(client, "failed") == 1.0,
                "the vote to the impostor to fail");
        assertTrue(handler2.requests.isEmpty());
    }

    @Test
    void missingTlsFilesAreNamed() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new TlsSettings(node1.certificate(), dir.resolve("absent.pem"), authority.trustFile()));
        assertTrue(missing.getMessage().contains("privateKeyFile"), missing.getMessage());
    }

    private static void assertRefused(ManagedChannel channel) {
        io.kraftlet.proto.raft.VoteRequest vote =
                ProtoMapping.toProto(new VoteRequest(CLUSTER, 9, 1, 3, 2, 10, false), 2);
        assertThrows(StatusRuntimeException.class, () -> KRaftQuorumGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).vote(vote));
    }

    private GrpcTransport start(int nodeId, TlsSettings tls, Map<Integer, HostPort> peers, RecordingHandler handler) {
        GrpcTransport transport = GrpcTransport.builder().nodeId(nodeId).clusterId(CLUSTER).voters(VOTERS)
                .peers(peers).listenAddress(new HostPort("127.0.0.1", 0)).requestTimeoutMs(5000).tls(tls).build();
        transports.add(transport);
        transport.start(handler);
        return transport;
    }

    private static HostPort address(GrpcTransport transport) {
        return new HostPort("127.0.0.1", transport.port());
    }
}
