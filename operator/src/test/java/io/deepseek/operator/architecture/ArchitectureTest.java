package io.deepseek.operator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The shape of docs/design.md as rules: observe -> plan -> execute, with the deciding code pure (no Kubernetes client, no
 * operator framework, no clock, no randomness) and every package depending only on the ones below it.
 */
class ArchitectureTest {
  static final String BASE = "io.deepseek.operator";
  static final String[] PURE = {BASE + ".model..", BASE + ".engine..", BASE + ".desired..", BASE + ".observe..",
      BASE + ".plan..", BASE + ".status..", BASE + ".validation.."};
  static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(BASE);

  @Test
  void pureCodeTalksToNoClusterAndNoFramework() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..", "io.javaoperatorsdk..",
            "io.quarkus..", "io.micrometer..", "jakarta..", "org.jboss.logging..")
        .because("the decisions are pure functions of the model, the observation and the clock passed in")
        .check(CLASSES);
  }

  @Test
  void pureCodeReadsNoClockAndNoRandomness() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().callMethod(Instant.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(OffsetDateTime.class, "now")
        .orShould().callMethod(ZonedDateTime.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(UUID.class, "randomUUID")
        .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
        .orShould().dependOnClassesThat().areAssignableTo(Random.class)
        .orShould().dependOnClassesThat().areAssignableTo(ThreadLocalRandom.class)
        .orShould().dependOnClassesThat().areAssignableTo(SecureRandom.class)
        .because("the same inputs must give the same plan, status and objects (golden files, pure tests)")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void noPackageUsesOneAboveIt() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("api").definedBy(BASE + ".api..")
        .layer("config").definedBy(BASE + ".config..")
        .layer("model").definedBy(BASE + ".model..")
        .layer("engine").definedBy(BASE + ".engine..")
        .layer("desired").definedBy(BASE + ".desired..")
        .layer("validation").definedBy(BASE + ".validation..")
        .layer("observe").definedBy(BASE + ".observe..")
        .layer("plan").definedBy(BASE + ".plan..")
        .layer("status").definedBy(BASE + ".status..")
        .layer("reconciler").definedBy(BASE + ".reconciler..")
        .layer("cli").definedBy(BASE + ".cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("reconciler").mayNotBeAccessedByAnyLayer()
        .whereLayer("status").mayOnlyBeAccessedByLayers("reconciler")
        .whereLayer("plan").mayOnlyBeAccessedByLayers("status", "reconciler")
        .whereLayer("observe").mayOnlyBeAccessedByLayers("plan", "status", "reconciler")
        .whereLayer("validation").mayOnlyBeAccessedByLayers("reconciler", "cli")
        .whereLayer("desired").mayOnlyBeAccessedByLayers("plan", "reconciler", "cli")
        .whereLayer("engine").mayOnlyBeAccessedByLayers("desired", "validation", "plan", "reconciler", "cli")
        .whereLayer("model").mayOnlyBeAccessedByLayers("engine", "desired", "validation", "observe", "plan", "status",
            "reconciler", "cli")
        .whereLayer("config").mayOnlyBeAccessedByLayers("reconciler", "cli")
        .check(CLASSES);
  }
}
