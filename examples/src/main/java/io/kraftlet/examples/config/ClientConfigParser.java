package io.kraftlet.examples.config;

import io.kraftlet.transport.grpc.TlsSettings;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;

/**
 * Parses a tool's {@code --command-config} file: today only the {@code ssl.*} keys of
 * {@link TlsKeys}, needed to reach a quorum that runs mutual TLS. Unknown keys are refused
 * with a {@link ConfigException} naming the key. Any thread.
 */
public final class ClientConfigParser {
    private ClientConfigParser() {
    }

    /** The client's TLS settings, or empty for plaintext. */
    public static Optional<TlsSettings> parse(Map<String, String> properties) {
        ConfigValues values = new ConfigValues(properties);
        values.refuseUnknownKeys(new HashSet<>(TlsKeys.KEYS),
                "a --command-config file may hold " + String.join(", ", TlsKeys.KEYS));
        return TlsKeys.parse(values);
    }
}
