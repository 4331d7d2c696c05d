package io.approvalguard.notify;

import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.REALM;
import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.FakeFcm;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.PushServices;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code fcm} notifier on a real Keycloak against a local FCM and token endpoint that check the
 * service account's JWT, the token exchange and the message: a delivery, a rejected token, a
 * hanging FCM, and quiet mode.
 */
@ExtendWith(KeycloakServer.class)
class FcmPushIT {

    /** Quota 5, 10 s spacing, quiet mode: the last two prompts of the quota are quiet. */
    private static final String THROTTLED = "ag-throttled-client";

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final AdminClient admin = AdminClient.forTestServer();
    private FakeFcm fcm;

    @BeforeEach
    void startFcm() {
        fcm = new FakeFcm(PushServices.FCM_PORT).start();
        fcm.trustAccount(PushServices.fcmAccountFile());
    }

    @AfterEach
    void stopFcm() {
        fcm.close();
    }

    private PushScenario userWithToken(String token) {
        PushScenario user = PushScenario.enrolledUser(admin);
        assertTrue(PushChecks.providers(user.device).containsKey("fcm"));
        assertEquals(
                200, user.device.registerPush(Map.of("provider", "fcm", "token", token)).status());
        return user;
    }

    private FakeFcm.Message awaitMessage(String challengeId) {
        return PushChecks.await(
                "an FCM message for " + challengeId,
                () ->
                        fcm.messages().stream()
                                .filter(m -> challengeId.equals(m.data().get("challenge_id")))
                                .findFirst()
                                .orElse(null));
    }

    @Test
    void aChallengeReachesTheDevicesTokenAsADataMessageWithAGenericText() {
        String token = "fcm-token-" + System.nanoTime();
        PushScenario user = userWithToken(token);
        user.signInToWaitPage();
        String challengeId = id(user.challenge());

        FakeFcm.Message message = awaitMessage(challengeId);
        assertEquals(PushServices.FCM_PROJECT, message.project());
        assertEquals(token, message.token());
        assertEquals(
                Map.of("type", "challenge_waiting", "challenge_id", challengeId),
                message.data(),
                "only that a challenge waits");
        String text = String.valueOf(message.message().get("notification"));
        assertFalse(text.contains(user.username), "no name in the visible text: " + text);
        assertTrue(fcm.exchanges() >= 1, "an access token was obtained with the JWT-bearer grant");
        PushChecks.awaitEvents(admin, user, "CUSTOM_REQUIRED_ACTION", "push_sent", 1);
    }

    @Test
    void anUnregisteredTokenIsRemovedAndTheDeviceStillPulls() {
        PushScenario user = userWithToken("uninstalled-" + System.nanoTime());
        fcm.answerNext(FakeFcm.Answer.UNREGISTERED);
        user.signInToWaitPage();
        String challengeId = id(user.challenge());
        awaitMessage(challengeId);

        List<Map<String, Object>> removed =
                PushChecks.awaitEvents(admin, user, "UPDATE_CREDENTIAL", "push_address_removed", 1);
        Map<String, Object> details = PushChecks.details(removed.get(0));
        assertEquals("gone", details.get("push_removal"));
        assertTrue(
                String.valueOf(details.get("push_reason")).contains("UNREGISTERED"),
                details.toString());
        assertFalse(
                String.valueOf(admin.listCredentials(REALM, user.userId)).contains("uninstalled-"));
        assertEquals(challengeId, id(user.device.pendingChallenge()), "the device still pulls");
    }

    @Test
    void aHangingFcmDoesNotHoldUpTheSignIn() {
        PushScenario user = userWithToken("hanging-" + System.nanoTime());
        fcm.answerAlways(FakeFcm.Answer.HANG);
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        assertTrue(browser.onWaitPage(), browser.describePage());
        String challengeId = id(user.challenge());
        awaitMessage(challengeId);
        List<Map<String, Object>> failed =
                PushChecks.awaitEvents(
                        admin, user, "CUSTOM_REQUIRED_ACTION_ERROR", "push_failed", 1);
        assertEquals(
                Integer.toString(PushServices.MAX_ATTEMPTS),
                PushChecks.details(failed.get(0)).get("push_attempts"));
    }

    @Test
    void quietPromptsSendNothing() {
        PushScenario user = userWithToken("quiet-" + System.nanoTime());
        List<String> loud = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        BrowserFlow last = null;
        for (int prompt = 1; prompt <= 5; prompt++) {
            last = user.signInWithPassword(THROTTLED);
            boolean isQuiet =
                    "true".equals(last.currentPage().selectFirst("#ag-message").attr("data-quiet"));
            (isQuiet ? quiet : loud).add(id(user.challenge()));
            time.shift(Duration.ofSeconds(11));
        }
        assertEquals(2, quiet.size(), "the last two prompts of the quota are quiet");
        // Approving the last prompt resets the quota: the next prompt is loud again, and once its
        // message is there, a quiet prompt's (handed over before it) would be too.
        Map<String, Object> lastChallenge = user.device.pendingChallenge();
        assertEquals(200, user.device.answer(lastChallenge, "approve", last.code()).status());
        assertTrue(last.pressWait("continue").isLoggedIn());
        time.shift(Duration.ofSeconds(11));
        user.signInWithPassword(THROTTLED);
        String fresh = id(user.challenge());
        awaitMessage(fresh);
        PushChecks.awaitEvents(admin, user, "CUSTOM_REQUIRED_ACTION", "push_sent", loud.size() + 1);

        Set<String> pushed =
                fcm.messages().stream()
                        .map(m -> m.data().get("challenge_id"))
                        .collect(Collectors.toSet());
        assertTrue(pushed.containsAll(loud), "loud prompts were pushed");
        assertTrue(quiet.stream().noneMatch(pushed::contains), "quiet prompts were not: " + quiet);
    }
}
