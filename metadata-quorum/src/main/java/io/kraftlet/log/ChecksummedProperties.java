package io.kraftlet.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A small human-readable state file: {@code key=value} lines ending with a
 * {@code crc32c=xxxxxxxx} line, the CRC32C of every byte before it. Operators can read it; a
 * torn or edited file is detected instead of trusted. Used for the quorum state and the log
 * start offset.
 *
 * <p>Static helpers with no I/O; decoding throws {@link CorruptStorageException} naming the
 * file.
 */
final class ChecksummedProperties {
    private static final String CRC_KEY = "crc32c";

    private ChecksummedProperties() {
    }

    static byte[] encode(String comment, Map<String, String> values) {
        StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        String crcLine = CRC_KEY + "=" + String.format("%08x", crc(body, body.length)) + "\n";
        byte[] crcBytes = crcLine.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[body.length + crcBytes.length];
        System.arraycopy(body, 0, content, 0, body.length);
        System.arraycopy(crcBytes, 0, content, body.length, crcBytes.length);
        return content;
    }

    /** Verifies the checksum and returns the key/value pairs (comments and crc line dropped). */
    static Map<String, String> decode(Path file, byte[] content) {
        int crcLineStart = startOfLastLine(content);
        String crcLine = new String(content, crcLineStart, content.length - crcLineStart, StandardCharsets.UTF_8);
        if (content.length == 0 || content[content.length - 1] != '\n' || !crcLine.startsWith(CRC_KEY + "=")) {
            throw new CorruptStorageException(file, "the file does not end with a " + CRC_KEY + " line (torn or edited)");
        }
        String expected = String.format("%08x", crc(content, crcLineStart));
        String found = crcLine.substring(CRC_KEY.length() + 1).strip();
        if (!expected.equals(found)) {
            throw new CorruptStorageException(file, "checksum mismatch: file says " + CRC_KEY + "=" + found
                    + " but the content hashes to " + expected);
        }
        return parse(file, new String(content, 0, crcLineStart, StandardCharsets.UTF_8));
    }

    private static int startOfLastLine(byte[] content) {
        for (int i = content.length - 2; i >= 0; i--) {
            if (content[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static Map<String, String> parse(Path file, String body) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || values.put(line.substring(0, equals), line.substring(equals + 1)) != null) {
                throw new CorruptStorageException(file, "malformed or duplicate line '" + line + "'");
            }
        }
        return values;
    }

    static long requireLong(Path file, Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            throw new CorruptStorageException(file, "missing key " + key);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CorruptStorageException(file, key + " is not a number: '" + value + "'", e);
        }
    }

    static int requireInt(Path file, Map<String, String> values, String key) {
        long value = requireLong(file, values, key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new CorruptStorageException(file, key + " is out of range: " + value);
        }
        return (int) value;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
