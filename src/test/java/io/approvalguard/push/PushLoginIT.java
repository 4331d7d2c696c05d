package io.approvalguard.push;

import static io.approvalguard.testkit.PushScenario.CALLBACK;
import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.REALM;
import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in with push approval on a real Keycloak: every outcome, and the gates at the final step.
 */
@ExtendWith(KeycloakServer.class)
class PushLoginIT {

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void firstLoginEnrolsADeviceThatShowsAsACredential() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        assertTrue(browser.onEnrolmentPage(), browser.describePage());
        assertEquals("pending", browser.pollStatus());
        String token = browser.enrolmentToken();
        assertTrue(
                browser.enrolmentLink()
                        .startsWith(
                                KeycloakServer.realmUrl(REALM) + "/approval-guard/app/#enrol="));

        DeviceClient.Response enrolled = user.device.enrol(token, "Pixel of " + user.username);
        assertEquals(201, enrolled.status(), enrolled.toString());
        assertEquals(user.userId, enrolled.string("user_id"));
        assertEquals(user.username, enrolled.string("username"));
        assertEquals("ES256", enrolled.string("alg"));
        assertEquals("enrolled", browser.pollStatus());

        // The token is single-use: a second device cannot enrol with it.
        DeviceClient second = DeviceClient.create(REALM);
        DeviceClient.Response reused = second.enrol(token, "second");
        assertEquals(400, reused.status());
        assertEquals("invalid_enrolment_token", reused.error());

