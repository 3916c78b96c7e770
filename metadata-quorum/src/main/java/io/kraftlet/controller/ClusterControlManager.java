package io.kraftlet.controller;

import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * Broker lifecycle: registration, heartbeats, unfencing once caught up, fencing when a session
 * expires, and controlled shutdown (leadership moves away before the broker is told it may
 * stop).
 *
 * <p>Decides from the image it is given and returns records. Its one piece of own state is the
 * active controller's view of broker sessions (last heartbeat time, applied metadata offset),
 * which is not replicated, as in Kafka: a newly active controller starts every session afresh
 * with {@link #activate}, so no broker is fenced before a full session timeout has passed.
 */
public final class ClusterControlManager {
    private final ControllerConfig config;
    private final ReplicationControlManager replication;
    private final Map<Integer, Session> sessions = new HashMap<>();

    /** What the active controller knows of one broker's session. */
    private static final class Session {
        long lastContactMs;
        long metadataOffset = -1;
        /** End offset of the controlled-shutdown records; the broker must have applied it to stop. */
        long shutdownOffset = Long.MAX_VALUE;

        Session(long nowMs) {
            this.lastContactMs = nowMs;
        }
    }

    public ClusterControlManager(ControllerConfig config, ReplicationControlManager replication) {
        this.config = config;
        this.replication = replication;
    }

    /** This controller became active: every registered broker gets a full session from now. */
    public void activate(MetadataImage image, long nowMs) {
        sessions.clear();
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            if (broker.fenced()) {
                continue; // fenced brokers have no session to time out
            }
            Session session = new Session(nowMs);
            if (broker.inControlledShutdown()) {
                // An earlier active controller wrote the shutdown records; they are all committed below here.
                session.shutdownOffset = image.endOffset();
            }
            sessions.put(broker.id(), session);
        }
    }

    public void deactivate() {
        sessions.clear();
    }

    /**
     * Registers a broker. Its epoch is {@code nextOffset}, the offset its RegisterBroker record
     * will take (the first record of the result). The same incarnation registering again gets
     * its epoch back; another incarnation is refused while the registered one's session lives.
     */
    public ControllerResult<ControllerApi.BrokerRegistrationReply> registerBroker(MetadataImage image,
            ControllerApi.BrokerRegistrationRequest request, long nextOffset, long nowMs) {
        int id = request.brokerId();
        if (id < 0) {
            return refuseRegistration(ControllerError.INVALID_REQUEST, "broker id must be >= 0, got " + id);
        }
        if (request.listeners().isEmpty()) {
            return refuseRegistration(ControllerError.INVALID_REQUEST, "broker " + id + " advertises no listener");
        }
        BrokerRegistration existing = image.cluster().broker(id);
        if (existing != null && existing.incarnationId().equals(request.incarnationId())) {
            sessions.computeIfAbsent(id, k -> new Session(nowMs)).lastContactMs = nowMs;
            return ControllerResult.answer(new ControllerApi.BrokerRegistrationReply(ApiError.NONE, existing.epoch()));
        }
        // A fenced registration has no session to protect (as in Kafka): the broker stopped, or
        // never caught up, so a new incarnation may take over at once.
        if (existing != null && !existing.fenced() && sessionAlive(id, nowMs)) {
            return refuseRegistration(ControllerError.DUPLICATE_BROKER_REGISTRATION, "broker " + id
                    + " is registered by incarnation " + existing.incarnationId() + " whose session is alive (last "
                    + "heartbeat " + (nowMs - sessions.get(id).lastContactMs) + " ms ago, session timeout "
                    + config.brokerSessionTimeoutMs() + " ms)");
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.RegisterBroker(id, nextOffset, request.incarnationId(), request.listeners(),
                request.rack(), true, false));
        if (existing != null) {
            // The old incarnation is gone: whatever it led moves; if it did not stop cleanly it
            // may have lost data below the high watermark, so it is no longer an eligible leader.
            boolean unclean = request.previousBrokerEpoch() != existing.epoch();
            records.addAll(replication.brokerChanges(image, id, !existing.fenced(), unclean, except(image, id)));
        }
        sessions.put(id, new Session(nowMs));
        return ControllerResult.of(records, new ControllerApi.BrokerRegistrationReply(ApiError.NONE, nextOffset));
    }

    private static ControllerResult<ControllerApi.BrokerRegistrationReply> refuseRegistration(ControllerError error,
            String message) {
        return ControllerResult.answer(new ControllerApi.BrokerRegistrationReply(ApiError.of(error, message), -1));
    }

    /**
     * A heartbeat: renews the session, then unfences a caught-up broker, fences one that asks,
     * or advances a controlled shutdown. {@code nextOffset} is where this result's records start.
     */
    public ControllerResult<ControllerApi.BrokerHeartbeatReply> heartbeat(MetadataImage image,
            ControllerApi.BrokerHeartbeatRequest request, long nextOffset, long nowMs) {
        int id = request.brokerId();
        BrokerRegistration broker = image.cluster().broker(id);
        if (broker == null) {
            return ControllerResult.answer(new ControllerApi.BrokerHeartbeatReply(ApiError.of(
                    ControllerError.BROKER_ID_NOT_REGISTERED, "broker " + id + " is not registered"), false, true, false));
        }
        if (broker.epoch() != request.brokerEpoch()) {
            return ControllerResult.answer(new ControllerApi.BrokerHeartbeatReply(ApiError.of(
                    ControllerError.STALE_BROKER_EPOCH, "broker " + id + " sent epoch " + request.brokerEpoch()
                            + " but is registered with epoch " + broker.epoch()), false, true, false));
        }
        Session session = sessions.computeIfAbsent(id, k -> new Session(nowMs));
        session.lastContactMs = nowMs;
        session.metadataOffset = Math.max(session.metadataOffset, request.currentMetadataOffset());
        // The broker has applied its own registration record: it has the metadata it needs to serve.
        boolean caughtUp = request.currentMetadataOffset() > broker.epoch();
        List<MetadataRecord> records = new ArrayList<>();
        boolean fenced = broker.fenced();
        boolean shouldShutDown = false;
        if (request.wantShutDown()) {
            if (fenced) {
                shouldShutDown = true;
            } else if (!broker.inControlledShutdown()) {
                records.add(new MetadataRecord.BrokerRegistrationChange(id, broker.epoch(), true));
                records.addAll(replication.brokerChanges(image, id, true, false, except(image, id)));
                session.shutdownOffset = nextOffset + records.size();
            } else if (leadsNothing(image, id) && request.currentMetadataOffset() >= session.shutdownOffset) {
                records.add(new MetadataRecord.FenceBroker(id, broker.epoch()));
                fenced = true;
                shouldShutDown = true;
                // The broker stops now: its session ends, so its next incarnation may register at once.
                sessions.remove(id);
            }
        } else if (request.wantFence() && !fenced) {
            records.add(new MetadataRecord.FenceBroker(id, broker.epoch()));
            records.addAll(replication.brokerChanges(image, id, true, false, except(image, id)));
            fenced = true;
        } else if (fenced && caughtUp && !request.wantFence()) {
            records.add(new MetadataRecord.UnfenceBroker(id, broker.epoch()));
            records.addAll(replication.brokerAvailable(image, id, including(image, id)));
            fenced = false;
        }
        return ControllerResult.of(records, new ControllerApi.BrokerHeartbeatReply(ApiError.NONE, caughtUp, fenced,
                shouldShutDown));
    }

    /** The first unfenced broker whose session expired, if any. */
    public OptionalInt expiredSession(MetadataImage image, long nowMs) {
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            if (!broker.fenced() && !sessionAlive(broker.id(), nowMs)) {
                return OptionalInt.of(broker.id());
            }
        }
        return OptionalInt.empty();
    }

    /** Fences a broker whose session expired: FenceBroker, then its partitions move. */
    public List<MetadataRecord> fenceExpired(MetadataImage image, int brokerId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.FenceBroker(brokerId, broker.epoch()));
        records.addAll(replication.brokerChanges(image, brokerId, true, false, except(image, brokerId)));
        sessions.remove(brokerId);
        return records;
    }

    /** When the next unfenced broker's session expires, or Long.MAX_VALUE. */
    public long nextSessionExpiryMs(MetadataImage image) {
        long next = Long.MAX_VALUE;
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            Session session = sessions.get(broker.id());
            if (!broker.fenced()) {
                // A broker without a session (its fencing could not be written yet) is due now.
                next = Math.min(next, session == null ? 0 : session.lastContactMs + config.brokerSessionTimeoutMs() + 1);
            }
        }
        return next;
    }

    private boolean sessionAlive(int brokerId, long nowMs) {
        Session session = sessions.get(brokerId);
        return session != null && nowMs - session.lastContactMs <= config.brokerSessionTimeoutMs();
    }

    private static boolean leadsNothing(MetadataImage image, int brokerId) {
        for (TopicImage topic : image.topics().byId().values()) {
            for (PartitionRegistration partition : topic.partitions()) {
                if (partition.leader() == brokerId) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Liveness as in the image, with {@code brokerId} no longer active. */
    static IntPredicate except(MetadataImage image, int brokerId) {
        return id -> id != brokerId && image.cluster().isActive(id);
    }

    /** Liveness as in the image, with {@code brokerId} active. */
    static IntPredicate including(MetadataImage image, int brokerId) {
        return id -> id == brokerId || image.cluster().isActive(id);
    }
}
