package io.approvalguard.governance.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.StreamSinks;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Changes made directly through Keycloak's admin API, around the governed path, reach the stream as
 * {@code io.approvalguard.governance.unapproved_sensitive_change}: in a realm of its own that
 * enables no Approval Guard listener and stores no admin events (the watch is global), and in the
 * test realm for a real enrolled device.
 */
@ExtendWith(KeycloakServer.class)
class AdminChangeWatchIT {

    private static final String REALM = "ag-watch";
    private static final String TYPE = "io.approvalguard.governance.unapproved_sensitive_change";
    private static final String CLIENT = "ag-watch-app";
    private static final String NEW_PASSWORD = "Watch-Secret-Password-7731";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static WebhookReceiver receiver;
    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void createRealmAndReceiver() {
        AdminClient admin = AdminClient.forTestServer();
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", REALM);
        realm.put("enabled", true);
        realm.put("sslRequired", "none");
        realm.put("eventsListeners", List.of("jboss-logging")); // no Approval Guard listener
        realm.put("adminEventsEnabled", false);
        realm.put("adminEventsDetailsEnabled", false);
        realm.put("bruteForceProtected", true); // so that an unlock has something to clear
        realm.put("failureFactor", 30);
        realm.put("roles", Map.of("realm", List.of(Map.of("name", "ops-admin"))));
        realm.put("groups", List.of(Map.of("name", "ops")));
        realm.put(
                "clients",
                List.of(
                        Map.of(
                                "clientId",
                                CLIENT,
                                "publicClient",
                                true,
                                "enabled",
                                true,
                                "directAccessGrantsEnabled",
                                true)));
        HttpResult created = admin.send("POST", "/admin/realms", realm);
        assertEquals(201, created.status(), created.body());
        HttpResult role =
                admin.send(
                        "POST",
                        "/admin/realms/" + REALM + "/clients/" + clientUuid(admin) + "/roles",
                        Map.of("name", "payments-operator"));
        assertEquals(201, role.status(), role.body());
        receiver = new WebhookReceiver(StreamSinks.WEBHOOK_PORT).start();
    }

    @AfterAll
    static void removeRealmAndReceiver() {
        receiver.close();
        AdminClient.forTestServer().send("DELETE", "/admin/realms/" + REALM, null);
    }

    @Test
    void directAdminChangesAroundTheGovernedPathAreStreamedAsUnapproved() {
        PushScenario user = PushScenario.newUserWithOtpIn(REALM, admin);
        String userPath = "/admin/realms/" + REALM + "/users/" + user.userId;
        String adminId = admin.findUserId("master", KeycloakServer.ADMIN_USERNAME);
        String otpId =
                (String)
                        admin.listCredentials(REALM, user.userId).stream()
                                .filter(c -> "otp".equals(c.get("type")))
                                .findFirst()
                                .orElseThrow()
                                .get("id");

        // 1. the OTP removed
        admin.deleteCredential(REALM, user.userId, otpId);
        // 2. a realm role and 3. a client role granted
        Map<String, Object> realmRole = ok(admin.send("GET", realmPath("/roles/ops-admin"), null));
        expect(
                204,
                admin.send(
                        "POST",
                        userPath + "/role-mappings/realm",
                        List.of(Map.of("id", realmRole.get("id"), "name", "ops-admin"))));
        String clientUuid = clientUuid(admin);
        Map<String, Object> clientRole =
                ok(
                        admin.send(
                                "GET",
                                realmPath("/clients/" + clientUuid + "/roles/payments-operator"),
                                null));
        expect(
                204,
                admin.send(
                        "POST",
                        userPath + "/role-mappings/clients/" + clientUuid,
                        List.of(clientRole)));
        // 4. a group joined
        String groupId =
                (String)
                        admin.send("GET", realmPath("/groups?search=ops"), null).jsonList().stream()
                                .filter(g -> "ops".equals(g.get("name")))
                                .findFirst()
                                .orElseThrow()
                                .get("id");
        expect(204, admin.send("PUT", userPath + "/groups/" + groupId, null));
        // 5. the password reset (its value must appear nowhere on the stream)
        expect(
                204,
                admin.send(
                        "PUT",
                        userPath + "/reset-password",
                        Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false)));
        // 6. a console-style save that changes no email and no enabling: no record
        Map<String, Object> rep = admin.getUser(REALM, user.userId);
        String oldEmail = (String) rep.get("email");
        rep.put("firstName", "Renamed");
        expect(204, admin.send("PUT", userPath, rep));
        // 7. the email changed
        rep.put("email", "changed-" + oldEmail);
        expect(204, admin.send("PUT", userPath, rep));
        // 8. disabled (no record) and enabled again
        admin.setUserEnabled(REALM, user.userId, false);
        admin.setUserEnabled(REALM, user.userId, true);
        // 9. a brute-force unlock (Keycloak raises its event only when there was a failure)
        assertThrows(
                IllegalStateException.class,
                () -> OidcClient.passwordToken(REALM, CLIENT, user.username, "wrong-password"));
        awaitLoginFailure(user.userId);
        expect(
                204,
                admin.send(
                        "DELETE",
                        realmPath("/attack-detection/brute-force/users/" + user.userId),
                        null));

