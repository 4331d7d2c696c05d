package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push fails closed at its edges, on a real Keycloak: realm {@code ag-strict} has no brute-force
 * protection (so parallel password posts all reach push) and a push execution that is REQUIRED for
 * {@code ag-test-client} and an ALTERNATIVE to OTP for {@code ag-fallback-client}.
 */
@ExtendWith(KeycloakServer.class)
class FailClosedIT {

    static final String REALM = "ag-strict";
    private static final String CLIENT = "ag-test-client";
    private static final String FALLBACK = "ag-fallback-client";
    private static final String ENROL_ACTION = "approval-guard-register";
    private static final int QUOTA = 10;

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void requiredPushWithEnrolmentTurnedOffNeverSignsInWithThePasswordAlone() {
        PushScenario user = PushScenario.newUserIn(REALM, admin, List.of());
        withEnrolment(
                false,
                () -> {
                    BrowserFlow browser = user.signInWithPassword(CLIENT);
                    assertFalse(
                            browser.reachedClient(),
                            "the password alone signed in: " + browser.describePage());
                    assertFalse(
                            browser.onEnrolmentPage() || browser.onWaitPage(),
                            browser.describePage());
                    assertTrue(
                            browser.lastBody().toLowerCase(Locale.ROOT).contains("setup required"),
                            browser.describePage());
                });
        // With enrolment available again, the same user is asked to enrol, not let in.
        assertTrue(user.signInWithPassword(CLIENT).onEnrolmentPage());
    }

    @Test
    void alternativePushWithEnrolmentTurnedOffNeverSignsInWithThePasswordAlone() {
        PushScenario user = PushScenario.newUserIn(REALM, admin, List.of());
        withEnrolment(
                false,
                () -> {
                    BrowserFlow browser = user.signInWithPassword(FALLBACK);
                    assertFalse(
                            browser.reachedClient(),
                            "the password alone signed in: " + browser.describePage());
                });
    }

    @Test
    void allDevicesSuspendedRefusesARequiredPushAndStepsAsideForAnAlternative() {
        PushScenario user = PushScenario.newUserWithOtpIn(REALM, admin).enrolThroughFirstLogin();
        riskAction(user, "require_reenrolment");
        for (boolean enrolment : List.of(true, false)) {
            withEnrolment(
                    enrolment,
                    () -> {
                        BrowserFlow required = user.signInWithPassword(CLIENT);
                        assertFalse(
                                required.reachedClient()
                                        || required.onWaitPage()
                                        || required.onEnrolmentPage(),
                                required.describePage());
                        assertTrue(
                                required.lastBody().contains("suspended"), required.describePage());

                        BrowserFlow alternative = user.signInWithPassword(FALLBACK);
                        assertNotNull(
                                alternative.currentPage().selectFirst("input[name=otp]"),
                                "push steps aside for OTP: " + alternative.describePage());
                    });
        }
    }

    @Test
    void parallelPasswordPostsWithoutBruteForceProtectionLeaveOnePendingChallengeWithinTheQuota()
            throws Exception {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        List<BrowserFlow> tabs = inParallel(24, () -> user.signInWithPassword(CLIENT));
        long prompted = tabs.stream().filter(FailClosedIT::prompted).count();
        assertTrue(prompted >= 1 && prompted <= QUOTA, "prompts: " + prompted);
        assertTrue(sent(user) <= QUOTA, "challenges sent: " + sent(user));
        assertTrue(pendingTabs(tabs) <= 1, "never more than one pending challenge per user");
    }

    @Test
    void resetThrottleLetsAUserWhoseQuotaWasSpentBePromptedAgain() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        for (int i = 0; i < QUOTA; i++) {
            assertTrue(
                    prompted(user.signInWithPassword(CLIENT)),
                    "prompt " + (i + 1) + " of the quota");
        }
        BrowserFlow spent = user.signInWithPassword(CLIENT);
        assertFalse(prompted(spent), "the quota is spent: " + spent.describePage());

