package io.kraftlet.replication.grpc;

import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.replication.runtime.ReplicaTransport;
import io.kraftlet.transport.grpc.TlsSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Follower fetches over gRPC: one {@link ReplicationClient} (one channel) per leader broker,
 * addressed by the endpoint its registration advertises under {@code listenerName} (or its first
 * one when no name is given). A broker that re-registered with another address gets a new
 * channel.
 *
 * <p>Threading: {@link #fetch} is called on the replication driver thread only; {@link #close}
 * from any thread, once.
 */
public final class GrpcReplicaTransport implements ReplicaTransport {
    private final String clusterId;
    private final String listenerName;
    private final TlsSettings tls;
    private final Map<Integer, ReplicationClient> clients = new HashMap<>();

    /**
     * @param listenerName the listener brokers fetch from each other on, or null for each broker's first
     * @param tls mTLS settings, or null for plaintext
     */
    public GrpcReplicaTransport(String clusterId, String listenerName, TlsSettings tls) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.listenerName = listenerName;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<ReplicaFetchResponse> fetch(BrokerRegistration leader, ReplicaFetchRequest request,
            long timeoutMs) {
        Endpoint endpoint = listenerName == null ? leader.listeners().get(0)
                : leader.listener(listenerName).orElse(null);
        if (endpoint == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker " + leader.id()
                    + " advertises no listener named " + listenerName + ": " + leader.listeners()));
        }
        ReplicationClient client;
        synchronized (clients) {
            client = clients.get(leader.id());
            if (client != null && (!client.address().host().equals(endpoint.host())
                    || client.address().port() != endpoint.port())) {
                client.close();
                client = null;
            }
            if (client == null) {
                client = ReplicationClient.builder().clusterId(clusterId).target(endpoint.host(), endpoint.port())
                        .tls(tls).build();
                clients.put(leader.id(), client);
            }
        }
        return client.fetch(request, timeoutMs);
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.values().forEach(ReplicationClient::close);
            clients.clear();
        }
    }
}
