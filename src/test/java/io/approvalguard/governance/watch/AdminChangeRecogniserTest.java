package io.approvalguard.governance.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.DeviceCredentialModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

/** Every admin event shape the watch knows, its near misses, and odd or hostile paths. */
class AdminChangeRecogniserTest {

    private static final String USER = "8d2c6a9e-1111-4c1e-9d7e-000000000001";
    private static final String CREDENTIAL = "c0ffee00-2222-4c1e-9d7e-000000000002";

    static AdminEvent event(
            ResourceType type, OperationType operation, String path, String representation) {
        AdminEvent event = new AdminEvent();
        event.setId("event-1");
        event.setTime(1_764_640_000_000L);
        event.setRealmId("realm-1");
        event.setRealmName("demo");
        event.setResourceType(type);
        event.setOperationType(operation);
        event.setResourcePath(path);
        event.setRepresentation(representation);
        AuthDetails auth = new AuthDetails();
        auth.setRealmId("master-id");
        auth.setUserId("admin-1");
        auth.setClientId("admin-cli-uuid");
        auth.setIpAddress("192.0.2.7");
        event.setAuthDetails(auth);
        return event;
    }

    static AdminEvent credentialRemoval(String type, String label) {
        AdminEvent event =
                event(
                        ResourceType.USER,
                        OperationType.ACTION,
                        "users/" + USER + "/credentials/" + CREDENTIAL,
                        null);
        event.setDetails(
                label == null
                        ? Map.of("credential_id", CREDENTIAL, "credential_type", type)
                        : Map.of(
                                "credential_id",
                                CREDENTIAL,
                                "credential_type",
                                type,
                                "credential_user_label",
                                label));
        return event;
    }

    private static SensitiveChange only(AdminEvent event) {
        List<SensitiveChange> changes = AdminChangeRecogniser.recognise(event);
        assertEquals(1, changes.size(), () -> "one change expected, got " + changes);
        return changes.get(0);
    }

    private static void none(AdminEvent event) {
        assertEquals(List.of(), AdminChangeRecogniser.recognise(event));
    }

    // ------------------------------------------------------------------ credentials

    @Test
    void removingOurDeviceIsRemoveDevice() {
        SensitiveChange change =
                only(credentialRemoval(DeviceCredentialModel.TYPE, "Alice's phone"));
        assertEquals("remove_device", change.what());
        assertEquals("remove_device", change.governedKind());
        assertEquals(USER, change.subjectUserId());
        assertEquals(
                Map.of("device_id", CREDENTIAL, "device_name", "Alice's phone"), change.details());
    }

    @ParameterizedTest
    @ValueSource(strings = {"otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes"})
    void removingASecondFactorIsRemoveSecondFactor(String type) {
        SensitiveChange change = only(credentialRemoval(type, "my key"));
        assertEquals("remove_second_factor", change.what());
        assertEquals("reset_second_factors", change.governedKind());
        assertEquals(USER, change.subjectUserId());
        assertEquals(type, change.details().get("credential_type"));
        assertEquals(CREDENTIAL, change.details().get("credential_id"));
        assertEquals("my key", change.details().get("credential_label"));
    }

    @Test
    void removingThePasswordOrAnUnknownTypeIsStillReported() {
        assertEquals("remove_password", only(credentialRemoval("password", null)).what());
        SensitiveChange other = only(credentialRemoval("kerberos", null));
        assertEquals("remove_credential", other.what());
        assertNull(other.governedKind());
        AdminEvent noDetails = credentialRemoval("otp", null);
        noDetails.setDetails(null);
        assertEquals("unknown", only(noDetails).details().get("credential_type"));
    }

    @Test
    void aCredentialRemovalIsRecognisedAsDeleteToo() {
        AdminEvent event = credentialRemoval("otp", null);
        event.setOperationType(OperationType.DELETE);
        assertEquals("remove_second_factor", only(event).what());
    }

