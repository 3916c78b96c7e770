package io.kraftlet.examples.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigParserTest {
    @Test
    void noKeysMeansPlaintext() {
        assertTrue(ClientConfigParser.parse(Map.of()).isEmpty());
    }

    @Test
    void onlyTheTlsKeysAreKnown() {
        ConfigException refusal = assertThrows(ConfigException.class,
                () -> ClientConfigParser.parse(Map.of("security.protocol", "SSL")));

        assertEquals("security.protocol", refusal.key());
        assertTrue(refusal.getMessage().contains("ssl.certificate.file"), refusal.getMessage());
    }

    @Test
    void tlsKeysComeTogether() {
        ConfigException refusal = assertThrows(ConfigException.class,
                () -> ClientConfigParser.parse(Map.of("ssl.truststore.file", "/nonexistent/ca.pem")));

        assertEquals("ssl.truststore.file", refusal.key());
    }
}
