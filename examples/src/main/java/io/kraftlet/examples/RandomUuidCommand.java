package io.kraftlet.examples;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kraftlet random-uuid}: prints a new cluster id, as {@code kafka-storage random-uuid} does. */
@Command(name = "random-uuid", mixinStandardHelpOptions = true,
        description = "Prints a new random cluster id (a UUID in 22 base64url characters, as Kafka prints its ids).")
final class RandomUuidCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(randomUuid());
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String randomUuid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
