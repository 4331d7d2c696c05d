package io.approvalguard.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.OidcClient;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scorer's response to a device's decision is part of that decision (realm {@code ag-risk},
 * default risk settings): nothing is left for a racing browser or a relay that is behind.
 */
@ExtendWith(KeycloakServer.class)
class DecisionTimeResponseIT {

    private static final String REALM = "ag-risk";
    private static final String CLIENT = "ag-test-client";

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void anApprovalRightAfterAStreakOfDenialsIsNeverSpent() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        // An address of its own: other tests' sign-ins from 127.0.0.1 would raise the spraying
        // signal.
        String address = uniqueAddress();
        for (int i = 0; i < 3; i++) {
            BrowserFlow denied = signIn(user, address);
            denied.waitPage();
            assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        }
        BrowserFlow worn = signIn(user, address);
        worn.waitPage();
        assertEquals(200, user.device.answer(user.challenge(), "approve", worn.code()).status());
        // The browser continues the instant the device's answer returns: the approval is already
        // refused.
        BrowserFlow after = worn.pressWait("continue");
        assertFalse(
                after.reachedClient(), "the fatigue approval was spent: " + after.describePage());
        assertTrue(after.lastBody().contains("paused"), after.describePage());
        assertTrue(admin.userSessions(REALM, user.userId).isEmpty(), "no session");
    }

    /** An address of this test's own (the test server trusts X-Forwarded-For). */
    private static String uniqueAddress() {
        java.util.concurrent.ThreadLocalRandom random =
                java.util.concurrent.ThreadLocalRandom.current();
        return "10."
                + random.nextInt(1, 255)
                + "."
                + random.nextInt(0, 256)
                + "."
                + random.nextInt(1, 255);
    }

    private static BrowserFlow signIn(PushScenario user, String address) {
        return BrowserFlow.forTestServer()
                .withHeader("X-Forwarded-For", address)
                .start(REALM, CLIENT, PushScenario.CALLBACK)
                .submitPassword(user.username, PushScenario.PASSWORD);
    }

    @Test
    void thisWasntMeHasEndedEverySessionByTheTimeTheDevicesAnswerReturns() {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();
        String address = uniqueAddress();
        BrowserFlow signedIn = signIn(user, address);
        signedIn.waitPage();
        assertEquals(
                200, user.device.answer(user.challenge(), "approve", signedIn.code()).status());
        assertTrue(signedIn.pressWait("continue").isLoggedIn());
        Map<String, Object> tokens = signedIn.exchangeCode();

        BrowserFlow attacker = signIn(user, address);
        attacker.waitPage();
        assertEquals(200, user.device.answer(user.challenge(), "fraud", null).status());
        // No waiting, no polling: the refresh token is refused on the very next request.
        Map<String, Object> refreshed =
                OidcClient.refresh(REALM, CLIENT, (String) tokens.get("refresh_token"));
        assertNotEquals(200, refreshed.get("http_status"), refreshed.toString());
        assertTrue(admin.userSessions(REALM, user.userId).isEmpty(), "no session left");
    }
}
