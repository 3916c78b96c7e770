package io.kraftlet.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.proto.metadata.MetadataRecordFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns {@link MetadataRecord}s into the bytes the metadata log and snapshots hold, and back.
 * One record is one protobuf {@code MetadataRecordFrame} ({@code kraftlet/metadata.proto});
 * a snapshot is a sequence of frames, each preceded by its length as a varint (protobuf's
 * "delimited" form), with nothing before, between or after them.
 *
 * <p>Every decoded field is checked (see {@code MetadataRecordMapping}): bytes that are not
 * protobuf, a truncated frame, a frame with no record set, a missing id, an unknown enum value,
 * a negative id or epoch, a port above 65535, ... throw {@link CorruptRecordException} naming
 * the field. Decoding never returns a half-decoded record, and a snapshot decodes completely or
 * not at all. Encoding checks the same rules and throws {@link IllegalArgumentException}, so a
 * record no reader would accept never reaches the log.
 *
 * <p>A snapshot cut exactly at a frame boundary still decodes (to fewer records): detecting a
 * lost tail is the snapshot store's job (its footer and checksum), not the codec's.
 *
 * <p>Stateless; every method is safe from any thread.
 */
public final class MetadataRecordCodec {
    /** Initial snapshot buffer bytes per record: a partition record of three replicas is ~40. */
    private static final int ESTIMATED_RECORD_BYTES = 48;
    /** The snapshot buffer grows as needed; this bounds only the first allocation. */
    private static final int MAX_INITIAL_SNAPSHOT_BYTES = 64 << 20;
    /** CodedOutputStream's own buffer in front of the snapshot buffer. */
    private static final int OUTPUT_BUFFER_BYTES = 64 << 10;

    private MetadataRecordCodec() {
    }

    /**
     * The record's bytes, as one frame without a length prefix.
     *
     * @throws IllegalArgumentException if a field holds a value {@link #decode} would reject
     */
    public static byte[] encode(MetadataRecord record) {
        return MetadataRecordMapping.toFrame(record).toByteArray();
    }

    /**
     * Exactly {@code encode(record).length}, so a caller can split appends under a batch byte
     * limit before it encodes.
     *
     * @throws IllegalArgumentException if a field holds a value {@link #decode} would reject
     */
    public static int sizeOf(MetadataRecord record) {
        return MetadataRecordMapping.toFrame(record).getSerializedSize();
    }

    /**
     * The record {@link #encode} wrote.
     *
     * @throws CorruptRecordException if the bytes are not such a record; the message names what
     *     is wrong
     */
    public static MetadataRecord decode(byte[] bytes) {
        MetadataRecordFrame frame;
        try {
            frame = MetadataRecordFrame.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptRecordException("MetadataRecordFrame is not valid protobuf: " + e.getMessage(), e);
        }
        return MetadataRecordMapping.fromFrame(frame);
    }

    /**
     * The records as one snapshot payload: each record's frame preceded by its length. Builds
     * one frame at a time into a single growing buffer, so 300,000 records cost one pass and
     * about twice the output size in memory, not one array per record.
     *
     * @throws IllegalArgumentException if a record holds a value {@link #decode} would reject
     */
    public static byte[] encodeSnapshot(List<MetadataRecord> records) {
        int initialBytes = (int) Math.min(MAX_INITIAL_SNAPSHOT_BYTES, (long) records.size() * ESTIMATED_RECORD_BYTES);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(initialBytes, 32));
        CodedOutputStream out = CodedOutputStream.newInstance(bytes, OUTPUT_BUFFER_BYTES);
        try {
            for (MetadataRecord record : records) {
                MetadataRecordFrame frame = MetadataRecordMapping.toFrame(record);
                out.writeUInt32NoTag(frame.getSerializedSize());
                frame.writeTo(out);
            }
            out.flush();
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; only running out of memory could stop it.
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The records {@link #encodeSnapshot} wrote, in order, as an unmodifiable list.
     *
     * @throws CorruptRecordException if any frame is malformed or truncated; the message names
     *     the record's index and byte position and what is wrong
     */
    public static List<MetadataRecord> decodeSnapshot(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        List<MetadataRecord> records = new ArrayList<>();
        int position = 0;
        try {
            while (!in.isAtEnd()) {
                position = in.getTotalBytesRead();
                records.add(readFrame(in, bytes.length));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptRecordException(where(records.size(), position) + "is not valid protobuf: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            // Reading from a byte array raises no other I/O error.
            throw new UncheckedIOException(e);
        } catch (CorruptRecordException e) {
            throw new CorruptRecordException(where(records.size(), position) + e.getMessage(), e);
        }
        return Collections.unmodifiableList(records);
    }

    private static MetadataRecord readFrame(CodedInputStream in, int totalBytes) throws IOException {
        int length = in.readRawVarint32();
        int remaining = totalBytes - in.getTotalBytesRead();
        if (length < 0 || length > remaining) {
            throw new CorruptRecordException("frame length " + length + " exceeds the " + remaining
                    + " bytes left (truncated snapshot)");
        }
        int outerLimit = in.pushLimit(length);
        MetadataRecordFrame frame = MetadataRecordFrame.parseFrom(in);
        in.popLimit(outerLimit);
        return MetadataRecordMapping.fromFrame(frame);
    }

    private static String where(int index, int position) {
        return "snapshot record " + index + " at byte " + position + ": ";
    }
}
