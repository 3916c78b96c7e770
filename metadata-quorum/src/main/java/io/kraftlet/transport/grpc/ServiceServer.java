package io.kraftlet.transport.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server for a node's own services on a listener of their own, with the quorum
 * transport's message limits and TLS: a combined node serves its broker services (replication,
 * forwarding, client) here, apart from the controller listener that {@link GrpcTransport} owns.
 *
 * <p>Threading: {@link #start}, {@link #port} and {@link #close} may be called from any thread;
 * {@code start} and {@code close} at most once each.
 */
public final class ServiceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceServer.class);
    private static final int THREADS = 4;

    private final String name;
    private final HostPort listenAddress;
    private final ServerCredentials credentials;
    private final List<BindableService> services;
    private final ExecutorService executor;
    private Server server;
    private boolean closed;

    /**
     * @param name what serves here, for thread names, logs and errors ({@code broker 4})
     * @param listenAddress where to listen (port 0: any free port)
     * @param tls mutual TLS, or null for plaintext
     * @param services what to serve
     */
    public ServiceServer(String name, HostPort listenAddress, TlsSettings tls, List<BindableService> services) {
        this.name = Objects.requireNonNull(name, "name");
        this.listenAddress = Objects.requireNonNull(listenAddress, "listenAddress");
        this.credentials = tls == null ? InsecureServerCredentials.create() : GrpcTransport.serverCredentials(tls);
        this.services = List.copyOf(services);
        AtomicInteger next = new AtomicInteger();
        String prefix = "kraftlet-services-" + name.replace(' ', '-');
        this.executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Binds the listener and starts serving.
     *
     * @throws UncheckedIOException if the address cannot be bound (the message names it)
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + ": the service listener is closed");
        }
        if (server != null) {
            return;
        }
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(listenAddress.host(), listenAddress.port()), credentials)
                .executor(executor)
                .maxInboundMessageSize(GrpcTransport.MAX_MESSAGE_BYTES)
                .maxConcurrentCallsPerConnection(GrpcTransport.MAX_CONCURRENT_CALLS_PER_CONNECTION);
        services.forEach(builder::addService);
        try {
            server = builder.build().start();
        } catch (IOException bindFailure) {
            throw new UncheckedIOException(name + " cannot listen on " + listenAddress, bindFailure);
        }
        log.info("{} serves {} services on {} (port {})", name, services.size(), listenAddress, server.getPort());
    }

    /** The bound port, the chosen one when configured with port 0. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(name + ": the service listener is not started");
        }
        return server.getPort();
    }

    /** Stops serving: calls in progress are cancelled; waits a few seconds at most. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null) {
                server.shutdownNow();
                server.awaitTermination(GrpcTransport.CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }
}