        List<String> expected =
                List.of(
                        "remove_second_factor",
                        "grant_role",
                        "grant_role",
                        "grant_group",
                        "reset_password",
                        "change_email",
                        "enable_user",
                        "unlock_user");
        List<Map<String, Object>> records = awaitRecords(user.userId, expected.size());
        assertEquals(
                expected,
                records.stream().map(r -> (String) r.get("what")).toList(),
                "in the order made, and nothing for the save without a sensitive change: "
                        + records);
        for (Map<String, Object> record : records) {
            assertEquals(adminId, record.get("actor"), record.toString());
            assertEquals(adminId, record.get("admin_user_id"), record.toString());
            assertEquals(user.userId, record.get("subject_user_id"), record.toString());
            assertNotNull(record.get("admin_realm_id"), record.toString());
            assertNotNull(record.get("admin_client_id"), record.toString());
            assertNotNull(record.get("ip_address"), record.toString());
            assertTrue(((Number) record.get("at")).longValue() > 0, record.toString());
            assertNotNull(record.get("audit_hash"), "it is an audit record: " + record);
            assertTrue(
                    ((String) record.get("resource_path")).startsWith("users/" + user.userId)
                            || ((String) record.get("resource_path"))
                                    .startsWith("attack-detection/"),
                    record.toString());
        }
        Map<String, Object> otp = records.get(0);
        assertEquals("otp", otp.get("credential_type"));
        assertEquals(otpId, otp.get("credential_id"));
        assertEquals("reset_second_factors", otp.get("governed_kind"));
        assertEquals("realm", records.get(1).get("role_type"));
        assertEquals(
                "ops-admin",
                ((Map<?, ?>) ((List<?>) records.get(1).get("roles")).get(0)).get("role_name"));
        assertEquals("client", records.get(2).get("role_type"));
        assertEquals(clientUuid, records.get(2).get("client_uuid"));
        assertEquals("/ops", records.get(3).get("group_path"));
        assertEquals(oldEmail, records.get(5).get("old_email"));
        assertEquals("changed-" + oldEmail, records.get(5).get("new_email"));

        for (WebhookReceiver.Delivery delivery : receiver.deliveries()) {
            assertFalse(
                    delivery.bodyText().contains(NEW_PASSWORD),
                    "the new password reached the stream: " + delivery.bodyText());
        }
    }

    @Test
    void aRealDeviceRemovedThroughTheAdminApiIsRemoveDevice() {
        PushScenario user = PushScenario.enrolledUser(admin);
        Map<String, Object> device =
                admin.listCredentials(user.realm, user.userId).stream()
                        .filter(c -> DeviceCredentialModel.TYPE.equals(c.get("type")))
                        .findFirst()
                        .orElseThrow();
        admin.deleteCredential(user.realm, user.userId, (String) device.get("id"));

        Map<String, Object> record = awaitRecords(user.userId, 1).get(0);
        assertEquals("remove_device", record.get("what"));
        assertEquals("remove_device", record.get("governed_kind"));
        assertEquals(device.get("id"), record.get("device_id"));
        assertEquals(device.get("userLabel"), record.get("device_name"));
        assertEquals(
                admin.findUserId("master", KeycloakServer.ADMIN_USERNAME), record.get("actor"));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The subject's watch records on the webhook, oldest first (by audit sequence), once there are
     * at least {@code count}; a moment more is waited so that an unexpected extra one shows.
     */
    private static List<Map<String, Object>> awaitRecords(String userId, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Map<String, Object>> found = records(userId);
            if (found.size() >= count) {
                sleep(1500);
                return records(userId);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "expected " + count + " watch records for " + userId + ", got " + found);
            }
            sleep(200);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(String userId) {
        Map<Object, Map<String, Object>> byId = new LinkedHashMap<>();
        for (WebhookReceiver.Delivery delivery : receiver.deliveries()) {
            Map<String, Object> event = Json.readMap(delivery.bodyText());
            if (TYPE.equals(event.get("type"))
                    && event.get("data") instanceof Map<?, ?> data
                    && userId.equals(data.get("subject_user_id"))) {
                byId.putIfAbsent(event.get("id"), (Map<String, Object>) data);
            }
        }
        List<Map<String, Object>> sorted = new ArrayList<>(byId.values());
        sorted.sort(
                java.util.Comparator.comparingLong(d -> ((Number) d.get("audit_seq")).longValue()));
        return sorted;
    }

    private void awaitLoginFailure(String userId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (((Number)
                                ok(admin.send(
                                                "GET",
                                                realmPath(
                                                        "/attack-detection/brute-force/users/"
                                                                + userId),
                                                null))
                                        .get("numFailures"))
                        .intValue()
                < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no login failure recorded for " + userId);
            }
            sleep(200);
        }
    }

    private static String clientUuid(AdminClient admin) {
        return (String)
                admin.send("GET", realmPath("/clients?clientId=" + CLIENT), null)
                        .jsonList()
                        .get(0)
                        .get("id");
    }

    private static String realmPath(String tail) {
        return "/admin/realms/" + REALM + tail;
    }

    private static Map<String, Object> ok(HttpResult result) {
        assertEquals(200, result.status(), result.body());
        return result.jsonMap();
    }

    private static void expect(int status, HttpResult result) {
        assertEquals(status, result.status(), result.body());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
