package io.kraftlet.metadata;

import java.util.Objects;

/**
 * One listener a broker advertises, as in Kafka's broker registration: a name (such as
 * {@code PLAINTEXT} or {@code REPLICATION}), a host and a port.
 */
public record Endpoint(String name, String host, int port) {
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of listener " + name + " must be 0-65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return name + "://" + host + ":" + port;
    }
}
