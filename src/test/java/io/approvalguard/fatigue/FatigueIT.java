package io.approvalguard.fatigue;

import static io.approvalguard.testkit.PushScenario.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push cannot be won by pestering: quota, spacing, back-off, per-IP limit, quiet mode, fallback,
 * brute-force protection and code lengths, on a real Keycloak. Time jumps use Keycloak's time
 * offset, so nothing here sleeps through a back-off.
 */
@ExtendWith(KeycloakServer.class)
class FatigueIT {

    /** Quota 5, 10 s spacing, 30 s back-off doubling to 1 h, quiet mode on. */
    private static final String THROTTLED = "ag-throttled-client";

    private static final int QUOTA = 5;

    /**
     * Longest wait for a notification's log line; it shows within milliseconds on an idle machine.
     */
    private static final Duration NOTIFIED_WITHIN = Duration.ofSeconds(30);

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void aFloodWithTheRightPasswordSendsAtMostTheQuotaAndOnePendingChallenge() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        KeycloakServer.LogMark mark = KeycloakServer.logMark();

        int attempts = 50;
        int pendingSeen = 0;
        List<String> pages = new ArrayList<>();
        // 10 one after the other, 40 in parallel bursts of 8, with the clock moving past the
        // spacing in between.
        for (int i = 0; i < 10; i++) {
            pages.add(pageState(user.signInWithPassword(THROTTLED)));
            pendingSeen = Math.max(pendingSeen, user.device.challenges().size());
            time.shift(Duration.ofSeconds(11));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int burst = 0; burst < 5; burst++) {
                List<Future<String>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    futures.add(pool.submit(() -> pageState(user.signInWithPassword(THROTTLED))));
                }
                for (Future<String> future : futures) {
                    pages.add(future.get());
                }
                pendingSeen = Math.max(pendingSeen, user.device.challenges().size());
                time.shift(Duration.ofSeconds(11));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(attempts, pages.size());
        long prompted = pages.stream().filter("pending"::equals).count();
        assertEquals(QUOTA, prompted, "prompts: " + pages);
        // Keycloak itself refuses concurrent password logins of one user ("user temporarily
        // disabled"
        // while another is in progress); those never reach push either.
        assertTrue(
                pages.stream()
                        .allMatch(
                                s ->
                                        s.equals("pending")
                                                || s.equals("throttled")
                                                || s.startsWith("other: ")),
                pages.toString());
        assertTrue(
                pages.stream()
                        .filter(s -> s.startsWith("other: "))
                        .allMatch(s -> s.contains("id login-login")),
                pages.toString());
        assertEquals(1, pendingSeen, "never more than one pending challenge");

