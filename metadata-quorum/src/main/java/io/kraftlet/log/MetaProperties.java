package io.kraftlet.log;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The identity of a formatted data directory, in {@value #FILE_NAME} (Kafka's layout):
 * {@code version=1}, {@code cluster.id}, {@code node.id} and {@code directory.id}, a random
 * UUID in base64url (22 characters) generated at format time. The directory id lets a voter
 * be told from a wiped disk that comes back claiming the same node id (DESIGN §2 "Identity").
 *
 * <p>Written once by {@link #format} (temp file, fsync, rename, fsync directory) and never
 * overwritten; a node refuses to start on a directory that is not formatted or belongs to
 * another cluster or node ({@link #verify}).
 *
 * <p>Static methods, called once at start-up or by the format tool on whatever thread runs
 * them; they block on the disk. Refusals throw {@link IllegalStateException} with a message
 * naming the file and the values; a garbled file throws {@link CorruptStorageException}; I/O
 * failures throw {@link java.io.UncheckedIOException}.
 *
 * @param clusterId the cluster this directory belongs to
 * @param nodeId the node this directory belongs to
 * @param directoryId the id generated when the directory was formatted
 */
public record MetaProperties(String clusterId, int nodeId, String directoryId) {
    public static final String FILE_NAME = "meta.properties";
    public static final int VERSION = 1;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

    public MetaProperties {
        requireId("cluster.id", clusterId);
        requireId("directory.id", directoryId);
        if (nodeId < 0) {
            throw new IllegalArgumentException("node.id must be >= 0, got " + nodeId);
        }
    }

    /**
     * Formats {@code dir} (created if missing) for {@code nodeId} of {@code clusterId} with a
     * new random directory id.
     *
     * @throws IllegalStateException if the directory is already formatted
     */
    public static MetaProperties format(Path dir, String clusterId, int nodeId) {
        MetaProperties properties = new MetaProperties(clusterId, nodeId, newDirectoryId());
        Path file = dir.toAbsolutePath().resolve(FILE_NAME);
        if (Files.exists(file)) {
            throw new IllegalStateException("refusing to format: " + file + " already exists (" + describeExisting(dir)
                    + "); formatting again would give this directory a new identity");
        }
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.writeAtomically(file, properties.encode());
        } catch (IOException e) {
            throw DurableFiles.failure("write", file, e);
        }
        return properties;
    }

    /**
     * Reads {@code dir}'s identity.
     *
     * @throws IllegalStateException if the directory is not formatted
     */
    public static MetaProperties load(Path dir) {
        Path file = dir.toAbsolutePath().resolve(FILE_NAME);
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the directory " + dir.toAbsolutePath() + " is not formatted; run `kraftlet format`"
                    + " with the cluster id and node id first (" + file + " is missing)");
        } catch (IOException e) {
            throw DurableFiles.failure("read", file, e);
        }
        return decode(file, properties);
    }

    /**
     * Reads {@code dir}'s identity and checks it belongs to this cluster and node.
     *
     * @throws IllegalStateException if the directory is not formatted, or was formatted for
     *     another cluster or node
     */
    public static MetaProperties verify(Path dir, String expectedClusterId, int expectedNodeId) {
        MetaProperties found = load(dir);
        Path file = dir.toAbsolutePath().resolve(FILE_NAME);
        if (!found.clusterId.equals(expectedClusterId)) {
            throw new IllegalStateException(file + " has cluster.id " + found.clusterId + " but this node is configured"
                    + " with cluster.id " + expectedClusterId + ": the directory belongs to another cluster");
        }
        if (found.nodeId != expectedNodeId) {
            throw new IllegalStateException(file + " has node.id " + found.nodeId + " but this node is configured"
                    + " with node.id " + expectedNodeId + ": the directory belongs to another node");
        }
        return found;
    }

    private static MetaProperties decode(Path file, Properties properties) {
        String version = properties.getProperty("version");
        if (!Integer.toString(VERSION).equals(version)) {
            throw new CorruptStorageException(file, "version is " + version + "; this build reads version " + VERSION);
        }
        try {
            return new MetaProperties(properties.getProperty("cluster.id"),
                    Integer.parseInt(Objects.requireNonNullElse(properties.getProperty("node.id"), "")),
                    properties.getProperty("directory.id"));
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, "bad identity: " + e.getMessage(), e);
        }
    }

    private byte[] encode() {
        String text = "# kraftlet directory identity, written by `kraftlet format`; do not edit\n"
                + "version=" + VERSION + "\n"
                + "cluster.id=" + clusterId + "\n"
                + "node.id=" + nodeId + "\n"
                + "directory.id=" + directoryId + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String describeExisting(Path dir) {
        try {
            MetaProperties existing = load(dir);
            return "cluster.id=" + existing.clusterId + ", node.id=" + existing.nodeId
                    + ", directory.id=" + existing.directoryId;
        } catch (RuntimeException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** A random UUID as 22 base64url characters, as Kafka prints its Uuids. */
    private static String newDirectoryId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static void requireId(String key, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be non-empty letters, digits, '-' or '_', got '" + value + "'");
        }
    }
}
