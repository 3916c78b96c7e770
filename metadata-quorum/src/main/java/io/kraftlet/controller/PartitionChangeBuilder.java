package io.kraftlet.controller;

import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;

/**
 * Works out one partition's next state from its current state, a proposed ISR and an election
 * type, following DESIGN §3, and writes it as a {@link MetadataRecord.PartitionChange} (or
 * nothing when nothing changes). Pure: it reads liveness through {@code isActive}.
 *
 * <p>The rules, in the order they apply:
 * <ol>
 *   <li>The ISR never becomes empty: if the proposal would empty it, the old ISR stays and the
 *       partition has no leader until a member comes back (no silent data loss).</li>
 *   <li>Leader: PREFERRED moves leadership to replicas[0] only if it is in the ISR and alive,
 *       never anything else. ONLINE and UNCLEAN keep a live leader that is in the ISR; otherwise
 *       they pick the first replica (assignment order) in the ISR and alive, then the first in
 *       the ELR and alive (the ISR becomes just that leader); only if the topic allows unclean
 *       election, then any live replica (last-known-ELR members first): the ISR becomes that
 *       leader, which is RECOVERING, and the election is recorded as unclean.</li>
 *   <li>ELR: while the ISR is smaller than min.insync.replicas the high watermark cannot move,
 *       so members dropped from the ISR still hold everything below it and join the ELR; once
 *       the ISR reaches min.insync.replicas the ELR and last-known ELR are cleared. ELR and ISR
 *       never overlap; a lowered min.insync.replicas voids the ELR. Brokers that restarted
 *       uncleanly leave the ELR for the last-known ELR; if such a broker is the kept last ISR
 *       member of a leaderless partition with a non-empty ELR, the first ELR member takes its
 *       place in the ISR, so the restarted broker cannot be elected cleanly.</li>
 * </ol>
 */
public final class PartitionChangeBuilder {
    private final PartitionRegistration current;
    private final UUID topicId;
    private final int partitionId;
    private final IntPredicate isActive;
    private final int minIsr;
    private final boolean uncleanAllowed;
    private List<Integer> targetIsr;
    private ElectionType election = ElectionType.ONLINE;
    private LeaderRecoveryState targetRecoveryState;
    private final Set<Integer> uncleanlyRestarted = new LinkedHashSet<>();
    private boolean uncleanElection;
    /** Deliberate bugs for the simulation's planted-bug tests; always empty in production. */
    private Set<ControllerPlantedBug> plantedBugs = Set.of();

    public PartitionChangeBuilder(PartitionRegistration current, UUID topicId, int partitionId, IntPredicate isActive,
            int minIsr, boolean uncleanAllowed) {
        this.current = current;
        this.topicId = topicId;
        this.partitionId = partitionId;
        this.isActive = isActive;
        this.minIsr = minIsr;
        this.uncleanAllowed = uncleanAllowed;
    }

    public PartitionChangeBuilder targetIsr(List<Integer> isr) {
        this.targetIsr = List.copyOf(isr);
        return this;
    }

    public PartitionChangeBuilder election(ElectionType type) {
        this.election = type;
        return this;
    }

    public PartitionChangeBuilder targetLeaderRecoveryState(LeaderRecoveryState state) {
        this.targetRecoveryState = state;
        return this;
    }

    /** Brokers that came back after an unclean shutdown: they may miss data below the HW. */
    public PartitionChangeBuilder uncleanlyRestarted(int brokerId) {
        uncleanlyRestarted.add(brokerId);
        return this;
    }

    /** Test-only: switches on deliberate bugs; see {@link ControllerPlantedBug}. */
    public PartitionChangeBuilder plantBugsForTesting(Set<ControllerPlantedBug> bugs) {
        this.plantedBugs = bugs;
        return this;
    }

    /** Whether the last {@link #build()} chose a leader outside the ISR and ELR. */
    public boolean uncleanElection() {
        return uncleanElection;
    }

