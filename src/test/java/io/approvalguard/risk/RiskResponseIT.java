package io.approvalguard.risk;

import static io.approvalguard.testkit.PushScenario.CALLBACK;
import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.SmtpReceiver;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcClient;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The risk scorer acting on a real Keycloak: "this wasn't me" and a fatigue win end every session,
 * an external scorer reads and acts through the admin API, and a conditional flow steps up. Realm
 * {@value #REALM} keeps the default risk settings.
 */
@ExtendWith(KeycloakServer.class)
class RiskResponseIT {

    static final String REALM = "ag-risk";
    static final String SCORER = "ag-risk-scorer";
    static final String SCORER_SECRET = "risk-scorer-secret";
    private static final int SMTP_PORT = 8025;

    private static SmtpReceiver smtp;
    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void startMailServerAndGrantScorerRole() throws Exception {
        smtp = new SmtpReceiver(SMTP_PORT);
        AdminClient admin = AdminClient.forTestServer();
        String scorerClient = clientUuid(admin, SCORER);
        String serviceAccount =
                (String)
                        admin.send(
                                        "GET",
                                        realmPath()
                                                + "/clients/"
                                                + scorerClient
                                                + "/service-account-user",
                                        null)
                                .jsonMap()
                                .get("id");
        String management = clientUuid(admin, "realm-management");
        Map<String, Object> role =
                admin.send(
                                "GET",
                                realmPath()
                                        + "/clients/"
                                        + management
                                        + "/roles/approval-guard-risk",
                                null)
                        .jsonMap();
        assertEquals(
                "approval-guard-risk",
                role.get("name"),
                "the dedicated role exists in every realm");
        // the risk API acts on users the caller may manage in Keycloak: this scorer may manage all
        // of them
        Map<String, Object> manageUsers =
                admin.send(
                                "GET",
                                realmPath() + "/clients/" + management + "/roles/manage-users",
                                null)
                        .jsonMap();
        HttpResult granted =
                admin.send(
                        "POST",
                        realmPath()
                                + "/users/"
                                + serviceAccount
                                + "/role-mappings/clients/"
                                + management,
                        List.of(role, manageUsers));
        assertEquals(204, granted.status(), granted.body());
    }

    @AfterAll
    static void stopMailServer() throws Exception {
        smtp.close();
    }

    @Test
    void thisWasntMeHasEndedEverySessionAndTokenByTheTimeTheDevicesAnswerReturns()
            throws Exception {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        Map<String, Object> offline = approvedSignIn(user, "openid offline_access");
        Map<String, Object> online = approvedSignIn(user, "openid");
        assertEquals(
                "Offline",
                offline.get("refresh_token_type") == null
                        ? "Offline"
                        : offline.get("refresh_token_type"));
        assertEquals(200, refresh(online).get("http_status"));
        assertEquals(200, refresh(offline).get("http_status"));
        assertFalse(admin.userSessions(REALM, user.userId).isEmpty());

        BrowserFlow attacker = user.signInWithPassword(CLIENT);
        attacker.waitPage();
        Map<String, Object> challenge = user.challenge();
        long reported = System.nanoTime();
        assertEquals(200, user.device.answer(challenge, "fraud", null).status());
        // The sessions end as part of the device's decision: refused at the very next request, no
        // polling.
        Object onlineAnswer = refresh(online).get("http_status");
        Object offlineAnswer = refresh(offline).get("http_status");
        long revokedAfterMillis = (System.nanoTime() - reported) / 1_000_000;
        assertNotEquals(200, onlineAnswer, "the refresh token still worked right after the report");
        assertNotEquals(
                200, offlineAnswer, "the offline token still worked right after the report");
        // The figure for docs/benchmarks.md (report sent to both refusals received); a benchmark,
        // not asserted.
        System.out.printf(
                "\"this wasn't me\" to refresh and offline tokens rejected: %d ms%n",
                revokedAfterMillis);
        assertTrue(admin.userSessions(REALM, user.userId).isEmpty(), "no online session left");
        String clientUuid = clientUuid(admin, CLIENT);
        assertTrue(
                admin.send(
                                "GET",
                                realmPath()
                                        + "/users/"
                                        + user.userId
                                        + "/offline-sessions/"
                                        + clientUuid,
                                null)
                        .jsonList()
                        .isEmpty(),
                "no offline session left");
        assertFalse(
                attacker.pressWait("continue").isLoggedIn(),
                "the reported sign-in does not complete");

        Map<String, Object> state = riskState(user);
        assertEquals("critical", state.get("level"));
        assertEquals(true, state.get("push_suspended"));
        assertTrue(
                actions(state).stream()
                        .anyMatch(
                                a ->
                                        "revoke_sessions".equals(a.get("action"))
                                                && "risk.fraud_report".equals(a.get("reason_code"))
                                                && "scorer".equals(a.get("source"))),
                state.toString());
        SmtpReceiver.Message mail =
                smtp.awaitMessageTo(user.username + "@example.test", Duration.ofSeconds(30));
        assertNotNull(mail, "the user is told by email");
        assertTrue(mail.data().contains("risk.fraud_report"), mail.data());
    }

    @Test
    void anApprovalAfterAStreakOfDenialsLeavesNoUsableSession() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        for (int i = 0; i < 3; i++) {
            BrowserFlow browser = user.signInWithPassword(CLIENT);
            browser.waitPage();
            assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        }
        BrowserFlow worn = user.signInWithPassword(CLIENT);
        worn.waitPage();
        String code = worn.code();
        assertEquals(6, code.length(), "after a streak of denials the code is longer");
        assertEquals(200, user.device.answer(user.challenge(), "approve", code).status());

        // The approval is scored as part of the decision: refused the moment the browser continues.
        BrowserFlow after = worn.pressWait("continue");
        assertFalse(after.isLoggedIn(), "the fatigue approval was spent: " + after.describePage());
        assertTrue(admin.userSessions(REALM, user.userId).isEmpty(), "no session");
        Map<String, Object> state = riskState(user);
        assertEquals("critical", state.get("level"));
        assertTrue(
                actions(state).stream()
                        .anyMatch(
                                a ->
                                        "revoke_sessions".equals(a.get("action"))
                                                && "risk.fatigue_approval"
                                                        .equals(a.get("reason_code"))),
                state.toString());

        // Push stays suspended: the next sign-in cannot be approved on the device.
        BrowserFlow next = user.signInWithPassword(CLIENT);
        assertFalse(next.onWaitPage(), next.describePage());
        assertTrue(next.lastBody().contains("paused"), next.describePage());
    }

    @Test
    void anExternalScorerReadsAndActsIdempotently() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        String token = OidcClient.serviceAccountToken(REALM, SCORER, SCORER_SECRET);
        Map<String, Object> state =
                Json.readMap(
                        OidcClient.call("GET", riskPath(user), token, null).expect(200).body());
        assertEquals("normal", state.get("level"));
        assertEquals(false, state.get("push_suspended"));

        String suspend =
                "{\"action\":\"suspend_push\",\"reason_code\":\"siem.impossible_travel\",\"idempotency_key\":\"case-4711\",\"duration_seconds\":600}";
        Map<String, Object> first =
                Json.readMap(
                        OidcClient.call("POST", riskPath(user) + "/actions", token, suspend)
                                .expect(200)
                                .body());
        assertEquals(true, first.get("applied"));
        Map<String, Object> again =
                Json.readMap(
                        OidcClient.call("POST", riskPath(user) + "/actions", token, suspend)
                                .expect(200)
                                .body());
        assertEquals(false, again.get("applied"), "the same idempotency key changes nothing");
        assertEquals(
                ((Map<?, ?>) first.get("action")).get("id"),
                ((Map<?, ?>) again.get("action")).get("id"));
        BrowserFlow suspended = user.signInWithPassword(CLIENT);
        assertFalse(suspended.onWaitPage(), "no prompt while push is suspended");
        assertTrue(suspended.lastBody().contains("paused"), suspended.describePage());

        OidcClient.call(
                        "POST",
                        riskPath(user) + "/actions",
                        token,
                        "{\"action\":\"clear\",\"reason_code\":\"analyst.false_positive\"}")
                .expect(200);
        assertEquals(false, riskState(user).get("push_suspended"));

        Map<String, Object> tokens = approvedSignIn(user, "openid");
        assertEquals(200, refresh(tokens).get("http_status"));
        OidcClient.call(
                        "POST",
                        riskPath(user) + "/actions",
                        token,
                        "{\"action\":\"revoke_sessions\",\"reason_code\":\"siem.token_theft\"}")
                .expect(200);
        assertEquals(
                400, refresh(tokens).get("http_status"), "revoked at once by the external scorer");
        assertTrue(admin.userSessions(REALM, user.userId).isEmpty());
        OidcClient.call(
                        "POST",
                        riskPath(user) + "/actions",
                        token,
                        "{\"action\":\"require_reenrolment\",\"reason_code\":\"siem.device_compromised\"}")
                .expect(200);
        assertTrue(
                admin.listCredentials(REALM, user.userId).stream()
                        .filter(c -> "approval-guard-device".equals(c.get("type")))
                        .allMatch(
                                c ->
                                        String.valueOf(c.get("credentialData"))
                                                .contains("\"suspended\":true")),
                "every device suspended");
        assertTrue(
                ((List<?>) admin.getUser(REALM, user.userId).get("requiredActions"))
                        .contains("approval-guard-register"));
        assertEquals(403, user.device.listChallenges().status(), "a suspended device is refused");
        BrowserFlow reenrol = user.signInWithPassword(CLIENT);
        assertFalse(
                reenrol.onEnrolmentPage() || reenrol.isLoggedIn(),
                "the password alone cannot enrol a new device");
        assertTrue(reenrol.lastBody().contains("suspended"), reenrol.describePage());
        List<Map<String, Object>> history = actions(riskState(user));
        assertEquals(
                List.of("require_reenrolment", "revoke_sessions", "clear", "suspend_push"),
                history.stream().map(a -> a.get("action")).toList());
        assertTrue(history.stream().allMatch(a -> "external".equals(a.get("source"))));
    }

    @Test
    void badRequestsAreRefusedWithoutChangingAnything() {
        PushScenario user = PushScenario.newUserIn(REALM, admin, List.of());
        String token = OidcClient.serviceAccountToken(REALM, SCORER, SCORER_SECRET);
        String actions = riskPath(user) + "/actions";
        OidcClient.call("POST", actions, token, "{\"action\":\"explode\",\"reason_code\":\"x\"}")
                .assertError(400, "invalid_request");
        OidcClient.call(
                        "POST",
                        actions,
                        token,
                        "{\"action\":\"revoke_sessions\",\"reason_code\":\"Bad Code!\"}")
                .assertError(400, "invalid_request");
        OidcClient.call(
                        "POST",
                        actions,
                        token,
                        "{\"action\":\"suspend_push\",\"reason_code\":\"x\"}")
                .assertError(400, "invalid_request");
        OidcClient.call(
                        "POST",
                        actions,
                        token,
                        "{\"action\":\"clear\",\"reason_code\":\"x\",\"reason_code\":\"y\"}")
                .assertError(400, "invalid_request");
        OidcClient.call(
                        "POST",
                        actions,
                        token,
                        "{\"action\":\"clear\",\"reason_code\":\"x\",\"extra\":1}")
                .assertError(400, "invalid_request");
        OidcClient.call("POST", actions, token, "[]").assertError(400, "invalid_request");
        OidcClient.call(
                        "POST",
                        "/admin/realms/"
                                + REALM
                                + "/approval-guard/risk/users/no-such-user/actions",
                        token,
                        "{\"action\":\"clear\",\"reason_code\":\"x\"}")
                .assertError(404, "user_not_found");
        assertTrue(actions(riskState(user)).isEmpty(), "nothing was recorded");

        String unprivileged =
                OidcClient.serviceAccountToken(
                        REALM, "ag-unprivileged-scorer", "unprivileged-secret");
        OidcClient.call("GET", riskPath(user), unprivileged, null).assertError(403, "forbidden");
        OidcClient.call(
                        "POST",
                        actions,
                        unprivileged,
                        "{\"action\":\"revoke_sessions\",\"reason_code\":\"x\"}")
                .assertError(403, "forbidden");
        OidcClient.call(
                        "PUT",
                        "/admin/realms/" + REALM + "/approval-guard/risk/settings",
                        token,
                        "{\"highAt\":70}")
                .assertError(403, "forbidden");
        admin.send(
                        "PUT",
                        "/admin/realms/" + REALM + "/approval-guard/risk/settings",
                        Map.of("highAt", 5))
                .assertError(400, "invalid_request");
        admin.send(
                        "PUT",
                        "/admin/realms/" + REALM + "/approval-guard/risk/settings",
                        Map.of("halfLifeSeconds", "soon"))
                .assertError(400, "invalid_request");
        assertEquals(
                60,
                admin.send("GET", "/admin/realms/" + REALM + "/approval-guard/risk/settings", null)
                        .jsonMap()
                        .get("highAt"));
    }

    @Test
    void aConditionalSubflowStepsUpARiskyUser() {
        PushScenario user = PushScenario.newUserWithOtpIn(REALM, admin).enrolThroughFirstLogin();
        BrowserFlow calm = user.signInWithPassword("ag-stepup-client");
        assertTrue(
                calm.onWaitPage(),
                "normal risk: straight to the push prompt; " + calm.describePage());

        admin.send(
                        "POST",
                        riskPath(user) + "/actions",
                        Map.of(
                                "action",
                                "set_level",
                                "level",
                                "elevated",
                                "reason_code",
                                "siem.leaked_password"))
                .expect(200);
        assertEquals("elevated", riskState(user).get("level"));
        BrowserFlow risky = user.signInWithPassword("ag-stepup-client");
        assertFalse(risky.onWaitPage(), "elevated risk: the OTP step comes first");
        assertTrue(risky.lastBody().contains("otp"), risky.describePage());
    }

    private Map<String, Object> approvedSignIn(PushScenario user, String scope) {
        BrowserFlow browser =
                BrowserFlow.forTestServer()
                        .startWithParameters(REALM, CLIENT, CALLBACK, Map.of("scope", scope))
                        .submitPassword(user.username, PASSWORD);
        browser.waitPage();
        String code = browser.code();
        assertEquals(200, user.device.answer(user.challenge(), "approve", code).status());
        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
        Map<String, Object> tokens = browser.exchangeCode();
        assertEquals(200, tokens.get("http_status"), tokens.toString());
        return tokens;
    }

    private static Map<String, Object> refresh(Map<String, Object> tokens) {
        return OidcClient.refresh(REALM, CLIENT, (String) tokens.get("refresh_token"));
    }

    private Map<String, Object> riskState(PushScenario user) {
        return admin.send("GET", riskPath(user), null).expect(200).jsonMap();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> actions(Map<String, Object> state) {
        return (List<Map<String, Object>>) state.get("actions");
    }

    private static String riskPath(PushScenario user) {
        return "/admin/realms/" + REALM + "/approval-guard/risk/users/" + user.userId;
    }

    private static String realmPath() {
        return "/admin/realms/" + REALM;
    }

    private static String clientUuid(AdminClient admin, String clientId) {
        return (String)
                admin.send("GET", realmPath() + "/clients?clientId=" + clientId, null)
                        .jsonList()
                        .get(0)
                        .get("id");
    }
}
