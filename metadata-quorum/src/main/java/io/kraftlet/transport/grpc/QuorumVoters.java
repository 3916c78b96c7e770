package io.kraftlet.transport.grpc;

import io.kraftlet.raft.VoterSet;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses Kafka's {@code controller.quorum.voters} setting, {@code 1@host1:9093,2@host2:9093},
 * into voter id → address. A pure function: safe from any thread.
 */
public final class QuorumVoters {
    /** The configuration key this parser reads, used in its error messages. */
    public static final String CONFIG_KEY = "controller.quorum.voters";

    private QuorumVoters() {
    }

    /**
     * The voters named by {@code voters}, ordered by id.
     *
     * @throws IllegalArgumentException naming the bad entry: empty entry, missing {@code @},
     *     id not a non-negative integer, duplicate id, address not {@code host:port} or port 0
     */
    public static SortedMap<Integer, HostPort> parse(String voters) {
        if (voters == null || voters.isBlank()) {
            throw new IllegalArgumentException(CONFIG_KEY + " is empty; expected id@host:port[,id@host:port...]");
        }
        SortedMap<Integer, HostPort> parsed = new TreeMap<>();
        String[] entries = voters.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                throw bad(entries[i], i, "is empty");
            }
            int at = entry.indexOf('@');
            if (at < 0) {
                throw bad(entry, i, "has no '@' (expected id@host:port)");
            }
            int id = parseId(entry, i, entry.substring(0, at));
            HostPort address;
            try {
                address = HostPort.parse(entry.substring(at + 1));
            } catch (IllegalArgumentException badAddress) {
                throw bad(entry, i, "has a bad address: " + badAddress.getMessage());
            }
            if (address.port() == 0) {
                throw bad(entry, i, "has port 0; a voter needs a fixed port");
            }
            if (parsed.put(id, address) != null) {
                throw bad(entry, i, "repeats voter id " + id);
            }
        }
        return Collections.unmodifiableSortedMap(parsed);
    }

    /** The voter set named by a parsed {@code controller.quorum.voters}. */
    public static VoterSet voterSet(Map<Integer, HostPort> voters) {
        return new VoterSet(voters.keySet());
    }

    private static int parseId(String entry, int index, String idText) {
        int id;
        try {
            id = Integer.parseInt(idText.trim());
        } catch (NumberFormatException notANumber) {
            throw bad(entry, index, "has an id that is not a number: '" + idText + "'");
        }
        if (id < 0) {
            throw bad(entry, index, "has a negative id " + id);
        }
        return id;
    }

    private static IllegalArgumentException bad(String entry, int index, String problem) {
        return new IllegalArgumentException(CONFIG_KEY + " entry " + (index + 1) + " '" + entry + "' " + problem);
    }
}
