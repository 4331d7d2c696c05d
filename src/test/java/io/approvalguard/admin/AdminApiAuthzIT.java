package io.approvalguard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.StreamSinks;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may do what through the admin API, against a real Keycloak: a sink serves every realm, so
 * only a server administrator resumes it, and every change is an admin event; the risk API reaches
 * only users the caller may view or manage in Keycloak itself (fine-grained admin permissions
 * included), and it works in the master realm.
 */
@ExtendWith(KeycloakServer.class)
class AdminApiAuthzIT {

    private static final String TEST_REALM = PushScenario.REALM;
    private static final String RISK_REALM = "ag-risk";
    private static final String PASSWORD = "realm-admin-password-1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static WebhookReceiver receiver;
    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver(StreamSinks.WEBHOOK_PORT).start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void onlyAServerAdministratorResumesASinkAndEveryChangeIsAnAdminEvent() {
        String eventsAdmin = realmUserWithRoles(TEST_REALM, "manage-events", "view-events");
        String realmAdminToken =
                OidcClient.passwordToken(TEST_REALM, "admin-cli", eventsAdmin, PASSWORD);
        receiver.respondWith(410, null);
        try {
            PushScenario.newUser(admin); // an admin event on the stream, answered with 410 Gone
            awaitWebhookPaused(true);

            HttpResult listed =
                    OidcClient.call(
                            "GET", streamPath(TEST_REALM) + "/sinks", realmAdminToken, null);
            assertEquals(
                    200,
                    listed.status(),
                    "listing stays the realm's own (its counts, the pause): " + listed.body());

            HttpResult refused =
                    OidcClient.call(
                            "POST",
                            streamPath(TEST_REALM) + "/sinks/webhook/resume",
                            realmAdminToken,
                            null);
            refused.assertError(403, "forbidden");
            assertTrue(isWebhookPaused(), "a refused resume changes nothing");
            assertTrue(
                    adminEventsAt(TEST_REALM, "approval-guard/stream/sinks/webhook/resume")
                            .isEmpty(),
                    "a refused resume is no admin event");

            receiver.respondWith(200, null);
            HttpResult resumed =
                    admin.send("POST", streamPath(TEST_REALM) + "/sinks/webhook/resume", null);
            assertEquals(200, resumed.status(), resumed.body());
            assertEquals(true, resumed.jsonMap().get("resumed"));
            awaitWebhookPaused(false);
        } finally {
            receiver.respondWith(200, null);
            if (isWebhookPaused()) { // the test failed midway: leave the sink working for the
                // others
                admin.send("POST", streamPath(TEST_REALM) + "/sinks/webhook/resume", null);
            }
        }
        Map<String, Object> event =
                adminEventsAt(TEST_REALM, "approval-guard/stream/sinks/webhook/resume").get(0);
        assertEquals("ACTION", event.get("operationType"));
        assertEquals("APPROVAL_GUARD_SINK", event.get("resourceType"));
        assertEquals(
                Map.of("sink", "webhook", "resumed", true),
                Json.readMap((String) event.get("representation")));
        Map<?, ?> actor = (Map<?, ?>) event.get("authDetails");
        assertEquals(
                admin.findUserId("master", KeycloakServer.ADMIN_USERNAME), actor.get("userId"));

        // replaying the realm's own dead letters stays with its manage-events, and is recorded too
        HttpResult replayed =
                OidcClient.call(
                        "POST",
                        streamPath(TEST_REALM) + "/dead-letters/replay",
                        realmAdminToken,
                        "{\"sink\":\"webhook\"}");
        assertEquals(200, replayed.status(), replayed.body());
        Map<String, Object> replay =
                adminEventsAt(TEST_REALM, "approval-guard/stream/dead-letters/replay").get(0);
        assertEquals("APPROVAL_GUARD_DEAD_LETTERS", replay.get("resourceType"));
        Map<String, Object> change = Json.readMap((String) replay.get("representation"));
        assertEquals("webhook", change.get("sink"));
        assertEquals(replayed.jsonMap().get("replayed"), change.get("replayed"));
    }

