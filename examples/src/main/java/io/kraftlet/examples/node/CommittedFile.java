package io.kraftlet.examples.node;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@value #FILE_NAME} in the node's data directory: the sequence number of every committed
 * example record, one per line, in commit order. Tests read it to check that nothing committed
 * is lost. Each batch is written with one {@code write} (it reaches the page cache, so it
 * survives SIGKILL of the process; it is not fsynced, since the Raft log is the durable copy).
 *
 * <p>A restarted node is handed the records after its latest snapshot again; sequence numbers
 * the file already holds are skipped, so each appears once. A line cut short by a crash is
 * dropped when the file is opened.
 *
 * <p>Not thread-safe: used by the state machine on the node's driver thread.
 */
public final class CommittedFile implements Closeable {
    public static final String FILE_NAME = "committed.txt";
    /** The tail read on open to find the last line; lines are far shorter. */
    private static final int TAIL_BYTES = 4096;

    private final FileChannel channel;
    private long lastWritten;

    private CommittedFile(FileChannel channel, long lastWritten) {
        this.channel = channel;
        this.lastWritten = lastWritten;
    }

    /** Opens (creating) {@code dir/committed.txt}. */
    public static CommittedFile open(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                long last = recover(channel);
                channel.position(channel.size());
                return new CommittedFile(channel, last);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Reads every sequence number in {@code dir/committed.txt} (empty if there is none); for tests and tools. */
    public static List<Long> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        List<Long> sequences = new ArrayList<>();
        if (!Files.exists(file)) {
            return sequences;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return sequences;
            }
            for (String line : text.substring(0, end).split("\n")) {
                sequences.add(Long.parseLong(line.trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return sequences;
    }

    /** The highest sequence number in the file, 0 if none. */
    public long lastWritten() {
        return lastWritten;
    }

    /** Appends the sequence numbers above {@link #lastWritten()}, in one write. */
    public void append(List<Long> sequences) {
        StringBuilder lines = new StringBuilder();
        for (long sequence : sequences) {
            if (sequence > lastWritten) {
                lines.append(sequence).append('\n');
                lastWritten = sequence;
            }
        }
        if (lines.length() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + FILE_NAME, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + FILE_NAME, e);
        }
    }

    /** Drops a torn last line and returns the last sequence number, 0 for an empty file. */
    private static long recover(FileChannel channel) throws IOException {
        long size = channel.size();
        int tailLength = (int) Math.min(size, TAIL_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(tailLength);
        while (tail.hasRemaining() && channel.read(tail, size - tailLength + tail.position()) >= 0) {
            // Read the whole tail; a short read just loops.
        }
        String text = new String(tail.array(), StandardCharsets.UTF_8);
        int lastNewline = text.lastIndexOf('\n');
        long keep = lastNewline < 0 ? Math.max(0, size - tailLength) : size - tailLength + lastNewline + 1;
        if (keep < size) {
            channel.truncate(keep);
        }
        if (lastNewline < 0) {
            return 0;
        }
        String complete = text.substring(0, lastNewline);
        String lastLine = complete.substring(complete.lastIndexOf('\n') + 1).trim();
        return lastLine.isEmpty() ? 0 : Long.parseLong(lastLine);
    }
}
