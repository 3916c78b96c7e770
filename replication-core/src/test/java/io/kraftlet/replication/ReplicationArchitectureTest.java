package io.kraftlet.replication;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.base.DescribedPredicate;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code io.kraftlet.replication} a pure core (DESIGN.md §1): no gRPC or protobuf, no
 * clock, no I/O, no threads, no unseeded randomness. Sub-packages (the log storage, adapters)
 * are out of that rule's scope, but the wire (gRPC, the generated protos, protobuf) is allowed only
 * in the gRPC adapter, {@code io.kraftlet.replication.grpc}. Each rule is shown to fail on a
 * deliberate offender of each clause.
 */
class ReplicationArchitectureTest {

    private static ArchRule pureCore(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.kraftlet.proto..",
                        "com.google.protobuf..", "java.io..", "java.nio..", "java.net..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\..*Executor.*")
                .orShould().callConstructor(Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(ThreadLocalRandom.class)
                .because("the replication core is a function of its inputs; the driver owns threads, time and I/O");
    }

    private static ArchRule wireOnlyInTheAdapter(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.kraftlet.proto..",
                        "com.google.protobuf..")
                .because("only the gRPC adapter (io.kraftlet.replication.grpc) and the embedding API that assembles it "
                        + "(io.kraftlet.replication.broker) touch the wire protocol");
    }

    @Test
    void onlyTheGrpcAdapterDependsOnTheWire() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kraftlet.replication");
        assertTrue(production.contain(io.kraftlet.replication.log.FilePartitionLog.class),
                "the log package was not imported: the rule would pass vacuously there");
        assertTrue(production.contain(io.kraftlet.replication.grpc.ReplicationService.class),
                "the adapter was not imported: its exemption would go unchecked");
        DescribedPredicate<JavaClass> outsideTheAdapter =
                JavaClass.Predicates.resideInAPackage("io.kraftlet.replication..").and(
                        DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("io.kraftlet.replication.grpc..",
                                // The embedding API assembles the adapters and takes an application's own services.
                                "io.kraftlet.replication.broker..")));
        wireOnlyInTheAdapter(outsideTheAdapter).check(production);
    }

    @Test
    void theWireRuleCatchesEachOffender() {
        Class<?>[] offenders = {ProtobufOffender.class, GrpcOffender.class, GeneratedProtoOffender.class};
        JavaClasses imported = new ClassFileImporter().importClasses(offenders);
        for (Class<?> offender : offenders) {
            ArchRule rule = wireOnlyInTheAdapter(JavaClass.Predicates.equivalentTo(offender));
            assertThrows(AssertionError.class, () -> rule.check(imported),
                    offender.getSimpleName() + " slipped through");
        }
    }

    @Test
    void replicationCoreIsPure() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kraftlet.replication");
        assertTrue(production.contain(Partition.class), "Partition was not imported: the rule would pass vacuously");
        pureCore(JavaClass.Predicates.resideInAPackage("io.kraftlet.replication")).check(production);
    }

    @Test
    void theRuleCatchesEachOffender() {
        Class<?>[] offenders = {ProtobufOffender.class, FileOffender.class, ClockOffender.class, ThreadOffender.class,
                RandomOffender.class};
        JavaClasses imported = new ClassFileImporter().importClasses(offenders);
        for (Class<?> offender : offenders) {
            ArchRule rule = pureCore(JavaClass.Predicates.equivalentTo(offender));
            assertThrows(AssertionError.class, () -> rule.check(imported), offender.getSimpleName() + " slipped through");
        }
    }

    @SuppressWarnings("unused")
    static final class ProtobufOffender {
        Object wire() {
            return com.google.protobuf.ByteString.EMPTY;
        }
    }

    @SuppressWarnings("unused")
    static final class GrpcOffender {
        Object status() {
            return io.grpc.Status.OK;
        }
    }

    @SuppressWarnings("unused")
    static final class GeneratedProtoOffender {
        Object request() {
            return io.kraftlet.proto.replication.ReadRequest.getDefaultInstance();
        }
    }

    @SuppressWarnings("unused")
    static final class FileOffender {
        Object file() {
            return new java.io.File("x");
        }
    }

    @SuppressWarnings("unused")
    static final class ClockOffender {
        long now() {
            return System.currentTimeMillis();
        }
    }

    @SuppressWarnings("unused")
    static final class ThreadOffender {
        Object thread() {
            return new Thread(() -> { });
        }
    }

    @SuppressWarnings("unused")
    static final class RandomOffender {
        int draw() {
            return new Random().nextInt();
        }
    }
}