    public Optional<MetadataRecord.PartitionChange> build() {
        uncleanElection = false;
        List<Integer> isr = targetIsr != null ? targetIsr : current.isr();
        if (isr.isEmpty()) {
            isr = current.isr();
        }
        // The ELR holds only while the ISR is below min.insync.replicas: once the ISR reaches it
        // (a lowered min.insync.replicas included) the high watermark moves without the ELR.
        List<Integer> elr = current.isrSize() < minIsr ? new ArrayList<>(current.elr()) : new ArrayList<>();
        List<Integer> lastKnownElr = new ArrayList<>(current.lastKnownElr());
        for (int broker : uncleanlyRestarted) {
            if (elr.remove(Integer.valueOf(broker)) && !lastKnownElr.contains(broker)) {
                lastKnownElr.add(broker);
            }
        }
        if (!isActive.test(current.leader()) && isr.size() == 1
                && uncleanlyRestarted.contains(isr.get(0)) && !elr.isEmpty()) {
            // The kept last ISR member restarted uncleanly and may miss data below the HW, while
            // an ELR member holds it all: that member becomes the kept member instead.
            int replaced = isr.get(0);
            isr = List.of(elr.remove(0));
            if (!lastKnownElr.contains(replaced)) {
                lastKnownElr.add(replaced);
            }
        }
        int leader = current.leader();
        LeaderRecoveryState recovery = targetRecoveryState != null ? targetRecoveryState
                : current.leaderRecoveryState();
        if (election == ElectionType.PREFERRED) {
            int preferred = current.preferredLeader();
            boolean ignoreIsr = plantedBugs.contains(ControllerPlantedBug.PREFERRED_ELECTION_UNCLEAN);
            if (preferred != leader && (isr.contains(preferred) || ignoreIsr) && isActive.test(preferred)) {
                leader = preferred;
            }
        } else if (!(leader != MetadataRecord.NO_LEADER && isActive.test(leader) && isr.contains(leader))) {
            boolean ignoreIsr = plantedBugs.contains(ControllerPlantedBug.ELECTION_OUTSIDE_ISR);
            leader = firstActive(current.replicas(), ignoreIsr ? current.replicas() : isr);
            if (leader == MetadataRecord.NO_LEADER) {
                leader = firstActive(current.replicas(), elr);
                if (leader != MetadataRecord.NO_LEADER) {
                    isr = List.of(leader);
                }
            }
            if (leader == MetadataRecord.NO_LEADER && uncleanAllowed) {
                leader = firstActive(lastKnownElr, current.replicas());
                if (leader == MetadataRecord.NO_LEADER) {
                    leader = firstActive(current.replicas(), current.replicas());
                }
                if (leader != MetadataRecord.NO_LEADER) {
                    isr = List.of(leader);
                    elr.clear();
                    lastKnownElr.clear();
                    recovery = LeaderRecoveryState.RECOVERING;
                    uncleanElection = true;
                }
            }
        }
        if (!uncleanElection) {
            if (isr.size() < minIsr) {
                for (int dropped : current.isr()) {
                    if (!isr.contains(dropped) && !elr.contains(dropped) && !uncleanlyRestarted.contains(dropped)) {
                        elr.add(dropped);
                    }
                }
            } else {
                elr.clear();
                lastKnownElr.clear();
            }
            elr.removeAll(isr);
        }
        boolean leaderChanged = leader != current.leader();
        boolean isrChanged = !isr.equals(current.isr());
        boolean elrChanged = !elr.equals(current.elr());
        boolean lastKnownChanged = !lastKnownElr.equals(current.lastKnownElr());
        boolean recoveryChanged = recovery != current.leaderRecoveryState();
        if (!leaderChanged && !isrChanged && !elrChanged && !lastKnownChanged && !recoveryChanged) {
            return Optional.empty();
        }
        return Optional.of(new MetadataRecord.PartitionChange(topicId, partitionId,
                leaderChanged ? leader : null,
                isrChanged ? isr : null,
                elrChanged ? elr : null,
                lastKnownChanged ? lastKnownElr : null,
                null,
                recoveryChanged ? recovery : null,
                false));
    }

    /** The first broker of {@code order} that is in {@code members} and active, else -1. */
    private int firstActive(List<Integer> order, List<Integer> members) {
        for (int broker : order) {
            if (members.contains(broker) && isActive.test(broker)) {
                return broker;
            }
        }
        return MetadataRecord.NO_LEADER;
    }
}
