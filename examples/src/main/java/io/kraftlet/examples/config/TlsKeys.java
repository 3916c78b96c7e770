package io.kraftlet.examples.config;

import io.kraftlet.transport.grpc.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The three keys of mutual TLS between quorum members, shared by node configurations and the
 * tools' {@code --command-config}: PEM files, as {@link TlsSettings} takes them. All three or
 * none; with none the quorum speaks plaintext.
 */
public final class TlsKeys {
    /** PEM: this node's certificate, then any intermediates. */
    public static final String CERTIFICATE_FILE = "ssl.certificate.file";
    /** PEM, unencrypted PKCS#8: the certificate's private key. */
    public static final String KEY_FILE = "ssl.key.file";
    /** PEM: the certificates (usually one CA) that peers' certificates must chain to. */
    public static final String TRUSTSTORE_FILE = "ssl.truststore.file";

    static final List<String> KEYS = List.of(CERTIFICATE_FILE, KEY_FILE, TRUSTSTORE_FILE);

    private TlsKeys() {
    }

    static Optional<TlsSettings> parse(ConfigValues values) {
        Optional<Path> certificate = values.readableFile(CERTIFICATE_FILE);
        Optional<Path> key = values.readableFile(KEY_FILE);
        Optional<Path> trust = values.readableFile(TRUSTSTORE_FILE);
        if (certificate.isEmpty() && key.isEmpty() && trust.isEmpty()) {
            return Optional.empty();
        }
        for (String name : KEYS) {
            if (!values.has(name)) {
                throw new ConfigException(name, "is required when any of " + String.join(", ", KEYS)
                        + " is set (mutual TLS needs a certificate, its key and the trusted certificates)");
            }
        }
        return Optional.of(new TlsSettings(certificate.orElseThrow(), key.orElseThrow(), trust.orElseThrow()));
    }
}
