package io.kraftlet.metadata;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/** Topic ids as Kafka prints them: the 16 bytes in URL-safe base64 without padding (22 characters). */
public final class Uuids {
    private Uuids() {
    }

    public static String toKafkaString(UUID uuid) {
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** Parses {@link #toKafkaString} output; throws IllegalArgumentException naming the input otherwise. */
    public static UUID fromKafkaString(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("'" + text + "' is not a topic id (22 base64url characters)");
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("'" + text + "' is not a topic id (22 base64url characters)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
