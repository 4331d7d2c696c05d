package io.approvalguard.governance.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.SmtpReceiver;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.oidc.HttpResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kinds on a real Keycloak, applied through the test-only endpoint {@code
 * approval-guard-testing/governance} (no request, policy or approval around them): time-bound
 * grants end at their time, and also when that time passed while the server was down; an email
 * change and an unlock change what Keycloak shows; refusals change nothing.
 */
@ExtendWith(KeycloakServer.class)
class ChangeKindsIT {

    private static final String REALM = "ag-test";

    /** The expiry task's default interval, and some margin. */
    private static final Duration EXPIRY_RUN = Duration.ofSeconds(60 + 30);

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void aTimeBoundRoleIsRevokedAtItsEndAndRaisedOnTheStream() {
        String user = admin.createUser(REALM, "gov-role-" + suffix(), "secret");
        String roleName = "gov-it-auditor-" + suffix();
        admin.send("POST", realmPath() + "/roles", Map.of("name", roleName)).expect(201);
        String roleId =
                (String)
                        admin.send("GET", realmPath() + "/roles/" + roleName, null)
                                .jsonMap()
                                .get("id");

        Map<String, Object> answer =
                apply("grant_role", user, Map.of("role", roleName, "duration_seconds", 60))
                        .expect(200)
                        .jsonMap();
        assertEquals(
                Map.of("role_id", roleId, "role_name", roleName, "duration_seconds", 60),
                answer.get("change"));
        String grantId = (String) applied(answer).get("grant_id");
        assertTrue(realmRoles(user).contains(roleName), "granted at once");
        assertEquals(List.of(grantId), openGrantIds(user));

        // granting what the user has directly is refused, changing nothing
        HttpResult again =
                apply("grant_role", user, Map.of("role", roleName, "duration_seconds", 60));
        again.assertError(400, "invalid_change");
        assertTrue(again.body().contains("already has the role"), again.body());
        assertEquals(List.of(grantId), openGrantIds(user));

        KeycloakServer.LogMark mark = KeycloakServer.logMark();
        time.shift(Duration.ofSeconds(61));
        KeycloakServer.awaitLogLines(mark, "grant " + grantId + " of user", 1, EXPIRY_RUN);
        assertFalse(realmRoles(user).contains(roleName), "revoked at its end");
        assertEquals(List.of(), openGrantIds(user));
        List<String> streamed =
                KeycloakServer.awaitLogLines(
                        mark,
                        "io.approvalguard.governance.grant_expired",
                        1,
                        Duration.ofSeconds(20));
        assertTrue(
                streamed.stream()
                        .anyMatch(
                                l -> l.contains(grantId) && l.contains("\"outcome\":\"expired\"")),
                String.join("\n", streamed));
    }

    @Test
    void aGroupGrantThatFellDueWhileTheServerWasDownEndsAtStart() throws InterruptedException {
        String user = admin.createUser(REALM, "gov-group-" + suffix(), "secret");
        String groupName = "gov-it-ops-" + suffix();
        HttpResult created =
                admin.send("POST", realmPath() + "/groups", Map.of("name", groupName)).expect(201);
        String location = created.header("Location");
        String groupId = location.substring(location.lastIndexOf('/') + 1);

        Instant granted = Instant.now();
        Map<String, Object> answer =
                apply("grant_group", user, Map.of("group_id", groupId, "duration_seconds", 60))
                        .expect(200)
                        .jsonMap();
        assertEquals("/" + groupName, ((Map<?, ?>) answer.get("change")).get("group_path"));
        String grantId = (String) applied(answer).get("grant_id");
        assertEquals(List.of(groupId), groupIds(user));

        // stop the server before the grant is due; it is due by the time the server is back
        Thread.sleep(
                Math.max(0, Duration.between(Instant.now(), granted.plusSeconds(40)).toMillis()));
        assertEquals(List.of(groupId), groupIds(user), "not due yet");
        KeycloakServer.LogMark mark = KeycloakServer.logMark();
        // down until the grant is due, however fast this machine restarts it
        KeycloakServer.restartKeepingDataAfter(granted.plusSeconds(62));
        KeycloakServer.awaitLogLines(
                mark, "time-bound grant(s) closed at start", 1, Duration.ofSeconds(30));
        KeycloakServer.awaitLogLines(
                mark, "grant " + grantId + " of user", 1, Duration.ofSeconds(5));
        assertEquals(List.of(), groupIds(user));
        assertEquals(List.of(), openGrantIds(user));
    }