        riskAction(user, "reset_throttle");
        assertTrue(
                prompted(user.signInWithPassword(CLIENT)),
                "after reset_throttle the user is prompted at once");
    }

    @Test
    void racingResendsFromSupersededTabsStayWithinTheQuota() throws Exception {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        List<BrowserFlow> tabs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            BrowserFlow tab = user.signInWithPassword(CLIENT);
            assertTrue(tab.onWaitPage(), tab.describePage());
            tabs.add(tab);
        }
        // Five superseded tabs, each posting "send a new request" twice at the same moment: no
        // password step.
        List<BrowserFlow> posts = new ArrayList<>();
        for (BrowserFlow tab : tabs.subList(0, 5)) {
            posts.add(tab);
            posts.add(tab.fork());
        }
        List<Callable<BrowserFlow>> resends =
                posts.stream()
                        .<Callable<BrowserFlow>>map(t -> () -> t.pressWait("resend"))
                        .toList();
        inParallel(resends);
        assertTrue(sent(user) <= QUOTA, "challenges sent: " + sent(user));
        // A fork shares its tab with the original: count each tab once.
        assertTrue(pendingTabs(tabs) <= 1, "never more than one pending challenge");
    }

    @Test
    void suspendedPushStopsListingAnsweringAndSpendingAnApproval() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        BrowserFlow browser = user.signInToWaitPage(CLIENT);
        Map<String, Object> challenge = user.challenge();
        riskAction(user, "suspend_push");

        assertTrue(user.device.challenges().isEmpty(), "a suspended user's device lists nothing");
        DeviceClient.Response answer = user.device.answer(challenge, "approve", browser.code());
        assertEquals(403, answer.status(), answer.toString());
        assertEquals("push_suspended", answer.error());

        riskAction(user, "clear");
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        riskAction(user, "suspend_push");
        String statusUrl = browser.statusUrl();
        BrowserFlow refused = browser.pressWait("continue");
        assertFalse(refused.reachedClient(), "approved, then suspended: " + refused.describePage());
        assertTrue(refused.lastBody().contains("paused"), refused.describePage());
        // Every gate ran before the approval was spent: it is refused, not used up.
        assertEquals(
                "approved",
                browser.get(statusUrl).jsonMap().get("state"),
                "the refused approval was not consumed");
    }

    @Test
    void cancellingOnTheSignInPageEndsTheChallengeAndTellsTheDevice() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        BrowserFlow browser = user.signInToWaitPage(CLIENT);
        Map<String, Object> challenge = user.challenge();
        String code = browser.code();
        browser.pressWait("cancel");
        assertEquals("access_denied", browser.callbackError(), browser.describePage());

        assertTrue(user.device.challenges().isEmpty(), "the cancelled request is no longer listed");
        DeviceClient.Response late = user.device.answer(challenge, "approve", code);
        assertEquals(409, late.status(), late.toString());
        assertEquals("challenge_cancelled", late.error());
        assertEquals(
                1,
                admin.approvalGuardEvents(REALM, user.userId, "LOGIN_ERROR", "challenge_cancelled")
                        .size(),
                "recorded, and counted as a request left unanswered");
    }

    @Test
    void cancellingAMandatoryEnrolmentEndsTheSignIn() {
        PushScenario user = PushScenario.newUserIn(REALM, admin, List.of());
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        assertTrue(browser.onEnrolmentPage(), browser.describePage());
        browser.submitForm("#ag-enrol-form", Map.of(), "action", "cancel");
        assertFalse(
                browser.isLoggedIn(), "cancel skipped the enrolment: " + browser.describePage());
        assertTrue(
                admin.listCredentials(REALM, user.userId).stream()
                        .noneMatch(c -> "approval-guard-device".equals(c.get("type"))));
    }

    @Test
    void aLockedUserCannotAskForANewRequest() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage(PushScenario.SHORT_LIVED_CLIENT);
        time.shift(Duration.ofSeconds(11));
        assertEquals(
                "expired", browser.pressWait("continue").messageState(), browser.describePage());
        for (int i = 0; i < 5; i++) {
            BrowserFlow.forTestServer()
                    .start(PushScenario.REALM, PushScenario.CLIENT, PushScenario.CALLBACK)
                    .submitPassword(user.username, "wrong-password");
        }
        int sentBefore = sent(user);
        BrowserFlow resent = browser.pressWait("resend");
        assertFalse(
                resent.onWaitPage() && resent.code() != null,
                "a locked user got a new request: " + resent.describePage());
        assertEquals(sentBefore, sent(user), "no challenge was sent");
    }

    private void withEnrolment(boolean enabled, Runnable body) {
        String path = "/admin/realms/" + REALM + "/authentication/required-actions/" + ENROL_ACTION;
        Map<String, Object> action =
                new java.util.HashMap<>(admin.send("GET", path, null).jsonMap());
        boolean before = Boolean.TRUE.equals(action.get("enabled"));
        action.put("enabled", enabled);
        assertEquals(204, admin.send("PUT", path, action).status());
        try {
            body.run();
        } finally {
            action.put("enabled", before);
            assertEquals(204, admin.send("PUT", path, action).status());
        }
    }

    private void riskAction(PushScenario user, String action) {
        Map<String, Object> body =
                new java.util.HashMap<>(
                        Map.of("action", action, "reason_code", "test.fail_closed"));
        if ("suspend_push".equals(action)) {
            body.put("duration_seconds", 600);
        }
        HttpResult result =
                admin.send(
                        "POST",
                        "/admin/realms/"
                                + user.realm
                                + "/approval-guard/risk/users/"
                                + user.userId
                                + "/actions",
                        body);
        assertEquals(200, result.status(), result.body());
    }

    private static boolean prompted(BrowserFlow tab) {
        return tab.onWaitPage() && tab.code() != null;
    }

    private int sent(PushScenario user) {
        return admin.approvalGuardEvents(
                        user.realm, user.userId, "CUSTOM_REQUIRED_ACTION", "challenge_sent")
                .size();
    }

    /** Tabs whose challenge is pending now, as their own status endpoint says. */
    private static long pendingTabs(List<BrowserFlow> tabs) {
        return tabs.stream()
                .filter(BrowserFlow::onWaitPage)
                .filter(t -> "pending".equals(t.pollStatus()))
                .count();
    }

    private static List<BrowserFlow> inParallel(int count, Callable<BrowserFlow> task)
            throws Exception {
        List<Callable<BrowserFlow>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(task);
        }
        return inParallel(tasks);
    }

    private static List<BrowserFlow> inParallel(List<Callable<BrowserFlow>> tasks)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<BrowserFlow> results = new ArrayList<>();
            for (Future<BrowserFlow> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
