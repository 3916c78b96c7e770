package io.kraftlet.transport.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between quorum members. With these settings the server asks every client for a
 * certificate and refuses a connection whose certificate is not signed by one of the trusted
 * certificates (or that presents none: a plaintext peer fails the handshake); channels present
 * the same certificate and trust only the same trust file. A node's certificate must name, as a
 * subject alternative name, the host other nodes use to reach it (the host in
 * {@code controller.quorum.voters}), since clients verify it.
 *
 * @param certificateChainFile PEM: this node's certificate, then any intermediates
 * @param privateKeyFile PEM, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}): the key of that certificate
 * @param trustCertificatesFile PEM: the certificates (usually one CA) that peers' certificates must chain to
 */
public record TlsSettings(Path certificateChainFile, Path privateKeyFile, Path trustCertificatesFile) {
    public TlsSettings {
        requireReadable(certificateChainFile, "certificateChainFile");
        requireReadable(privateKeyFile, "privateKeyFile");
        requireReadable(trustCertificatesFile, "trustCertificatesFile");
    }

    private static void requireReadable(Path file, String name) {
        Objects.requireNonNull(file, name);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("TLS " + name + " " + file + " does not exist or is not readable");
        }
    }
}
