package io.kraftlet.replication.log;

import io.kraftlet.log.FileRaftLog;
import io.kraftlet.metadata.TopicPartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code log.dirs} entry: a directory holding one {@link FilePartitionLog} per partition
 * replica in the sub-directory {@code <topic>-<partition>} (Kafka's layout). {@link #open}
 * opens, and so recovers, every partition log found, and refuses a sub-directory whose name is
 * not {@code <topic>-<partition>}: it is not ours, and guessing could bind a log to the wrong
 * partition. Plain files in the directory (checkpoints, {@code meta.properties}) are left alone.
 *
 * <p>Not thread-safe: used from the replication driver thread only. Methods block on the disk.
 * I/O failures throw {@link UncheckedIOException}; damaged logs throw
 * {@link io.kraftlet.log.CorruptStorageException}; either means the directory is unusable.
 */
public final class LogDirectory implements io.kraftlet.replication.LogStore, AutoCloseable {
    /** Kafka's limit on topic name length (249, so that {@code -<partition>} still fits a file name). */
    public static final int MAX_TOPIC_NAME_LENGTH = 249;
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Pattern PARTITION = Pattern.compile("0|[1-9][0-9]{0,9}");
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Path dir;
    private final FileRaftLog.Builder options;
    private final Map<TopicPartition, FilePartitionLog> logs = new TreeMap<>(ORDER);
    private final Map<TopicPartition, Long> checkpointedHighWatermarks = new TreeMap<>(ORDER);

    private LogDirectory(Path dir, FileRaftLog.Builder options) {
        this.dir = dir;
        this.options = options;
    }

    /** Opens {@code dir} (creating it if needed) with {@link FilePartitionLog#defaultOptions()}. */
    public static LogDirectory open(Path dir) {
        return open(dir, FilePartitionLog.defaultOptions());
    }

    /**
     * Opens {@code dir}, creating it if needed, and opens every partition log in it.
     *
     * @throws IllegalStateException naming the sub-directory whose name is not {@code <topic>-<partition>}
     */
    public static LogDirectory open(Path dir, FileRaftLog.Builder options) {
        LogDirectory directory = new LogDirectory(dir.toAbsolutePath(), Objects.requireNonNull(options, "options"));
        try {
            directory.load();
        } catch (RuntimeException e) {
            directory.closeAfterFailure(e);
            throw e;
        }
        return directory;
    }

    private void load() {
        List<Path> children;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> entries = Files.list(dir)) {
                children = entries.filter(Files::isDirectory).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the log directory " + dir + ": " + e.getMessage(), e);
        }
        // Check every name before opening any log, so a stray directory is reported up front.
        List<TopicPartition> partitions = new ArrayList<>();
        for (Path child : children) {
            partitions.add(parseDirectoryName(child));
        }
        for (TopicPartition partition : partitions) {
            logs.put(partition, FilePartitionLog.open(dir.resolve(directoryName(partition)), options));
        }
        readCheckpoint();
    }

    /** Kafka's name for the file of high watermarks in each log directory. */
    public static final String HIGH_WATERMARK_CHECKPOINT_FILE = "replication-offset-checkpoint";

    private void readCheckpoint() {
        Path file = dir.resolve(HIGH_WATERMARK_CHECKPOINT_FILE);
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).trim().split(" ");
            try {
                if (i == 0) {
                    if (!lines.get(0).trim().equals("0")) {
                        throw new IllegalStateException(file + " has version '" + lines.get(0) + "', expected 0");
                    }
                } else if (i == 1) {
                    Integer.parseInt(fields[0]);
                } else if (!lines.get(i).isBlank()) {
                    checkpointedHighWatermarks.put(new TopicPartition(fields[0], Integer.parseInt(fields[1])),
                            Long.parseLong(fields[2]));
                }
            } catch (RuntimeException malformed) {
                if (malformed instanceof IllegalStateException) {
                    throw malformed;
                }
                throw new IllegalStateException(file + " line " + (i + 1) + " is not '<topic> <partition> <high "
                        + "watermark>': '" + lines.get(i) + "'", malformed);
            }
        }
    }

    @Override
    public long checkpointedHighWatermark(TopicPartition partition) {
        return checkpointedHighWatermarks.getOrDefault(partition, 0L);
    }

    /** Writes the high watermarks (version line, count line, one {@code topic partition hw} line each), fsynced. */
    @Override
    public void checkpointHighWatermarks(Map<TopicPartition, Long> highWatermarks) {
        StringBuilder text = new StringBuilder("0\n").append(highWatermarks.size()).append('\n');
        highWatermarks.forEach((partition, mark) -> text.append(partition.topic()).append(' ')
                .append(partition.partition()).append(' ').append(mark).append('\n'));
        Path file = dir.resolve(HIGH_WATERMARK_CHECKPOINT_FILE);
        Path temp = dir.resolve(HIGH_WATERMARK_CHECKPOINT_FILE + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel parent = FileChannel.open(dir, StandardOpenOption.READ)) {
                parent.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        checkpointedHighWatermarks.clear();
        checkpointedHighWatermarks.putAll(highWatermarks);
    }

    /** The sub-directory name of a partition's log: {@code <topic>-<partition>}. */
    public static String directoryName(TopicPartition partition) {
        requireLegalTopic(partition.topic());
        if (partition.partition() < 0) {
            throw new IllegalArgumentException("partition id must be >= 0, got " + partition);
        }
        return partition.topic() + "-" + partition.partition();
    }

    /**
     * The partition a log sub-directory belongs to.
     *
     * @throws IllegalStateException if the name is not {@code <topic>-<partition>}
     */
    public static TopicPartition parseDirectoryName(Path child) {
        String name = child.getFileName().toString();
        int dash = name.lastIndexOf('-');
        String topic = dash < 0 ? "" : name.substring(0, dash);
        String partition = dash < 0 ? "" : name.substring(dash + 1);
        if (!isLegalTopic(topic) || !PARTITION.matcher(partition).matches() || Long.parseLong(partition) > Integer.MAX_VALUE) {
            throw new IllegalStateException("the log directory " + child.getParent() + " holds the directory '" + name
                    + "', which is not in the form <topic>-<partition> (topic of 1.." + MAX_TOPIC_NAME_LENGTH
                    + " characters [a-zA-Z0-9._-], partition a non-negative int without leading zeros). Remove or move it,"
                    + " or point log.dirs at a sub-directory that holds only partition logs (a file-system root has lost+found)");
        }
        return new TopicPartition(topic, Integer.parseInt(partition));
    }

    private static boolean isLegalTopic(String topic) {
        return topic.length() <= MAX_TOPIC_NAME_LENGTH && LEGAL_TOPIC.matcher(topic).matches()
                && !topic.equals(".") && !topic.equals("..");
    }

    private static void requireLegalTopic(String topic) {
        if (!isLegalTopic(topic)) {
            throw new IllegalArgumentException("illegal topic name '" + topic + "': 1.." + MAX_TOPIC_NAME_LENGTH
                    + " characters of [a-zA-Z0-9._-], not '.' or '..'");
        }
    }

    public Path directory() {
        return dir;
    }

    /** The partitions that have a log here, ordered by topic then partition. */
    public List<TopicPartition> partitions() {
        return List.copyOf(logs.keySet());
    }

    public Optional<FilePartitionLog> log(TopicPartition partition) {
        return Optional.ofNullable(logs.get(partition));
    }

    /**
     * The log of {@code partition}, created empty if it has none yet. A new log's directory
     * entry is fsynced before this returns, so flushed batches cannot vanish with it.
     */
    @Override
    public FilePartitionLog getOrCreate(TopicPartition partition) {
        FilePartitionLog existing = logs.get(partition);
        if (existing != null) {
            return existing;
        }
        FilePartitionLog created = FilePartitionLog.open(dir.resolve(directoryName(partition)), options);
        logs.put(partition, created);
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync the log directory " + dir + ": " + e.getMessage(), e);
        }
        return created;
    }

    /** The file in a partition log's directory naming the topic id it belongs to (Kafka's name). */
    public static final String PARTITION_METADATA_FILE = "partition.metadata";

    /**
     * The log of {@code partition} for the topic {@code topicId}. The id is kept in
     * {@value #PARTITION_METADATA_FILE}; a log written for another topic id (a topic of the same
     * name deleted and re-created while this broker was away) is deleted and started afresh, so
     * its records never surface in the new topic. A log without the file (created through
     * {@link #getOrCreate(TopicPartition)}) is claimed for {@code topicId}.
     */
    @Override
    public FilePartitionLog getOrCreate(TopicPartition partition, UUID topicId) {
        Objects.requireNonNull(topicId, "topicId");
        Path metadata = dir.resolve(directoryName(partition)).resolve(PARTITION_METADATA_FILE);
        Optional<UUID> recorded = readTopicId(metadata);
        if (recorded.isPresent() && !recorded.get().equals(topicId)) {
            delete(partition);
        }
        FilePartitionLog log = getOrCreate(partition);
        if (recorded.isEmpty() || !recorded.get().equals(topicId)) {
            writeTopicId(metadata, topicId);
        }
        return log;
    }

    private static Optional<UUID> readTopicId(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("topic_id:")) {
                    return Optional.of(UUID.fromString(line.substring("topic_id:".length()).trim()));
                }
            }
            throw new IllegalStateException(file + " names no topic_id");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " holds a malformed topic_id: " + e.getMessage(), e);
        }
    }

    private static void writeTopicId(Path file, UUID topicId) {
        Path temp = file.resolveSibling(PARTITION_METADATA_FILE + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(("version: 0\ntopic_id: " + topicId + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel parent = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                parent.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Closes the log of {@code partition} and deletes its directory (its topic was deleted or the
     * replica moved away); the removal is fsynced. Does nothing if there is no such log.
     */
    @Override
    public void delete(TopicPartition partition) {
        FilePartitionLog log = logs.remove(partition);
        if (log != null) {
            log.close();
        }
        Path partitionDir = dir.resolve(directoryName(partition));
        if (!Files.exists(partitionDir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(partitionDir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the log " + partitionDir + ": " + e.getMessage(), e);
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync the log directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Closes every log without flushing. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (FilePartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        logs.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void closeAfterFailure(RuntimeException primary) {
        try {
            close();
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "LogDirectory[" + dir + ", " + logs.size() + " partitions]";
    }
}