    @Test
    void theRiskApiReachesOnlyUsersTheCallerMayManage() {
        String memberId = PushScenario.newUserIn(RISK_REALM, admin, List.of()).userId;
        String realmAdminId =
                admin.findUserId(RISK_REALM, realmUserWithRoles(RISK_REALM, "realm-admin"));
        String scorer = scorerLimitedToAGroup(memberId);
        String token = OidcClient.serviceAccountToken(RISK_REALM, scorer, scorer + "-secret");

        assertEquals(
                200,
                OidcClient.call("GET", riskPath(RISK_REALM, memberId), token, null).status(),
                "the fine-grained permission covers the group's member");
        HttpResult acted =
                OidcClient.call(
                        "POST",
                        riskPath(RISK_REALM, memberId) + "/actions",
                        token,
                        "{\"action\":\"set_level\",\"level\":\"elevated\",\"reason_code\":\"siem.leaked_password\"}");
        assertEquals(200, acted.status(), acted.body());
        assertEquals("elevated", riskState(RISK_REALM, memberId).get("level"));

        OidcClient.call("GET", riskPath(RISK_REALM, realmAdminId), token, null)
                .assertError(403, "forbidden");
        OidcClient.call(
                        "POST",
                        riskPath(RISK_REALM, realmAdminId) + "/actions",
                        token,
                        "{\"action\":\"revoke_sessions\",\"reason_code\":\"siem.takeover\"}")
                .assertError(403, "forbidden");
        OidcClient.call(
                        "POST",
                        riskPath(RISK_REALM, realmAdminId) + "/actions",
                        token,
                        "{\"action\":\"set_level\",\"level\":\"normal\",\"reason_code\":\"siem.all_clear\"}")
                .assertError(403, "forbidden");
        Map<String, Object> untouched = riskState(RISK_REALM, realmAdminId);
        assertEquals("normal", untouched.get("level"));
        assertEquals(
                List.of(),
                untouched.get("actions"),
                "nothing was recorded for the realm administrator");
        OidcClient.call("GET", riskPath(RISK_REALM, UUID.randomUUID().toString()), token, null)
                .assertError(403, "forbidden");
    }

