package io.approvalguard.governance.kinds;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The kinds are the core's building blocks: they never reach back into it. */
class KindsPackageTest {

    @Test
    void kindsDoNotDependOnTheGovernanceCore() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.approvalguard.governance.kinds");
        noClasses()
                .that()
                .resideInAPackage("io.approvalguard.governance.kinds..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.approvalguard.governance")
                .because("the core (io.approvalguard.governance) depends on the kinds")
                .allowEmptyShould(false)
                .check(classes);
    }
}
