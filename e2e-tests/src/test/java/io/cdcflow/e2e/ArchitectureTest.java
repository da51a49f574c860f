package io.cdcflow.e2e;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules of the code's shape that hold across modules, checked with ArchUnit on the main classes of every module this
 * module depends on (all of them: the services, cdc-model, cdc-sink, the registry client, cdc-kafka).
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/e2e-tests/") && !location.contains("/cdc-testkit/"))
            .importPackages("io.cdcflow");

    /** The rules below see every module's classes (a rule over no classes would pass on nothing). */
    @Test
    void everyModuleIsImported() {
        assertThat(MAIN.stream().map(c -> c.getPackageName().split("\\.")[2]).distinct())
                .contains("model", "retry", "auth", "sink", "registryclient", "kafka", "registry", "capture", "router",
                        "warehouse", "cache", "search", "console");
    }

    /** No two packages depend on each other, directly or through others: each package can be read on its own. */
    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.cdcflow.(**)").should().beFreeOfCycles().check(MAIN);
    }
}
