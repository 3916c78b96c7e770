package io.kraftlet.image;

import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A registered broker as the metadata log says: its epoch (the offset of its registration
 * record), the incarnation that registered, its listeners and rack, and whether it is fenced
 * or in controlled shutdown.
 */
public record BrokerRegistration(int id, long epoch, UUID incarnationId, List<Endpoint> listeners, String rack,
        boolean fenced, boolean inControlledShutdown) {
    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        listeners = List.copyOf(listeners);
        rack = rack == null ? "" : rack;
    }

    /** May lead partitions and be added to ISRs. */
    public boolean isActive() {
        return !fenced && !inControlledShutdown;
    }

    public BrokerRegistration withFenced(boolean nowFenced) {
        return new BrokerRegistration(id, epoch, incarnationId, listeners, rack, nowFenced, inControlledShutdown);
    }

    public BrokerRegistration withControlledShutdown(boolean shuttingDown) {
        return new BrokerRegistration(id, epoch, incarnationId, listeners, rack, fenced, shuttingDown);
    }

    /** The first listener with this name. */
    public Optional<Endpoint> listener(String name) {
        return listeners.stream().filter(endpoint -> endpoint.name().equals(name)).findFirst();
    }

    public MetadataRecord.RegisterBroker toRecord() {
        return new MetadataRecord.RegisterBroker(id, epoch, incarnationId, listeners, rack, fenced, inControlledShutdown);
    }
}
