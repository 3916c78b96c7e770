package io.kraftlet;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering of DESIGN.md §1: the pure core ({@code io.kraftlet.raft}) and the storage
 * interfaces ({@code io.kraftlet.log}) know nothing of gRPC or protobuf, and the core reads no
 * clock, sleeps on no thread, starts no thread and draws no unseeded randomness, so that
 * time and randomness stay inputs and every run can be replayed from a seed.
 *
 * <p>Each rule is built for a scope of classes so that the same rule can be shown to fail on a
 * deliberate offender below; a rule that cannot fail proves nothing.
 */
class ArchitectureTest {
    private static final String CORE = "io.kraftlet.raft..";
    /** The controller's pure core: records, images, control managers, the broker lifecycle agent. */
    private static final String[] CONTROLLER_CORE = {"io.kraftlet.metadata..", "io.kraftlet.image..",
            "io.kraftlet.controller..", "io.kraftlet.broker.."};
    private static final String STORAGE = "io.kraftlet.log..";

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kraftlet");
    }

    @Test
    void importFindsTheCoreAndStorageClasses() {
        assertTrue(production.contain("io.kraftlet.raft.RaftNode"), "RaftNode was not imported");
        assertTrue(production.contain("io.kraftlet.raft.QuorumState"), "QuorumState was not imported");
        assertTrue(production.contain("io.kraftlet.log.MemoryRaftLog"), "MemoryRaftLog was not imported");
        assertTrue(production.contain("io.kraftlet.controller.QuorumController"), "QuorumController was not imported");
        assertTrue(production.contain("io.kraftlet.image.MetadataDelta"), "MetadataDelta was not imported");
        assertTrue(production.stream().noneMatch(c -> c.getName().endsWith("Test")),
                "test classes leaked into the import");
    }

    @Test
    void coreAndStorageDoNotDependOnGrpcOrProtobuf() {
        assertImports(CORE);
        assertImports(STORAGE);
        noWireDependencies(resideInAnyPackage(CORE, STORAGE)).check(production);
    }

    @Test
    void controllerCoreIsPure() {
        DescribedPredicate<JavaClass> scope = resideInAnyPackage(CONTROLLER_CORE);
        noWireDependencies(scope).check(production);
        noClockReads(scope).check(production);
        noSleeping(scope).check(production);
        noUnseededRandomness(scope).check(production);
        noThreads(scope).check(production);
    }

    @Test
    void coreReadsNoClock() {
        assertImports(CORE);
        noClockReads(resideInAnyPackage(CORE)).check(production);
    }

    @Test
    void coreNeverSleeps() {
        assertImports(CORE);
        noSleeping(resideInAnyPackage(CORE)).check(production);
    }

    @Test
    void coreDrawsNoUnseededRandomness() {
        assertImports(CORE);
        noUnseededRandomness(resideInAnyPackage(CORE)).check(production);
    }

    @Test
    void coreStartsNoThreadsOrExecutors() {
        assertImports(CORE);
        noThreads(resideInAnyPackage(CORE)).check(production);
    }

    /**
     * Every rule must fail on each offender below that breaks one of its clauses, so no rule
     * (and no clause) is vacuous.
     */
    @Test
    void everyRuleCatchesItsOffenders() {
        JavaClasses offenders = new ClassFileImporter().importClasses(ArchitectureOffenders.ProtobufOffender.class, ArchitectureOffenders.MillisOffender.class,
                ArchitectureOffenders.NanoTimeOffender.class, ArchitectureOffenders.InstantOffender.class, ArchitectureOffenders.ClockOffender.class, ArchitectureOffenders.SleepOffender.class,
                ArchitectureOffenders.RandomOffender.class, ArchitectureOffenders.ThreadLocalRandomOffender.class, ArchitectureOffenders.ThreadOffender.class, ArchitectureOffenders.ExecutorOffender.class);
        assertCaught(offenders, ArchitectureTest::noWireDependencies, ArchitectureOffenders.ProtobufOffender.class);
        assertCaught(offenders, ArchitectureTest::noClockReads, ArchitectureOffenders.MillisOffender.class, ArchitectureOffenders.NanoTimeOffender.class,
                ArchitectureOffenders.InstantOffender.class, ArchitectureOffenders.ClockOffender.class);
        assertCaught(offenders, ArchitectureTest::noSleeping, ArchitectureOffenders.SleepOffender.class);
        assertCaught(offenders, ArchitectureTest::noUnseededRandomness, ArchitectureOffenders.RandomOffender.class,
                ArchitectureOffenders.ThreadLocalRandomOffender.class);
        assertCaught(offenders, ArchitectureTest::noThreads, ArchitectureOffenders.ThreadOffender.class, ArchitectureOffenders.ExecutorOffender.class);
    }

    private static void assertCaught(JavaClasses imported, Function<DescribedPredicate<JavaClass>, ArchRule> rule,
            Class<?>... offenders) {
        for (Class<?> offender : offenders) {
            ArchRule scoped = rule.apply(JavaClass.Predicates.equivalentTo(offender));
            assertThrows(AssertionError.class, () -> scoped.check(imported),
                    offender.getSimpleName() + " slipped through: " + scoped.getDescription());
        }
    }

    // ---------------------------------------------------------------- rules

    private static ArchRule noWireDependencies(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.kraftlet.proto..",
                        "com.google.protobuf..")
                .because("only adapter packages speak gRPC and protobuf; the core speaks plain Java records");
    }

    private static ArchRule noClockReads(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .because("time is an input (tick(nowMs)), so a run can be replayed");
    }

    private static ArchRule noSleeping(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .because("the core never waits; the driver decides when to call tick");
    }

    private static ArchRule noUnseededRandomness(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().callConstructor(Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(ThreadLocalRandom.class)
                .because("all randomness comes from the seeded Random the builder is given");
    }

    private static ArchRule noThreads(DescribedPredicate<JavaClass> scope) {
        return noClasses().that(scope)
                .should().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\..*Executor.*")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ForkJoinPool")
                .because("the core is single-threaded; the driver owns the only thread");
    }

    private static void assertImports(String packagePattern) {
        String prefix = packagePattern.replace("..", "");
        long count = production.stream().filter(c -> c.getPackageName().startsWith(prefix)).count();
        assertTrue(count > 0, "no classes of " + packagePattern + " were imported: the rule would pass vacuously");
    }
}
