package io.kraftlet.transport.grpc;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates, in-process, a test CA and certificates (EC P-256) into PEM files: node
 * certificates name 127.0.0.1 and localhost, and are valid for server and client auth.
 * Shared with later modules through this module's test-jar.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key, both as PEM files. */
    public record Pem(Path certificate, Path privateKey) {
        /** TLS settings presenting this certificate and trusting {@code trust}. */
        public TlsSettings tls(Path trust) {
            return new TlsSettings(certificate, privateKey, trust);
        }
    }

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final Path caFile;

    private TestCertificates(KeyPair caKeys, X509Certificate caCertificate, Path caFile) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
        this.caFile = caFile;
    }

    /** A new CA whose certificate is written to {@code dir/<name>.pem}. */
    public static TestCertificates newAuthority(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate certificate = sign(builder(subject, subject, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic())),
                keys.getPrivate());
        Path file = dir.resolve(name + ".pem");
        writePem(file, certificate);
        return new TestCertificates(keys, certificate, file);
    }

    /** A self-signed node certificate that no authority vouches for. */
    public static Pem selfSigned(Path dir, String name) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate certificate = sign(nodeExtensions(builder(subject, subject, keys), keys, null), keys.getPrivate());
        return write(dir, name, certificate, keys.getPrivate());
    }

    public Path trustFile() {
        return caFile;
    }

    /** A node certificate signed by this authority. */
    public Pem issue(Path dir, String name) throws Exception {
        KeyPair keys = keyPair();
        X500Name issuer = new X500Name(caCertificate.getSubjectX500Principal().getName());
        X509Certificate certificate = sign(nodeExtensions(builder(issuer, new X500Name("CN=" + name), keys), keys,
                caCertificate), caKeys.getPrivate());
        return write(dir, name, certificate, keys.getPrivate());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509v3CertificateBuilder nodeExtensions(X509v3CertificateBuilder builder, KeyPair keys,
            X509Certificate issuer) throws Exception {
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}))
                .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        if (issuer != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
        }
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Pem write(Path dir, String name, X509Certificate certificate, PrivateKey key) throws IOException {
        Files.createDirectories(dir);
        Path certificateFile = dir.resolve(name + ".crt.pem");
        Path keyFile = dir.resolve(name + ".key.pem");
        writePem(certificateFile, certificate);
        try (Writer out = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        return new Pem(certificateFile, keyFile);
    }

    private static void writePem(Path file, X509Certificate certificate) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        }
    }
}