        assertTrue(browser.pressEnrol().isLoggedIn(), browser.describePage());
        List<Map<String, Object>> devices = deviceCredentials(user);
        assertEquals(1, devices.size());
        assertEquals("Pixel of " + user.username, devices.get(0).get("userLabel"));
        assertEquals(enrolled.string("device_id"), devices.get(0).get("id"));
        assertEvent(user, "UPDATE_CREDENTIAL", "device_enrolled");
    }

    @Test
    void approvedPushSignsIn() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        String code = browser.code();
        assertNotNull(code);
        assertEquals(2, code.length());
        assertEquals("pending", browser.pollStatus());

        Map<String, Object> challenge = user.challenge();
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        assertEquals(CLIENT, context.get("client_id"));
        assertEquals(user.username, context.get("username"));
        assertEquals("sign-in", context.get("reason"));
        assertEquals("127.0.0.1", context.get("ip_address"));
        assertEquals(Map.of("type", "code", "length", 2), challenge.get("verification"));
        assertEquals(DeviceClient.computeContextHash(context), challenge.get("context_hash"));
        assertFalse(challenge.containsKey("code"), "the device never receives the code");

        DeviceClient.Response answer = user.device.answer(challenge, "approve", code);
        assertEquals(200, answer.status(), answer.toString());
        assertEquals("approved", answer.string("status"));
        assertEquals("approved", browser.pollStatus());
        assertTrue(user.device.challenges().isEmpty(), "a decided challenge is no longer listed");

        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
        assertEquals(200, browser.exchangeCode().get("http_status"));
        Map<String, Object> approved =
                assertEvent(user, "CUSTOM_REQUIRED_ACTION", "challenge_approved");
        assertEquals(id(challenge), details(approved).get("challenge_id"));
        assertEquals(user.device.deviceId(), details(approved).get("device_id"));
        assertEquals(CLIENT, approved.get("clientId"));
        assertEvent(user, "CUSTOM_REQUIRED_ACTION", "challenge_sent");
    }

    @Test
    void deniedPushEndsTheSignInWithAMessage() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        assertEquals("denied", user.device.answer(user.challenge(), "deny", null).string("status"));
        assertEquals("denied", browser.pollStatus());

        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn());
        assertEquals("denied", browser.messageState());
        assertTrue(browser.errorMessage().contains("denied"), browser.errorMessage());
        Map<String, Object> event = assertEvent(user, "LOGIN_ERROR", "challenge_denied");
        assertEquals("approval_denied", event.get("error"));
    }

    @Test
    void fraudReportEndsTheSignInAndIsReported() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        assertEquals("fraud", user.device.answer(user.challenge(), "fraud", null).string("status"));

        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn());
        assertEquals("fraud", browser.messageState());
        assertTrue(browser.errorMessage().contains("not you"), browser.errorMessage());
        assertEquals(
                "approval_reported_fraud",
                assertEvent(user, "LOGIN_ERROR", "challenge_fraud_reported").get("error"));
    }

    @Test
    void expiredPushOffersToSendAgain() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage(PushScenario.SHORT_LIVED_CLIENT);
        Map<String, Object> stale = user.challenge();
        // The client's challenges live 10 s: wait for the expiry itself, not for a guess at it.
        assertEquals("expired", browser.awaitStatus("expired", Duration.ofSeconds(30)));
        DeviceClient.Response late = user.device.answer(stale, "approve", browser.code());
        assertEquals(410, late.status(), late.toString());
        assertEquals("challenge_expired", late.error());

        browser.pressWait("continue");
        assertEquals("expired", browser.messageState());
        assertNotNull(
                browser.currentPage().selectFirst("#ag-resend"), "expiry offers to send again");
        assertEvent(user, "LOGIN_ERROR", "challenge_expired");

        browser.pressWait("resend");
        String code = browser.code();
        Map<String, Object> fresh = user.challenge();
        assertNotEquals(id(stale), id(fresh));
        assertEquals(200, user.device.answer(fresh, "approve", code).status());
        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
    }

    @Test
    void wrongCodeEndsTheChallengeAndANewOneCanBeSent() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        Map<String, Object> challenge = user.challenge();
        String wrong = browser.code().equals("00") ? "01" : "00";

        DeviceClient.Response missing = user.device.answer(challenge, "approve", null);
        assertEquals(400, missing.status());
        assertEquals("code_required", missing.error());
        assertEquals("pending", browser.pollStatus(), "an answer without a code changes nothing");

        DeviceClient.Response answer = user.device.answer(challenge, "approve", wrong);
        assertEquals(400, answer.status());
        assertEquals("invalid_code", answer.error());
        assertEquals("failed", browser.pollStatus());
        DeviceClient.Response retry = user.device.answer(challenge, "approve", browser.code());
        assertEquals(409, retry.status(), "a wrong code burns the challenge");

        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn());
        assertEquals("failed", browser.messageState());
        assertEvent(user, "LOGIN_ERROR", "challenge_wrong_code");

        browser.pressWait("resend");
        assertEquals(200, user.device.answer(user.challenge(), "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
    }

    @Test
    void secondFactorCannotBeSkippedByPostingToTheActionUrl() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        String code = browser.code();
        for (String action : new String[] {"continue", "resend", "approve", ""}) {
            browser.submitForm("#ag-wait-form", Map.of("ag_code", code), "action", action);
            assertFalse(browser.isLoggedIn(), "action '" + action + "' must not sign in");
            assertTrue(browser.onWaitPage(), browser.describePage());
        }
        // The pending challenge is intact and still completes the login once approved.
        assertEquals(200, user.device.answer(user.challenge(), "approve", code).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
    }

    @Test
    void anApprovalCompletesOnlyOneLogin() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        Map<String, Object> challenge = user.challenge();
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        // Copy the tab's form post, cookies and all, before the real one completes.
        BrowserFlow copy = browser.fork();
        assertTrue(browser.pressWait("continue").isLoggedIn());
        copy.pressWait("continue");
        assertFalse(copy.isLoggedIn(), "the approval is spent: " + copy.describePage());
    }

    @Test
    void aNewSignInReplacesThePendingChallenge() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow first = user.signInToWaitPage();
        Map<String, Object> firstChallenge = user.challenge();
        BrowserFlow second = user.signInToWaitPage();
        Map<String, Object> secondChallenge = user.challenge();

        assertNotEquals(id(firstChallenge), id(secondChallenge));
        assertEquals(1, user.device.challenges().size(), "at most one pending challenge per user");
        assertEquals("superseded", first.pollStatus());
        assertEquals(409, user.device.answer(firstChallenge, "approve", first.code()).status());

        // The approval of the second sign-in cannot complete the first one.
        assertEquals(200, user.device.answer(secondChallenge, "approve", second.code()).status());
        first.pressWait("continue");
        assertFalse(first.isLoggedIn());
        assertEquals("superseded", first.messageState());
        assertTrue(second.pressWait("continue").isLoggedIn());
    }

    @Test
    void removedDeviceCannotAnswerNorCompleteAnApprovedLogin() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        Map<String, Object> challenge = user.challenge();
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());

        admin.deleteCredential(REALM, user.userId, user.device.deviceId());
        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn(), "the final step re-checks the device");
        assertEquals("invalid", browser.messageState());

        DeviceClient.Response listed = user.device.listChallenges();
        assertEquals(401, listed.status());
        assertEquals("unknown_device", listed.error());
    }

    @Test
    void disabledUserCannotCompleteAnApprovedLogin() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        assertEquals(200, user.device.answer(user.challenge(), "approve", browser.code()).status());
        admin.setUserEnabled(REALM, user.userId, false);
        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn(), browser.describePage());
    }

    @Test
    void deviceIsListedUnderSigningInInTheAccountConsole() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        assertEquals(200, user.device.answer(user.challenge(), "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
        String accessToken = (String) browser.exchangeCode().get("access_token");

        // The Account Console's "Signing in" page is drawn from this endpoint.
        java.net.http.HttpResponse<String> response =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(
                                                        KeycloakServer.realmUrl(REALM)
                                                                + "/account/credentials"))
                                        .header("Authorization", "Bearer " + accessToken)
                                        .header("Accept", "application/json")
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> type =
                io.approvalguard.testkit.Json.readList(response.body()).stream()
                        .filter(t -> "approval-guard-device".equals(t.get("type")))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no approver device type in " + response.body()));
        assertEquals("two-factor", type.get("category"));
        assertEquals(true, type.get("removeable"));
        assertEquals("approval-guard-register", type.get("createAction"));
        assertTrue(response.body().contains("\"userLabel\":\"reference device\""), response.body());
    }

    @Test
    void deviceRemovesItself() {
        PushScenario user = PushScenario.enrolledUser(admin);
        assertEquals(204, user.device.removeSelf().status());
        assertTrue(deviceCredentials(user).isEmpty());
        assertEquals("unknown_device", user.device.listChallenges().error());
        assertEvent(user, "REMOVE_CREDENTIAL", "device_removed");
    }

    @Test
    void addingASecondDeviceFromAnExistingSessionNeedsApprovalOnTheFirst() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        user.enrol(browser, user.device, "first");
        assertTrue(browser.pressEnrol().isLoggedIn());

        // The session's login passed no second factor (the user had none yet): adding a device asks
        // the first one.
        browser.startWithAction(REALM, CLIENT, CALLBACK, "approval-guard-register");
        assertTrue(browser.onWaitPage(), browser.describePage());
        assertNull(
                browser.currentPage().selectFirst("#ag-enrol-link"),
                "no enrolment link before the confirmation");
        Map<String, Object> confirmation = user.challenge();
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) confirmation.get("context");
        assertEquals("add-device", context.get("reason"));
        assertEquals(
                Map.of("type", "code", "length", 6),
                confirmation.get("verification"),
                "a new device approves every later sign-in: its confirmation asks for 6 digits even where sign-ins ask for 2");
        assertEquals(200, user.device.answer(confirmation, "approve", browser.code()).status());

        browser.pressWait("continue");
        assertTrue(browser.onEnrolmentPage(), browser.describePage());
        DeviceClient second = DeviceClient.create(REALM);
        user.enrol(browser, second, "second");
        browser.pressEnrol();
        assertTrue(browser.reachedClient(), browser.describePage());
        assertEquals(2, deviceCredentials(user).size());
    }

    @Test
    void deniedConfirmationAddsNoDevice() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        user.enrol(browser, user.device, "first");
        assertTrue(browser.pressEnrol().isLoggedIn());

        browser.startWithAction(REALM, CLIENT, CALLBACK, "approval-guard-register");
        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        browser.pressWait("continue");
        assertFalse(browser.onEnrolmentPage(), browser.describePage());
        assertEquals("denied", browser.messageState());
        assertEquals(1, deviceCredentials(user).size());
    }

    @Test
    void aDeviceEnrolledAfterAChallengeCannotAnswerIt() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow withSession = user.signInToWaitPage();
        assertEquals(
                200, user.device.answer(user.challenge(), "approve", withSession.code()).status());
        assertTrue(withSession.pressWait("continue").isLoggedIn());

        BrowserFlow attackerLogin = user.signInToWaitPage();
        Map<String, Object> pending = user.challenge();

        // The push-approved session adds a device after that challenge was created.
        withSession.startWithAction(REALM, CLIENT, CALLBACK, "approval-guard-register");
        assertTrue(withSession.onEnrolmentPage(), withSession.describePage());
        DeviceClient late = DeviceClient.create(REALM);
        user.enrol(withSession, late, "late");

        assertTrue(
                late.challenges().isEmpty(), "the newer device does not see the older challenge");
        DeviceClient.Response answer = late.answer(pending, "approve", attackerLogin.code());
        assertEquals(403, answer.status(), answer.toString());
        assertEquals("device_not_eligible", answer.error());
        assertEquals("pending", attackerLogin.pollStatus());
    }

    private List<Map<String, Object>> deviceCredentials(PushScenario user) {
        return admin.listCredentials(REALM, user.userId).stream()
                .filter(c -> "approval-guard-device".equals(c.get("type")))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Map<String, Object> event) {
        return (Map<String, Object>) event.get("details");
    }

    /**
     * The newest event of {@code type} for the user with our {@code approval_guard_event} detail.
     */
    private Map<String, Object> assertEvent(
            PushScenario user, String type, String approvalGuardEvent) {
        return admin.approvalGuardEvents(REALM, user.userId, type, approvalGuardEvent).stream()
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no "
                                                + type
                                                + " event "
                                                + approvalGuardEvent
                                                + " for "
                                                + user.username));
    }
}