        // An upper bound: the settle only gives a stray notification (written after commit, on an
        // executor) the time to show; it cannot make the test fail when there is none.
        Thread.sleep(500);
        List<String> notified =
                KeycloakServer.logLinesContaining(mark, "waits for user " + user.userId);
        assertTrue(notified.size() <= QUOTA, "notifications: " + notified);
        assertEquals(QUOTA, sentEvents(user).size());
    }

    @Test
    void quotaAndQuietModeThenASuccessfulSignInStartsAfresh() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        KeycloakServer.LogMark mark = KeycloakServer.logMark();
        BrowserFlow last = null;
        for (int prompt = 1; prompt <= QUOTA; prompt++) {
            last = user.signInWithPassword(THROTTLED);
            assertEquals("pending", pageState(last));
            boolean quiet =
                    "true".equals(last.currentPage().selectFirst("#ag-message").attr("data-quiet"));
            // The last two prompts of the quota look like an attack: no notification, the user
            // opens the app.
            assertEquals(prompt >= QUOTA - 1, quiet, "prompt " + prompt);
            assertNotNull(user.device.pendingChallenge(), "a quiet challenge is still listed");
            time.shift(Duration.ofSeconds(11));
        }
        // Notifications are written after commit, on an executor: wait for the loud prompts' ones.
        String notifiedUser = "waits for user " + user.userId;
        KeycloakServer.awaitLogLines(mark, notifiedUser, QUOTA - 2, NOTIFIED_WITHIN);

        BrowserFlow refused = user.signInWithPassword(THROTTLED);
        assertEquals("throttled", pageState(refused));
        assertTrue(
                refused.errorMessage().contains("Too many sign-in requests"),
                refused.errorMessage());
        assertNull(refused.currentPage().selectFirst("#ag-code"));

        // Approving the last prompt signs in and resets the quota.
        assertEquals(200, user.device.answer(user.challenge(), "approve", last.code()).status());
        assertTrue(last.pressWait("continue").isLoggedIn());
        time.shift(Duration.ofSeconds(11));
        BrowserFlow fresh = user.signInWithPassword(THROTTLED);
        assertEquals("pending", pageState(fresh));
        assertEquals("false", fresh.currentPage().selectFirst("#ag-message").attr("data-quiet"));
        assertEquals(2, fresh.code().length(), "a clean history keeps the short code");
        // The fresh prompt was handed to the notifier seconds after the quiet ones: once its line
        // is
        // there, a quiet prompt's would be too. Only the loud prompts and the fresh one notified.
        KeycloakServer.awaitLogLines(
                mark, "challenge " + user.challenge().get("id") + " waits", 1, NOTIFIED_WITHIN);
        assertEquals(
                QUOTA - 2 + 1,
                KeycloakServer.logLinesContaining(mark, notifiedUser).size(),
                "quiet prompts notified nobody: "
                        + KeycloakServer.logLinesContaining(mark, notifiedUser));
    }

    @Test
    void spacingAndADoublingBackOffAfterDenialsAndTimeouts() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow first = user.signInWithPassword(THROTTLED);
        assertEquals("pending", pageState(first));
        assertEquals("throttled", pageState(user.signInWithPassword(THROTTLED)), "10 s spacing");

        // Denial 1: 30 s back-off.
        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        time.shift(Duration.ofSeconds(20));
        assertEquals("throttled", pageState(user.signInWithPassword(THROTTLED)));
        time.shift(Duration.ofSeconds(11));
        BrowserFlow second = user.signInWithPassword(THROTTLED);
        assertEquals("pending", pageState(second));
        assertEquals(
                6, second.code().length(), "after a denial the standard profile asks for 6 digits");

        // Timeout (the challenge runs out unanswered): the streak is 2, back-off 60 s.
        time.shift(Duration.ofSeconds(121));
        assertEquals("expired", second.pollStatus());
        time.shift(Duration.ofSeconds(45));
        assertEquals(
                "throttled",
                pageState(user.signInWithPassword(THROTTLED)),
                "45 s into a 60 s back-off");
        time.shift(Duration.ofSeconds(16));
        BrowserFlow third = user.signInWithPassword(THROTTLED);
        assertEquals("pending", pageState(third));
        assertEquals(
                "true",
                third.currentPage().selectFirst("#ag-message").attr("data-quiet"),
                "a streak of two looks like an attack: quiet mode");
        assertFalse(user.device.challenges().isEmpty());
    }

    @Test
    void oneAddressPromptingManyUsersRunsOut() {
        // Start at the beginning of a fresh per-IP window, so the window cannot roll over mid-test.
        long window = 600;
        time.shift(
                Duration.ofSeconds(
                        window - KeycloakServer.serverNow().getEpochSecond() % window + 1));
        List<String> states = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PushScenario user = PushScenario.enrolledUser(admin);
            states.add(pageState(user.signInWithPassword("ag-ip-client")));
        }
        assertEquals(List.of("pending", "pending", "pending", "throttled"), states);
    }

    @Test
    void throttledPushFallsBackToOtpInAnAlternativeFlow() {
        PushScenario user = userWithOtp().enrolThroughFirstLogin();
        // Push first in the user's credential order, so the flow starts with it.
        HttpResult moved =
                admin.send(
                        "POST",
                        "/admin/realms/"
                                + REALM
                                + "/users/"
                                + user.userId
                                + "/credentials/"
                                + user.device.deviceId()
                                + "/moveToFirst",
                        null);
        assertEquals(204, moved.status(), moved.body());

        BrowserFlow first = user.signInWithPassword("ag-fallback-client");
        assertEquals(
                "pending",
                pageState(first),
                "push is the default second factor: " + admin.listCredentials(REALM, user.userId));

        BrowserFlow second = user.signInWithPassword("ag-fallback-client");
        assertFalse(second.onWaitPage(), "push is throttled (quota 1): " + second.describePage());
        assertNotNull(
                second.currentPage().selectFirst("input[name=otp]"),
                "OTP takes over: " + second.describePage());
        assertFalse(
                admin.approvalGuardEvents(REALM, user.userId, "LOGIN_ERROR", "challenge_throttled")
                        .isEmpty(),
                "push was tried and stepped aside");
    }

    @Test
    void nistProfileAsksForSixDigitsAndTheCodeIsNeverExposed() {
        PushScenario user = PushScenario.enrolledUser(admin);
        KeycloakServer.LogMark mark = KeycloakServer.logMark();
        BrowserFlow browser = user.signInWithPassword("ag-nist-client");
        String code = browser.code();
        assertEquals(6, code.length());

        DeviceClient.Response listed = user.device.listChallenges();
        assertFalse(listed.body().contains(code), "the device listing never carries the code");
        assertEquals(Map.of("type", "code", "length", 6), user.challenge().get("verification"));
        assertEquals(200, user.device.answer(user.challenge(), "approve", code).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
        KeycloakServer.assertNotLoggedSince(mark, code, Duration.ofMillis(500));
    }

    @Test
    void approveOnlyProfileAsksForNoCode() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInWithPassword("ag-approve-only-client");
        assertTrue(browser.onWaitPage());
        assertNull(browser.code());
        Map<String, Object> challenge = user.challenge();
        assertEquals(Map.of("type", "none"), challenge.get("verification"));
        assertEquals(200, user.device.answer(challenge, "approve", null).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
    }

    @Test
    void denialsAndWrongCodesCountForBruteForceProtection() {
        PushScenario user = PushScenario.enrolledUser(admin);
        for (int i = 0; i < 3; i++) {
            user.signInToWaitPage();
            assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        }
        for (int i = 0; i < 2; i++) {
            BrowserFlow browser = user.signInToWaitPage();
            String wrong =
                    browser.code().startsWith("0")
                            ? "1" + browser.code().substring(1)
                            : "0" + browser.code().substring(1);
            assertEquals(
                    "invalid_code", user.device.answer(user.challenge(), "approve", wrong).error());
        }
        // Five failures: the realm's brute-force protection now locks the user, even with the right
        // password.
        BrowserFlow locked = user.signInWithPassword(PushScenario.CLIENT);
        assertFalse(locked.onWaitPage(), bruteForce(user) + " " + locked.describePage());
        assertEquals(5, ((Number) bruteForce(user).get("numFailures")).intValue());
        assertEquals(Boolean.TRUE, bruteForce(user).get("disabled"));
    }

    @Test
    void aUserLockedMeanwhileCannotCompleteAnApprovalThatStartedBefore() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        Map<String, Object> challenge = user.challenge();
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        for (int i = 0; i < 5; i++) {
            BrowserFlow.forTestServer()
                    .start(REALM, PushScenario.CLIENT, PushScenario.CALLBACK)
                    .submitPassword(user.username, "wrong-password");
        }
        browser.pressWait("continue");
        assertFalse(browser.isLoggedIn(), "the lock is checked again at the final step");
        assertEquals("user_disabled", user.device.listChallenges().error());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * "pending" on a wait page with a challenge, "throttled" when no prompt was sent, else a
     * description.
     */
    private static String pageState(BrowserFlow browser) {
        if (!browser.onWaitPage()) {
            return "other: " + browser.describePage();
        }
        return browser.currentPage().selectFirst("#ag-message").attr("data-state");
    }

    private Map<String, Object> bruteForce(PushScenario user) {
        return admin.send(
                        "GET",
                        "/admin/realms/"
                                + REALM
                                + "/attack-detection/brute-force/users/"
                                + user.userId,
                        null)
                .jsonMap();
    }

    private List<Map<String, Object>> sentEvents(PushScenario user) {
        return admin.approvalGuardEvents(
                REALM, user.userId, "CUSTOM_REQUIRED_ACTION", "challenge_sent");
    }

    private PushScenario userWithOtp() {
        return PushScenario.newUserWithOtpIn(REALM, admin);
    }
}