    @Test
    void theRiskApiWorksInTheMasterRealmForItsAdministrator() {
        String masterRealmClient = clientUuid("master", "master-realm");
        assertEquals(
                200,
                admin.send(
                                "GET",
                                "/admin/realms/master/clients/"
                                        + masterRealmClient
                                        + "/roles/"
                                        + ApprovalGuardRoles.RISK_ROLE,
                                null)
                        .status(),
                "master keeps the role in its own admin client");

        String adminId = admin.findUserId("master", KeycloakServer.ADMIN_USERNAME);
        HttpResult own = admin.send("GET", riskPath("master", adminId), null);
        assertEquals(200, own.status(), own.body());
        assertEquals(
                200,
                admin.send("GET", "/admin/realms/master/approval-guard/risk/settings", null)
                        .status());

        String userId =
                admin.createUser(
                        "master",
                        "ag-master-" + UUID.randomUUID().toString().substring(0, 8),
                        PASSWORD);
        try {
            HttpResult acted =
                    admin.send(
                            "POST",
                            riskPath("master", userId) + "/actions",
                            Map.of(
                                    "action",
                                    "set_level",
                                    "level",
                                    "high",
                                    "reason_code",
                                    "siem.leaked_password"));
            assertEquals(200, acted.status(), acted.body());
            assertEquals("high", riskState("master", userId).get("level"));
        } finally {
            admin.deleteUser("master", userId);
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A new user of the realm holding these realm-management roles; answers the username (password
     * {@link #PASSWORD}).
     */
    private String realmUserWithRoles(String realm, String... roles) {
        String username = "realm-admin-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = admin.createUser(realm, username, PASSWORD);
        String management = clientUuid(realm, "realm-management");
        List<Map<String, Object>> granted =
                java.util.Arrays.stream(roles)
                        .map(
                                role ->
                                        admin.send(
                                                        "GET",
                                                        "/admin/realms/"
                                                                + realm
                                                                + "/clients/"
                                                                + management
                                                                + "/roles/"
                                                                + role,
                                                        null)
                                                .jsonMap())
                        .toList();
        admin.send(
                        "POST",
                        "/admin/realms/"
                                + realm
                                + "/users/"
                                + userId
                                + "/role-mappings/clients/"
                                + management,
                        granted)
                .expect(204);
        return username;
    }

    /**
     * A scorer (service account with {@value ApprovalGuardRoles#RISK_ROLE} and no user role) whose
     * fine-grained admin permissions let it view and manage the members of one new group, to which
     * {@code memberId} belongs. Answers its client id; its secret is the id plus {@code -secret}.
     */
    private String scorerLimitedToAGroup(String memberId) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "ag-scoped-scorer-" + suffix;
        admin.send(
                        "POST",
                        "/admin/realms/" + RISK_REALM + "/clients",
                        Map.of(
                                "clientId",
                                clientId,
                                "secret",
                                clientId + "-secret",
                                "publicClient",
                                false,
                                "serviceAccountsEnabled",
                                true,
                                "standardFlowEnabled",
                                false,
                                "directAccessGrantsEnabled",
                                false))
                .expect(201);
        String scorerUuid = clientUuid(RISK_REALM, clientId);
        String serviceAccount =
                (String)
                        admin.send(
                                        "GET",
                                        "/admin/realms/"
                                                + RISK_REALM
                                                + "/clients/"
                                                + scorerUuid
                                                + "/service-account-user",
                                        null)
                                .jsonMap()
                                .get("id");
        String management = clientUuid(RISK_REALM, "realm-management");
        Map<String, Object> riskRole =
                admin.send(
                                "GET",
                                "/admin/realms/"
                                        + RISK_REALM
                                        + "/clients/"
                                        + management
                                        + "/roles/"
                                        + ApprovalGuardRoles.RISK_ROLE,
                                null)
                        .jsonMap();
        admin.send(
                        "POST",
                        "/admin/realms/"
                                + RISK_REALM
                                + "/users/"
                                + serviceAccount
                                + "/role-mappings/clients/"
                                + management,
                        List.of(riskRole))
                .expect(204);

        admin.send(
                        "POST",
                        "/admin/realms/" + RISK_REALM + "/groups",
                        Map.of("name", "scored-" + suffix))
                .expect(201);
        String groupId =
                (String)
                        admin.send(
                                        "GET",
                                        "/admin/realms/"
                                                + RISK_REALM
                                                + "/groups?exact=true&search=scored-"
                                                + suffix,
                                        null)
                                .jsonList()
                                .get(0)
                                .get("id");
        admin.send(
                        "PUT",
                        "/admin/realms/" + RISK_REALM + "/users/" + memberId + "/groups/" + groupId,
                        null)
                .expect(204);

        admin.send("PUT", "/admin/realms/" + RISK_REALM, Map.of("adminPermissionsEnabled", true))
                .expect(204);
        String permissions =
                "/admin/realms/"
                        + RISK_REALM
                        + "/clients/"
                        + clientUuid(RISK_REALM, "admin-permissions")
                        + "/authz/resource-server";
        HttpResult policy =
                admin.send(
                                "POST",
                                permissions + "/policy/user",
                                Map.of("name", "is-" + clientId, "users", List.of(serviceAccount)))
                        .expect(201);
        admin.send(
                        "POST",
                        permissions + "/permission/scope",
                        Map.of(
                                "name",
                                clientId + "-scores-" + suffix,
                                "resourceType",
                                "Groups",
                                "resources",
                                List.of(groupId),
                                "scopes",
                                List.of("view-members", "manage-members"),
                                "policies",
                                List.of(policy.jsonMap().get("id"))))
                .expect(201);
        return clientId;
    }

    private Map<String, Object> riskState(String realm, String userId) {
        return admin.send("GET", riskPath(realm, userId), null).expect(200).jsonMap();
    }

    private List<Map<String, Object>> adminEventsAt(String realm, String resourcePath) {
        return admin.adminEvents(realm, "resourcePath", resourcePath, "max", "20");
    }

    private boolean isWebhookPaused() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sinks =
                (List<Map<String, Object>>)
                        admin.send("GET", streamPath(TEST_REALM) + "/sinks", null)
                                .expect(200)
                                .jsonMap()
                                .get("sinks");
        return sinks.stream()
                .anyMatch(s -> "webhook".equals(s.get("id")) && s.get("paused") != null);
    }

    private void awaitWebhookPaused(boolean paused) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (isWebhookPaused() != paused) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the webhook sink did not become "
                                + (paused ? "paused" : "active")
                                + " within "
                                + WAIT);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private String clientUuid(String realm, String clientId) {
        return (String)
                admin.send("GET", "/admin/realms/" + realm + "/clients?clientId=" + clientId, null)
                        .jsonList()
                        .get(0)
                        .get("id");
    }

    private static String streamPath(String realm) {
        return "/admin/realms/" + realm + "/approval-guard/stream";
    }

    private static String riskPath(String realm, String userId) {
        return "/admin/realms/" + realm + "/approval-guard/risk/users/" + userId;
    }
}
