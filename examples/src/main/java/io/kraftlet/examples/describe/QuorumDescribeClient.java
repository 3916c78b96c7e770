package io.kraftlet.examples.describe;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.kraftlet.proto.raft.DescribeQuorumRequest;
import io.kraftlet.proto.raft.DescribeQuorumResponse;
import io.kraftlet.proto.raft.ErrorCode;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import io.kraftlet.proto.raft.ReplicaState;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks controllers for DescribeQuorum over gRPC (the generated blocking stub) until the leader
 * answers. Only the leader knows replica progress; other nodes answer with empty replica lists
 * and a leader id, but not the leader's address, so the caller passes every controller and
 * each is tried in order.
 *
 * <p>Blocking; a new channel per controller asked, closed before returning; any thread.
 */
public final class QuorumDescribeClient {
    /** How long {@code close} waits for a channel to wind down. */
    private static final long CHANNEL_CLOSE_MS = 1000;

    private final String clusterId;
    private final Optional<TlsSettings> tls;
    private final long timeoutMs;

    /**
     * The leader's answer and who gave it.
     *
     * @param leader the controller that answered as leader
     * @param description its view of the quorum, with replica progress
     */
    public record Answer(HostPort leader, QuorumDescription description) {
    }

    /**
     * @param clusterId sent in every request; a controller of another cluster refuses it
     * @param tls client certificate and trusted certificates when the quorum runs mutual TLS
     * @param timeoutMs deadline of each call
     */
    public QuorumDescribeClient(String clusterId, Optional<TlsSettings> tls, long timeoutMs) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.tls = Objects.requireNonNull(tls, "tls");
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be > 0, got " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
    }

    /**
     * Asks each controller in turn; returns the first answer that comes from the leader.
     *
     * @throws IllegalStateException naming every controller and why it did not do, when none
     *     answered as leader, or at once when a controller belongs to another cluster
     */
    public Answer describeLeader(List<HostPort> controllers) {
        if (controllers.isEmpty()) {
            throw new IllegalArgumentException("no controller to ask");
        }
        List<String> misses = new ArrayList<>();
        for (HostPort controller : controllers) {
            DescribeQuorumResponse response;
            try {
                response = call(controller);
            } catch (StatusRuntimeException failed) {
                misses.add(controller + " did not answer (" + failed.getStatus().getCode()
                        + describeCause(failed) + ")");
                continue;
            }
            if (response.getError() == ErrorCode.INCONSISTENT_CLUSTER_ID) {
                throw new IllegalStateException("controller " + controller + " belongs to another cluster than "
                        + clusterId + " (it answered INCONSISTENT_CLUSTER_ID)");
            }
            if (response.getError() != ErrorCode.NONE) {
                misses.add(controller + " answered " + response.getError());
            } else if (response.getLeaderId() < 0) {
                misses.add(controller + " knows no leader (epoch " + response.getLeaderEpoch() + ")");
            } else if (response.getCurrentVotersCount() == 0) {
                misses.add(controller + " is not the leader (it names node " + response.getLeaderId() + " in epoch "
                        + response.getLeaderEpoch() + ")");
            } else {
                return new Answer(controller, toDescription(response));
            }
        }
        throw new IllegalStateException("no controller answered as the quorum leader: " + String.join("; ", misses)
                + (misses.stream().anyMatch(miss -> miss.contains("is not the leader"))
                        ? "; pass every controller in --bootstrap-controller" : ""));
    }

    /** Maps the wire answer to the core's record; -1 stays "unknown". */
    static QuorumDescription toDescription(DescribeQuorumResponse response) {
        return new QuorumDescription(response.getLeaderId(), response.getLeaderEpoch(), response.getHighWatermark(),
                response.getCurrentVotersList().stream().map(QuorumDescribeClient::toReplica).toList(),
                response.getObserversList().stream().map(QuorumDescribeClient::toReplica).toList());
    }

    private static QuorumDescription.ReplicaDescription toReplica(ReplicaState state) {
        return new QuorumDescription.ReplicaDescription(state.getReplicaId(), state.getLogEndOffset(),
                state.getLastFetchTimestampMs(), state.getLastCaughtUpTimestampMs());
    }

    private DescribeQuorumResponse call(HostPort controller) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(controller.host(), controller.port(), credentials())
                .build();
        try {
            return KRaftQuorumGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                    .describeQuorum(DescribeQuorumRequest.newBuilder().setClusterId(clusterId).build());
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(CHANNEL_CLOSE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ChannelCredentials credentials() {
        if (tls.isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        TlsSettings settings = tls.get();
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(settings.certificateChainFile().toFile(), settings.privateKeyFile().toFile())
                    .trustManager(settings.trustCertificatesFile().toFile())
                    .build();
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read the TLS files " + settings, unreadable);
        }
    }

    private static String describeCause(StatusRuntimeException failed) {
        String description = failed.getStatus().getDescription();
        Throwable cause = failed.getCause();
        if (description == null && cause != null) {
            description = cause.getMessage();
        }
        return description == null ? "" : ": " + description.replace('\n', ' ');
    }
}
