package io.approvalguard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The structure DESIGN.md describes, held by a test: packages form no cycle, and the single-use
 * store and the session notes are touched only by the classes that own their keys (each keeps them
 * private), so a package that needs another's state asks that package's class.
 */
class ArchitectureTest {

    /**
     * Owners of single-use store keys: each names its keys privately and offers methods to the
     * rest.
     */
    private static final Set<String> STORE_OWNERS =
            Set.of(
                    "io.approvalguard.challenge.ChallengeStore",
                    "io.approvalguard.challenge.ApprovedTransactions",
                    "io.approvalguard.fatigue.PromptThrottle",
                    "io.approvalguard.fatigue.SlotPool",
                    "io.approvalguard.device.EnrolmentTokens",
                    "io.approvalguard.deviceapi.DeviceRequest",
                    "io.approvalguard.push.ciba.CibaChallenges");

    /**
     * Owners of session notes: the login's approval flags, a tab's challenge, the enrolment stage,
     * the request as Keycloak noted it.
     */
    private static final Set<String> NOTE_OWNERS =
            Set.of(
                    "io.approvalguard.challenge.login.LoginApproval",
                    "io.approvalguard.challenge.ApprovalContext",
                    "io.approvalguard.challenge.ApprovedTransactions",
                    "io.approvalguard.push.PushChallenges",
                    "io.approvalguard.push.RegisterDeviceAction");

    private static JavaClasses classes;

    @BeforeAll
    static void importProduct() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.approvalguard");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.approvalguard.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheOwnersOfItsKeysTouchTheSingleUseStore() {
        noClasses()
                .that(notIn(STORE_OWNERS))
                .should()
                .accessTargetWhere(
                        JavaAccess.Predicates.target(
                                com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With
                                        .owner(
                                                JavaClass.Predicates.assignableTo(
                                                        SingleUseObjectProvider.class))))
                .because(
                        "a package that needs another's state asks that package's class, never its store keys")
                .check(classes);
    }

    @Test
    void onlyTheOwnersOfItsNotesTouchSessionNotes() {
        noClasses()
                .that(notIn(NOTE_OWNERS))
                .should()
                .callMethodWhere(
                        JavaAccess.Predicates.target(
                                        com.tngtech.archunit.core.domain.properties.HasOwner
                                                .Predicates.With.owner(
                                                JavaClass.Predicates.assignableTo(
                                                                AuthenticationSessionModel.class)
                                                        .or(
                                                                JavaClass.Predicates.assignableTo(
                                                                        UserSessionModel.class))
                                                        .or(
                                                                JavaClass.Predicates.assignableTo(
                                                                        AuthenticatedClientSessionModel
                                                                                .class))))
                                .and(
                                        JavaAccess.Predicates.target(
                                                com.tngtech.archunit.core.domain.properties.HasName
                                                        .Predicates.nameMatching(
                                                        "(get|set|remove)(Auth|Client|UserSession)?Notes?"))))
                .because("notes are another package's state: ask the class that owns them")
                .check(classes);
    }

    @Test
    void noteNamesAndStoreKeysStayPrivateToTheirOwner() {
        fields().that()
                .areStatic()
                .and()
                .areFinal()
                .and()
                .haveRawType(String.class)
                .and(
                        DescribedPredicate.describe(
                                "name a note or belong to a store owner",
                                f ->
                                        f.getName().matches("(.*_)?NOTE(_.*)?")
                                                || STORE_OWNERS.contains(f.getOwner().getName())))
                .should()
                .bePrivate()
                .because("a key another class could name is a key another package could reach into")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> notIn(Set<String> owners) {
        return DescribedPredicate.describe(
                "are not owners " + owners,
                c ->
                        !owners.contains(c.getName())
                                && !owners.contains(c.getName().replaceAll("\\$.*", "")));
    }
}
