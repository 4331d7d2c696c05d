package io.approvalguard.governance.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.testkit.fakes.FakeTransactionManager;
import io.approvalguard.testkit.fakes.StrictProxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;

/** From an admin event to the audit record's data: who, what, when, and never a secret. */
class AdminChangeWatchTest {

    private record Appended(
            String realmId, String actor, String subject, Map<String, Object> data) {}

    private final FakeTransactionManager transaction = new FakeTransactionManager();
    private final KeycloakSession session =
            StrictProxy.of(KeycloakSession.class, "admin request")
                    .on("getTransactionManager()", args -> transaction)
                    .build();
    private final List<Appended> appended = new ArrayList<>();
    private final List<String> priorLookups = new ArrayList<>();
    private Optional<PriorUserState> prior = Optional.empty();

    private AdminChangeWatch watch() {
        WatchRecorder recorder =
                new WatchRecorder(
                        (s, realmId, actor, subject, data) ->
                                appended.add(new Appended(realmId, actor, subject, data)),
                        (outer, work) -> work.accept(outer),
                        new WatchCounts(null));
        return new AdminChangeWatch(
                session,
                recorder,
                (s, realmId, userId) -> {
                    priorLookups.add(realmId + "/" + userId);
                    return prior;
                });
    }

    @Test
    void aDeviceRemovalBecomesOneRecordWithWhoWhatAndWhen() {
        AdminEvent event =
                AdminChangeRecogniserTest.credentialRemoval(DeviceCredentialModel.TYPE, "phone");
        watch().onEvent(event, false);
        assertEquals(1, appended.size());
        Appended record = appended.get(0);
        assertEquals("realm-1", record.realmId());
        assertEquals("admin-1", record.actor());
        assertEquals("8d2c6a9e-1111-4c1e-9d7e-000000000001", record.subject());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("what", "remove_device");
        expected.put("governed_kind", "remove_device");
        expected.put("subject_user_id", "8d2c6a9e-1111-4c1e-9d7e-000000000001");
        expected.put("resource_path", event.getResourcePath());
        expected.put("resource_type", "USER");
        expected.put("operation", "ACTION");
        expected.put("admin_event_id", "event-1");
        expected.put("admin_user_id", "admin-1");
        expected.put("admin_realm_id", "master-id");
        expected.put("admin_client_id", "admin-cli-uuid");
        expected.put("ip_address", "192.0.2.7");
        expected.put("at", 1_764_640_000_000L);
        expected.put("device_id", "c0ffee00-2222-4c1e-9d7e-000000000002");
        expected.put("device_name", "phone");
        assertEquals(expected, record.data());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(record.data().keySet()));
        assertTrue(priorLookups.isEmpty(), "a removal needs no state before it");
    }

    @Test
    void aConsoleSaveThatChangesNothingSensitiveIsNoRecord() {
        prior = Optional.of(new PriorUserState("alice@example.org", true, false));
        watch().onEvent(
                        AdminChangeRecogniserTest.event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/u1",
                                "{\"email\":\"alice@example.org\",\"enabled\":true,"
                                        + "\"firstName\":\"Alicia\"}"),
                        true);
        assertEquals(List.of("realm-1/u1"), priorLookups);
        assertEquals(List.of(), appended);
    }

    @Test
    void anEmailChangeCarriesTheOldAndTheNewAddress() {
        prior = Optional.of(new PriorUserState("alice@example.org", true, false));
        watch().onEvent(
                        AdminChangeRecogniserTest.event(
                                ResourceType.USER,
                                OperationType.UPDATE,
                                "users/u1",
                                "{\"email\":\"mallory@example.net\",\"enabled\":true}"),
                        true);
        assertEquals(1, appended.size());
        Map<String, Object> data = appended.get(0).data();
        assertEquals("change_email", data.get("what"));
        assertEquals("alice@example.org", data.get("old_email"));
        assertEquals("mallory@example.net", data.get("new_email"));
    }

    @Test
    void aFailedLookupOfTheStateBeforeReportsTheCandidatesAsUnknown() {
        AdminChangeWatch watch =
                new AdminChangeWatch(
                        session,
                        new WatchRecorder(
                                (s, realmId, actor, subject, data) ->
                                        appended.add(new Appended(realmId, actor, subject, data)),
                                (outer, work) -> work.accept(outer),
                                new WatchCounts(null)),
                        (s, realmId, userId) -> {
                            throw new IllegalStateException("database busy");
                        });
        watch.onEvent(
                AdminChangeRecogniserTest.event(
                        ResourceType.USER,
                        OperationType.UPDATE,
                        "users/u1",
                        "{\"email\":\"x@example.org\",\"enabled\":true}"),
                true);
        assertEquals(2, appended.size());
        appended.forEach(a -> assertEquals("unknown", a.data().get("previous_state")));
    }

    @Test
    void noSecretOfAnyRepresentationReachesTheRecord() {
        String[][] events = {
            {
                "USER",
                "ACTION",
                "users/u1/reset-password",
                "{\"type\":\"password\",\"value\":\"SECRET-1\",\"temporary\":true}"
            },
            {
                "USER",
                "UPDATE",
                "users/u1",
                "{\"email\":\"a@b\",\"credentials\":[{\"type\":\"password\",\"value\":\"SECRET-2\","
                        + "\"secretData\":\"SECRET-3\",\"credentialData\":\"SECRET-4\"}],"
                        + "\"attributes\":{\"x\":[\"SECRET-5\"]}}"
            },
            {
                "USER",
                "CREATE",
                "users/u2",
                "{\"groups\":[\"/g\"],\"credentials\":[{\"value\":\"SECRET-6\"}]}"
            },
            {
                "REALM_ROLE_MAPPING",
                "CREATE",
                "users/u1/role-mappings/realm",
                "[{\"id\":\"r\",\"name\":\"n\",\"attributes\":{\"k\":[\"SECRET-7\"]}}]"
            },
            {
                "GROUP_MEMBERSHIP",
                "CREATE",
                "users/u1/groups/g",
                "{\"id\":\"g\",\"attributes\":{\"k\":[\"SECRET-8\"]}}"
            },
            {
                "USER",
                "CREATE",
                "users/u1/federated-identity/idp",
                "{\"userName\":\"n\",\"token\":\"SECRET-9\"}"
            },
        };
        for (String[] e : events) {
            watch().onEvent(
                            AdminChangeRecogniserTest.event(
                                    ResourceType.valueOf(e[0]),
                                    OperationType.valueOf(e[1]),
                                    e[2],
                                    e[3]),
                            true);
        }
        assertTrue(appended.size() >= events.length, appended.toString());
        assertFalse(appended.toString().contains("SECRET"), appended.toString());
    }

    @Test
    void anEventWithoutAuthDetailsIsStillRecorded() {
        AdminEvent event = AdminChangeRecogniserTest.credentialRemoval("otp", null);
        event.setAuthDetails(null);
        watch().onEvent(event, false);
        assertEquals(1, appended.size());
        assertEquals(null, appended.get(0).actor());
        assertFalse(appended.get(0).data().containsKey("admin_user_id"));
    }

    @Test
    void userEventsAreIgnored() {
        watch().onEvent(new org.keycloak.events.Event());
        assertEquals(List.of(), appended);
    }

    @Test
    void theFactoryIsGlobal() {
        AdminChangeWatchFactory factory = new AdminChangeWatchFactory();
        assertTrue(factory.isGlobal());
        assertEquals("approval-guard-governance-watch", factory.getId());
    }
}