    @Test
    void anEmailChangeAndAnUnlockOnARealServer() {
        String alice = admin.createUser(REALM, "gov-mail-" + suffix(), "secret");
        String bob = admin.createUser(REALM, "gov-bob-" + suffix(), "secret");
        String bobsEmail = (String) admin.getUser(REALM, bob).get("email");
        String oldEmail = (String) admin.getUser(REALM, alice).get("email");

        HttpResult taken =
                apply("change_email", alice, Map.of("new_email", bobsEmail.toUpperCase()));
        taken.assertError(400, "invalid_change");
        assertTrue(taken.body().contains("belongs to another user"), taken.body());
        apply("change_email", alice, Map.of("new_email", "not an address"))
                .assertError(400, "invalid_change");
        assertEquals(oldEmail, admin.getUser(REALM, alice).get("email"), "refusals change nothing");

        String newEmail = "gov-new-" + suffix() + "@example.test";
        Map<String, Object> answer =
                apply("change_email", alice, Map.of("new_email", newEmail)).expect(200).jsonMap();
        assertEquals(Map.of("old_email", oldEmail, "new_email", newEmail), answer.get("change"));
        Map<String, Object> changed = admin.getUser(REALM, alice);
        assertEquals(newEmail, changed.get("email"));
        assertEquals(false, changed.get("emailVerified"));
        assertTrue(((List<?>) changed.get("requiredActions")).contains("VERIFY_EMAIL"));

        apply("unlock_user", alice, Map.of()).assertError(400, "invalid_change");
        admin.setUserEnabled(REALM, alice, false);
        Map<String, Object> unlocked = apply("unlock_user", alice, Map.of()).expect(200).jsonMap();
        assertEquals(Map.of("enabled", true, "unlocked", false), unlocked.get("applied"));
        assertEquals(true, admin.getUser(REALM, alice).get("enabled"));
    }

