package io.kraftlet.examples.admin;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.util.List;
import java.util.Optional;

/**
 * What a tool learns from any server of a cluster before its real work: the cluster id and the
 * active controller's address. For tools, such as {@code metadata-quorum}, that speak to the
 * controllers directly but should need neither {@code --cluster-id} nor the controllers' list.
 */
public final class ClusterDiscovery {
    /** The cluster id and, if the answering server knows one, the active controller. */
    public record Cluster(String clusterId, Optional<HostPort> activeController) {
    }

    private ClusterDiscovery() {
    }

    /**
     * Asks the servers (brokers or controllers; the first that answers) for the cluster.
     *
     * @throws IllegalStateException naming the servers when none answers
     */
    public static Cluster discover(List<HostPort> servers, Optional<TlsSettings> tls, int timeoutMs) {
        try (AdminConnection connection = AdminConnection.open(servers, tls, timeoutMs)) {
            ControllerApi.DescribeClusterReply reply = connection.await(connection.client().describeCluster());
            if (!reply.error().isSuccess()) {
                throw new IllegalStateException("cannot describe the cluster: " + reply.error());
            }
            ControllerApi.ControllerInfo controller = reply.controller();
            Optional<HostPort> active = controller == null || controller.controllerId() < 0 || controller.port() <= 0
                    ? Optional.empty() : Optional.of(new HostPort(controller.host(), controller.port()));
            return new Cluster(connection.clusterId(), active);
        }
    }
}
