package io.kraftlet.examples.node;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The records the example load generator appends: UTF-8 text {@code "<sequence> <node id>
 * <leader epoch>"}. Sequence numbers start at 1 and go up by one per committed record, so a
 * reader of {@code committed.txt} can check nothing committed is lost or repeated. Pure functions.
 */
public final class ExampleRecord {
    private ExampleRecord() {
    }

    public static byte[] encode(long sequence, int nodeId, int epoch) {
        return (sequence + " " + nodeId + " " + epoch).getBytes(StandardCharsets.UTF_8);
    }

    /** The sequence number of {@code record}, or empty if it is not an example record. */
    public static OptionalLong sequence(byte[] record) {
        String text = new String(record, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        try {
            long sequence = Long.parseLong(space < 0 ? text : text.substring(0, space));
            return sequence > 0 ? OptionalLong.of(sequence) : OptionalLong.empty();
        } catch (NumberFormatException notOurs) {
            return OptionalLong.empty();
        }
    }
}