    @Test
    void aSecondFactorResetRemovesTheOtpAndRequiresEnrolment() {
        Map<String, Object> otp = new LinkedHashMap<>();
        otp.put("type", "otp");
        otp.put("userLabel", "app");
        otp.put("secretData", "{\"value\":\"JBSWY3DPEHPK3PXP\"}");
        otp.put(
                "credentialData",
                "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
        String user = admin.createUser(REALM, "gov-reset-" + suffix(), "secret", List.of(otp));
        assertEquals(
                List.of("otp", "password"),
                admin.listCredentials(REALM, user).stream()
                        .map(c -> (String) c.get("type"))
                        .sorted()
                        .toList());

        Map<String, Object> answer =
                apply("reset_second_factors", user, Map.of()).expect(200).jsonMap();
        assertEquals(Map.of(), answer.get("change"));
        assertEquals(1, ((Map<?, ?>) applied(answer).get("removed")).get("otp"));
        assertEquals(
                List.of("password"),
                admin.listCredentials(REALM, user).stream()
                        .map(c -> (String) c.get("type"))
                        .toList());
        assertTrue(
                ((List<?>) admin.getUser(REALM, user).get("requiredActions"))
                        .contains("approval-guard-register"));
        Map<?, ?> attributes = (Map<?, ?>) admin.getUser(REALM, user).get("attributes");
        assertTrue(
                attributes == null
                        || attributes.keySet().stream()
                                .noneMatch(k -> k.toString().startsWith("approval-guard")),
                "the cooling-off record is not shown to administrators as a profile attribute: "
                        + attributes);
    }

    @Test
    void aPasswordResetEmailsAShortLivedUpdatePasswordLink() throws Exception {
        String realm = "ag-risk";
        String user = admin.createUser(realm, "gov-pw-" + suffix(), "secret");
        String email = (String) admin.getUser(realm, user).get("email");
        HttpResult refused =
                apply(realm, "reset_password", user, Map.of("link_lifetime_seconds", 60));
        refused.assertError(400, "invalid_change");
        try (SmtpReceiver smtp = new SmtpReceiver(8025)) {
            long before = KeycloakServer.serverNow().getEpochSecond();
            Map<String, Object> answer =
                    apply(realm, "reset_password", user, Map.of("link_lifetime_seconds", 300))
                            .expect(200)
                            .jsonMap();
            assertEquals(Map.of("link_lifetime_seconds", 300), answer.get("change"));
            assertTrue(
                    ((List<?>) admin.getUser(realm, user).get("requiredActions"))
                            .contains("UPDATE_PASSWORD"));
            SmtpReceiver.Message mail = smtp.awaitMessageTo(email, Duration.ofSeconds(30));
            assertNotNull(mail, "the link is emailed after the commit");
            String text = mail.data().replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
            Matcher link =
                    Pattern.compile(
                                    Pattern.quote(KeycloakServer.realmUrl(realm))
                                            + "/login-actions/action-token\\?key=([A-Za-z0-9_.-]+)")
                            .matcher(text);
            assertTrue(link.find(), text);
            String[] jwt = link.group(1).split("\\.");
            Map<String, Object> claims =
                    Json.readMap(
                            new String(
                                    Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
            assertEquals(user, claims.get("sub"));
            assertEquals(List.of("UPDATE_PASSWORD"), claims.get("rqac"));
            long exp = ((Number) claims.get("exp")).longValue();
            assertTrue(exp >= before + 300 && exp <= before + 310, "expires in 5 min: " + claims);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRevocationReceiptListsTheSessionsThatExisted() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        List<Map<String, Object>> before = admin.userSessions(REALM, user.userId);
        assertEquals(1, before.size(), before.toString());
        Map<String, Object> existing = before.get(0);

        Map<String, Object> receipt =
                admin.send("POST", testing() + "/revoke-sessions?user_id=" + user.userId, null)
                        .expect(200)
                        .jsonMap();
        List<Map<String, Object>> ended = (List<Map<String, Object>>) receipt.get("sessions");
        assertEquals(1, ended.size(), receipt.toString());
        Map<String, Object> session = ended.get(0);
        assertEquals(existing.get("id"), session.get("session_id"));
        assertEquals(existing.get("ipAddress"), session.get("ip"));
        assertEquals(
                ((Number) existing.get("start")).longValue() / 1000,
                ((Number) session.get("started")).longValue());
        assertEquals(
                List.copyOf(((Map<String, Object>) existing.get("clients")).values()),
                session.get("clients"));
        assertEquals(false, session.get("offline"));
        assertEquals(List.of(), admin.userSessions(REALM, user.userId), "every session ended");
        assertEquals(
                ((Number) receipt.get("not_before")).longValue(),
                ((Number) admin.getUser(REALM, user.userId).get("notBefore")).longValue());
    }

    private HttpResult apply(String kind, String userId, Map<String, Object> change) {
        return apply(REALM, kind, userId, change);
    }

    private HttpResult apply(String realm, String kind, String userId, Map<String, Object> change) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("user_id", userId);
        body.put("change", change);
        body.put("request_id", UUID.randomUUID().toString());
        return admin.send("POST", testing(realm) + "/apply", body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> applied(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("applied");
    }

    @SuppressWarnings("unchecked")
    private List<String> openGrantIds(String userId) {
        List<Map<String, Object>> grants =
                (List<Map<String, Object>>)
                        admin.send("GET", testing() + "/grants?user_id=" + userId, null)
                                .expect(200)
                                .jsonMap()
                                .get("grants");
        return grants.stream().map(g -> (String) g.get("id")).toList();
    }

    private List<String> realmRoles(String userId) {
        return admin
                .send("GET", realmPath() + "/users/" + userId + "/role-mappings/realm", null)
                .expect(200)
                .jsonList()
                .stream()
                .map(r -> (String) r.get("name"))
                .toList();
    }

    private List<String> groupIds(String userId) {
        return admin
                .send("GET", realmPath() + "/users/" + userId + "/groups", null)
                .expect(200)
                .jsonList()
                .stream()
                .map(g -> (String) g.get("id"))
                .toList();
    }

    private static String testing() {
        return testing(REALM);
    }

    private static String testing(String realm) {
        return KeycloakServer.realmUrl(realm) + "/approval-guard-testing/governance";
    }

    private static String realmPath() {
        return "/admin/realms/" + REALM;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