    @Test
    void labelsAreCutToALength() {
        SensitiveChange change = only(credentialRemoval("otp", "x".repeat(5000)));
        assertEquals(
                AdminChangeRecogniser.MAX_TEXT,
                ((String) change.details().get("credential_label")).length());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "users/U/credentials",
                "users/U/credentials/C/userLabel",
                "users/U/credentials/C/moveToFirst",
                "users/U/credentials/C/moveAfter/D",
                "users/U/configured-user-storage-credential-types"
            })
    void otherCredentialCallsAreNone(String path) {
        for (OperationType op : OperationType.values()) {
            none(event(ResourceType.USER, op, path.replace("U", USER), null));
        }
    }

    // ------------------------------------------------------------------ password and emails

    @Test
    void aPasswordResetIsReportedWithoutItsRepresentation() {
        String secret = "{\"type\":\"password\",\"value\":\"hunter2-secret\",\"temporary\":false}";
        SensitiveChange change =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.ACTION,
                                "users/" + USER + "/reset-password",
                                secret));
        assertEquals("reset_password", change.what());
        assertEquals("reset_password", change.governedKind());
        assertFalse(change.toString().contains("hunter2"), change.toString());
    }

    @Test
    void executeActionsEmailAndTheOldResetPasswordEmail() {
        SensitiveChange actions =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.ACTION,
                                "users/" + USER + "/execute-actions-email",
                                null));
        assertEquals("execute_actions_email", actions.what());
        assertNull(actions.governedKind());
        SensitiveChange reset =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.ACTION,
                                "users/" + USER + "/reset-password-email",
                                null));
        assertEquals("execute_actions_email", reset.what());
        assertEquals("reset_password", reset.governedKind());
        assertEquals(List.of("UPDATE_PASSWORD"), reset.details().get("actions"));
    }

    @Test
    void notSensitiveUserActionsAreNone() {
        for (String tail :
                List.of("send-verify-email", "logout", "impersonation", "consents/app", "groups")) {
            none(
                    event(
                            ResourceType.USER,
                            OperationType.ACTION,
                            "users/" + USER + "/" + tail,
                            null));
        }
        none(event(ResourceType.USER, OperationType.DELETE, "users/" + USER, null));
        none(
                event(
                        ResourceType.USER,
                        OperationType.DELETE,
                        "users/" + USER + "/federated-identity/github",
                        null));
    }

    // ------------------------------------------------------------------ user update

    @Test
    void aConsoleSaveCarriesEmailAndEnabledAndBothAreCandidates() {
        List<SensitiveChange> changes =
                AdminChangeRecogniser.recognise(
                        event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/" + USER,
                                "{\"username\":\"alice\",\"email\":\"new@example.org\","
                                        + "\"enabled\":true,\"firstName\":\"Alice\"}"));
        assertEquals(
                List.of("change_email", "enable_user"),
                changes.stream().map(SensitiveChange::what).toList());
        assertEquals("new@example.org", changes.get(0).details().get("new_email"));
        assertTrue(AdminChangeRecogniser.needsPriorState(changes));
    }

    @Test
    void comparedWithTheStateBeforeOnlyRealChangesRemain() {
        List<SensitiveChange> candidates =
                AdminChangeRecogniser.recognise(
                        event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/" + USER,
                                "{\"email\":\"New@Example.org\",\"enabled\":true}"));
        // nothing changed (email differs only in case, which Keycloak folds)
        assertEquals(
                List.of(),
                AdminChangeRecogniser.refine(
                        candidates,
                        Optional.of(new PriorUserState("new@example.org", true, false))));
        // the email changed
        List<SensitiveChange> email =
                AdminChangeRecogniser.refine(
                        candidates,
                        Optional.of(new PriorUserState("old@example.org", true, false)));
        assertEquals(1, email.size());
        assertEquals("change_email", email.get(0).what());
        assertEquals("old@example.org", email.get(0).details().get("old_email"));
        assertEquals("New@Example.org", email.get(0).details().get("new_email"));
        // the user was disabled and is enabled again
        List<SensitiveChange> enabled =
                AdminChangeRecogniser.refine(
                        candidates,
                        Optional.of(new PriorUserState("new@example.org", false, false)));
        assertEquals(List.of("enable_user"), enabled.stream().map(SensitiveChange::what).toList());
        assertEquals("unlock_user", enabled.get(0).governedKind());
    }

    @Test
    void withoutATrustworthyStateBeforeEveryCandidateIsReportedAsUnknown() {
        List<SensitiveChange> candidates =
                AdminChangeRecogniser.recognise(
                        event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/" + USER,
                                "{\"email\":\"a@example.org\",\"enabled\":true}"));
        for (Optional<PriorUserState> prior :
                List.of(
                        Optional.<PriorUserState>empty(),
                        Optional.of(new PriorUserState("a@example.org", true, true)))) {
            List<SensitiveChange> refined = AdminChangeRecogniser.refine(candidates, prior);
            assertEquals(2, refined.size());
            refined.forEach(c -> assertEquals("unknown", c.details().get("previous_state")));
        }
    }

    @Test
    void anEmailAddedWhereThereWasNone() {
        List<SensitiveChange> refined =
                AdminChangeRecogniser.refine(
                        AdminChangeRecogniser.recognise(
                                event(
                                        ResourceType.USER,
                                        OperationType.UPDATE,
                                        "users/" + USER,
                                        "{\"email\":\"a@example.org\"}")),
                        Optional.of(new PriorUserState(null, true, false)));
        assertEquals(1, refined.size());
        assertFalse(refined.get(0).details().containsKey("old_email"));
    }

    @Test
    void disablingOrUpdatingOtherFieldsIsNone() {
        for (String rep :
                List.of(
                        "{\"enabled\":false}",
                        "{\"firstName\":\"A\",\"attributes\":{\"email\":[\"x@y\"]}}",
                        "{\"enabled\":\"true\"}",
                        "{\"email\":42}",
                        "[]",
                        "not json",
                        "")) {
            none(event(ResourceType.USER, OperationType.UPDATE, "users/" + USER, rep));
        }
        none(event(ResourceType.USER, OperationType.UPDATE, "users/" + USER, null));
    }

    @Test
    void aPasswordSetThroughTheUserUpdateIsAResetAndNeverCopiesTheValue() {
        List<SensitiveChange> changes =
                AdminChangeRecogniser.recognise(
                        event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/" + USER,
                                "{\"credentials\":[{\"type\":\"password\","
                                        + "\"value\":\"hunter2-secret\"},"
                                        + "{\"type\":\"otp\",\"secretData\":\"s3cr3t\"}]}"));
        assertEquals(1, changes.size());
        SensitiveChange change = changes.get(0);
        assertEquals("reset_password", change.what());
        assertEquals(List.of("password", "otp"), change.details().get("credential_types"));
        assertFalse(change.toString().contains("hunter2"));
        assertFalse(change.toString().contains("s3cr3t"));
        assertFalse(AdminChangeRecogniser.needsPriorState(changes));
    }

    @Test
    void aUserCreatedIntoGroupsIsAGroupGrant() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.CREATE,
                                "users/" + USER,
                                "{\"username\":\"mallory\",\"groups\":[\"/admins\",\"/ops\"],"
                                        + "\"credentials\":[{\"type\":\"password\",\"value\":\"pw-secret\"}]}"));
        assertEquals("grant_group", change.what());
        assertEquals(List.of("/admins", "/ops"), change.details().get("group_paths"));
        assertFalse(change.toString().contains("pw-secret"));
        none(
                event(
                        ResourceType.USER,
                        OperationType.CREATE,
                        "users/" + USER,
                        "{\"username\":\"bob\"}"));
    }

    @Test
    void linkingAnIdentityProviderAccount() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.CREATE,
                                "users/" + USER + "/federated-identity/github",
                                "{\"identityProvider\":\"github\",\"userId\":\"99\","
                                        + "\"userName\":\"mallory-gh\"}"));
        assertEquals("link_identity_provider", change.what());
        assertEquals(USER, change.subjectUserId());
        assertEquals("github", change.details().get("identity_provider"));
        assertEquals("mallory-gh", change.details().get("federated_username"));
    }

    // ------------------------------------------------------------------ brute force

    @Test
    void unlocks() {
        SensitiveChange one =
                only(
                        event(
                                ResourceType.USER_LOGIN_FAILURE,
                                OperationType.DELETE,
                                "attack-detection/brute-force/users/" + USER,
                                null));
        assertEquals("unlock_user", one.what());
        assertEquals(USER, one.subjectUserId());
        SensitiveChange all =
                only(
                        event(
                                ResourceType.USER_LOGIN_FAILURE,
                                OperationType.DELETE,
                                "attack-detection/brute-force/users",
                                null));
        assertEquals("unlock_all_users", all.what());
        assertNull(all.subjectUserId());
        SensitiveChange byEnabling =
                only(
                        event(
                                ResourceType.USER_LOGIN_FAILURE,
                                OperationType.DELETE,
                                "users/" + USER,
                                null));
        assertEquals("unlock_user", byEnabling.what());
        assertEquals("user_update", byEnabling.details().get("via"));
        none(
                event(
                        ResourceType.USER_LOGIN_FAILURE,
                        OperationType.ACTION,
                        "attack-detection/brute-force/users/" + USER,
                        null));
        none(
                event(
                        ResourceType.USER_LOGIN_FAILURE,
                        OperationType.DELETE,
                        "attack-detection/other/users/" + USER,
                        null));
    }

    // ------------------------------------------------------------------ roles and groups

    @Test
    void aRealmRoleGrantListsTheRolesAndNothingElse() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.REALM_ROLE_MAPPING,
                                OperationType.CREATE,
                                "users/" + USER + "/role-mappings/realm",
                                "[{\"id\":\"r1\",\"name\":\"admin\",\"description\":\"d\","
                                        + "\"composite\":false,\"attributes\":{\"a\":[\"b\"]}}]"));
        assertEquals("grant_role", change.what());
        assertEquals(USER, change.subjectUserId());
        assertEquals("realm", change.details().get("role_type"));
        assertEquals(
                List.of(Map.of("role_id", "r1", "role_name", "admin")),
                change.details().get("roles"));
        assertEquals(1, change.details().get("role_count"));
    }

    @Test
    void aClientRoleGrantNamesTheClient() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.CLIENT_ROLE_MAPPING,
                                OperationType.CREATE,
                                "users/" + USER + "/role-mappings/clients/client-uuid-9",
                                "[{\"id\":\"r2\",\"name\":\"manage-users\",\"clientRole\":true,"
                                        + "\"containerId\":\"client-uuid-9\"}]"));
        assertEquals("grant_role", change.what());
        assertEquals("client", change.details().get("role_type"));
        assertEquals("client-uuid-9", change.details().get("client_uuid"));
        assertEquals(
                List.of(
                        Map.of(
                                "role_id",
                                "r2",
                                "role_name",
                                "manage-users",
                                "client_uuid",
                                "client-uuid-9")),
                change.details().get("roles"));
    }

    @Test
    void manyRolesAreListedUpToALimitAndCounted() {
        StringBuilder rep = new StringBuilder("[");
        for (int i = 0; i < 80; i++) {
            rep.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i).append("\"}");
        }
        SensitiveChange change =
                only(
                        event(
                                ResourceType.REALM_ROLE_MAPPING,
                                OperationType.CREATE,
                                "users/" + USER + "/role-mappings/realm",
                                rep.append("]").toString()));
        assertEquals(
                AdminChangeRecogniser.MAX_ITEMS, ((List<?>) change.details().get("roles")).size());
        assertEquals(80, change.details().get("role_count"));
    }

    @Test
    void aRoleGrantToAGroupHasNoSubjectButIsReported() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.REALM_ROLE_MAPPING,
                                OperationType.CREATE,
                                "groups/g1/role-mappings/realm",
                                "[{\"id\":\"r1\",\"name\":\"admin\"}]"));
        assertEquals("grant_role_to_group", change.what());
        assertNull(change.subjectUserId());
        assertEquals("g1", change.details().get("group_id"));
    }

    @Test
    void aRoleGrantOnAPathWeDoNotKnowIsStillReported() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.REALM_ROLE_MAPPING,
                                OperationType.CREATE,
                                "somewhere/new/role-mappings/realm/x",
                                "[{\"id\":\"r1\",\"name\":\"admin\"}]"));
        assertEquals("grant_role", change.what());
        assertNull(change.subjectUserId());
        assertEquals(false, change.details().get("path_recognised"));
        SensitiveChange unparsable =
                only(
                        event(
                                ResourceType.CLIENT_ROLE_MAPPING,
                                OperationType.CREATE,
                                "users//x",
                                null));
        assertEquals("grant_role", unparsable.what());
        assertNull(unparsable.subjectUserId());
    }

    @Test
    void removingRolesOrGroupsIsNone() {
        none(
                event(
                        ResourceType.REALM_ROLE_MAPPING,
                        OperationType.DELETE,
                        "users/" + USER + "/role-mappings/realm",
                        "[{\"id\":\"r1\"}]"));
        none(
                event(
                        ResourceType.GROUP_MEMBERSHIP,
                        OperationType.DELETE,
                        "users/" + USER + "/groups/g1",
                        "{\"id\":\"g1\"}"));
    }

    @Test
    void joiningAGroup() {
        SensitiveChange change =
                only(
                        event(
                                ResourceType.GROUP_MEMBERSHIP,
                                OperationType.CREATE,
                                "users/" + USER + "/groups/g1",
                                "{\"id\":\"g1\",\"name\":\"ops\",\"path\":\"/ops\","
                                        + "\"attributes\":{\"secret\":[\"x\"]}}"));
        assertEquals("grant_group", change.what());
        assertEquals("grant_group", change.governedKind());
        assertEquals(USER, change.subjectUserId());
        assertEquals(
                Map.of("group_id", "g1", "group_path", "/ops", "group_name", "ops"),
                change.details());
    }

    @Test
    void aCompositeAddedToARoleIsReported() {
        for (String path :
                List.of(
                        "roles/admin/composites",
                        "roles-by-id/r1/composites",
                        "clients/c1/roles/admin/composites")) {
            SensitiveChange change =
                    only(
                            event(
                                    ResourceType.REALM_ROLE,
                                    OperationType.CREATE,
                                    path,
                                    "[{\"id\":\"r9\",\"name\":\"manage-users\"}]"));
            assertEquals("add_composite_role", change.what());
            assertNull(change.subjectUserId());
        }
        none(event(ResourceType.REALM_ROLE, OperationType.CREATE, "roles", "{\"name\":\"x\"}"));
        none(event(ResourceType.REALM_ROLE, OperationType.DELETE, "roles/admin/composites", "[]"));
    }

    // ------------------------------------------------------------------ what is never a finding

    @Test
    void failedEventsAndOurOwnAdminApiAreNone() {
        AdminEvent failed = credentialRemoval("otp", null);
        failed.setError("unknown_error");
        none(failed);
        none(
                event(
                        ResourceType.USER,
                        OperationType.ACTION,
                        "approval-guard/risk/users/" + USER + "/actions",
                        "{\"action\":\"clear\"}"));
        none(
                event(
                        ResourceType.REALM_ROLE_MAPPING,
                        OperationType.CREATE,
                        "approval-guard/x/role-mappings/realm",
                        "[]"));
    }

    @ParameterizedTest
    @EnumSource(
            value = ResourceType.class,
            names = {
                "REALM",
                "CLIENT",
                "GROUP",
                "COMPONENT",
                "USER_SESSION",
                "IDENTITY_PROVIDER",
                "CUSTOM"
            })
    void otherResourceTypesAreNone(ResourceType type) {
        for (OperationType op : OperationType.values()) {
            none(event(type, op, "users/" + USER + "/credentials/" + CREDENTIAL, "{}"));
            none(event(type, op, "users/" + USER + "/role-mappings/realm", "[{\"id\":\"r\"}]"));
        }
    }

    static Stream<Arguments> oddPaths() {
        return Stream.of(
                Arguments.of(""),
                Arguments.of("/"),
                Arguments.of("/users/" + USER + "/reset-password"),
                Arguments.of("users//reset-password"),
                Arguments.of("users/" + USER + "//reset-password"),
                Arguments.of("users/" + USER + "/reset-password//"),
                Arguments.of("users/" + USER + "\n/reset-password"),
                Arguments.of("users/" + USER + "/reset-password\u0000"),
                Arguments.of(
                        "users/" + "a".repeat(AdminChangeRecogniser.MAX_PATH) + "/reset-password"),
                Arguments.of("users"),
                Arguments.of("users/" + USER + "/reset-password/extra"),
                Arguments.of("USERS/" + USER + "/reset-password"),
                Arguments.of("users/" + USER + "/Reset-Password"),
                Arguments.of("realms/demo/users/" + USER + "/reset-password"));
    }

    @ParameterizedTest
    @MethodSource("oddPaths")
    void oddPathsAreNoPasswordReset(String path) {
        none(event(ResourceType.USER, OperationType.ACTION, path, null));
    }

    @Test
    void oneTrailingSlashIsTolerated() {
        assertEquals(
                "reset_password",
                only(event(
                                ResourceType.USER,
                                OperationType.ACTION,
                                "users/" + USER + "/reset-password/",
                                null))
                        .what());
    }

    @Test
    void userIdsAreTakenAsTheyAre() {
        // imported users may have ids that are no UUID; the path segment is the id
        SensitiveChange change =
                only(
                        event(
                                ResourceType.USER,
                                OperationType.ACTION,
                                "users/alice@example.org/reset-password",
                                null));
        assertEquals("alice@example.org", change.subjectUserId());
    }

    @Test
    void missingPartsOfTheEventAreNone() {
        none(null);
        none(new AdminEvent());
        AdminEvent noOperation = credentialRemoval("otp", null);
        noOperation.setOperationType(null);
        none(noOperation);
        AdminEvent noPath = credentialRemoval("otp", null);
        noPath.setResourcePath(null);
        none(noPath);
        AdminEvent noType = credentialRemoval("otp", null);
        noType.setResourceTypeAsString(null);
        none(noType);
    }
}
