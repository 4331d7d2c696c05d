package io.approvalguard.notify;

import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.REALM;
import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.PushServiceStandIn;
import io.approvalguard.testkit.PushServices;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code webpush} notifier on a real Keycloak against a push-service stand-in that checks the
 * VAPID signature and decrypts each message with the keys of a subscription the test made, as a
 * browser would: delivery, a gone subscription, a hanging push service, and the endpoint guard.
 */
@ExtendWith(KeycloakServer.class)
class WebPushIT {

    private final AdminClient admin = AdminClient.forTestServer();
    private PushServiceStandIn pushService;

    @BeforeEach
    void startPushService() {
        pushService = new PushServiceStandIn(PushServices.WEB_PUSH_PORT).start();
    }

    @AfterEach
    void stopPushService() {
        pushService.close();
    }

    private String applicationServerKey(DeviceClient device) {
        Object webPush = PushChecks.providers(device).get("webpush");
        assertTrue(webPush instanceof Map<?, ?>, "Web Push is offered: " + webPush);
        String key = (String) ((Map<?, ?>) webPush).get("application_server_key");
        byte[] point = Base64.getUrlDecoder().decode(key);
        assertEquals(65, point.length, "an uncompressed P-256 point");
        assertEquals(4, point[0]);
        return key;
    }

    private PushServiceStandIn.Subscription subscribe(PushScenario user) {
        PushServiceStandIn.Subscription subscription =
                pushService.newSubscription(applicationServerKey(user.device));
        Map<String, Object> body = new HashMap<>(subscription.registration());
        body.put("provider", "webpush");
        DeviceClient.Response registered = user.device.registerPush(body);
        assertEquals(200, registered.status(), registered.toString());
        return subscription;
    }

    private PushServiceStandIn.Push awaitPushFor(PushServiceStandIn.Subscription subscription) {
        return PushChecks.await(
                "a push to " + subscription.id(),
                () ->
                        pushService.pushes().stream()
                                .filter(p -> subscription.id().equals(p.subscriptionId()))
                                .findFirst()
                                .orElse(null));
    }

    @Test
    void theBrowserGetsAnEncryptedVapidSignedPushThatSaysOnlyThatAChallengeWaits() {
        PushScenario user = PushScenario.enrolledUser(admin);
        PushServiceStandIn.Subscription subscription = subscribe(user);
        user.signInToWaitPage();
        String challengeId = id(user.challenge());

        PushServiceStandIn.Push push = awaitPushFor(subscription);
        assertNull(push.problem(), "VAPID holds and the body decrypts: " + push.problem());
        assertEquals(
                "{\"type\":\"challenge_waiting\",\"challenge_id\":\"" + challengeId + "\"}",
                push.plaintextText());
        assertEquals(PushServices.VAPID_SUBJECT, push.vapidClaims().get("sub"));
        assertEquals("aes128gcm", push.header("Content-Encoding"));
        assertEquals("high", push.header("Urgency"));
        assertTrue(Integer.parseInt(push.header("TTL")) > 0, "lives as long as the challenge");
        PushChecks.awaitEvents(admin, user, "CUSTOM_REQUIRED_ACTION", "push_sent", 1);
    }

    @Test
    void anUnsubscribedBrowserIsRemovedAndStillPulls() {
        PushScenario user = PushScenario.enrolledUser(admin);
        PushServiceStandIn.Subscription subscription = subscribe(user);
        pushService.unsubscribe(subscription);
        user.signInToWaitPage();
        String challengeId = id(user.challenge());
        awaitPushFor(subscription);

        List<Map<String, Object>> removed =
                PushChecks.awaitEvents(admin, user, "UPDATE_CREDENTIAL", "push_address_removed", 1);
        assertEquals("gone", PushChecks.details(removed.get(0)).get("push_removal"));
        assertFalse(
                String.valueOf(admin.listCredentials(REALM, user.userId))
                        .contains(subscription.p256dh()),
                "the subscription is gone from the device");
        assertEquals(challengeId, id(user.device.pendingChallenge()), "the device still pulls");
    }

    @Test
    void aHangingPushServiceDoesNotHoldUpTheSignIn() {
        PushScenario user = PushScenario.enrolledUser(admin);
        PushServiceStandIn.Subscription subscription = subscribe(user);
        pushService.neverAnswer();
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        assertTrue(browser.onWaitPage(), browser.describePage());
        awaitPushFor(subscription);
        List<Map<String, Object>> failed =
                PushChecks.awaitEvents(
                        admin, user, "CUSTOM_REQUIRED_ACTION_ERROR", "push_failed", 1);
        assertEquals(
                Integer.toString(PushServices.MAX_ATTEMPTS),
                PushChecks.details(failed.get(0)).get("push_attempts"));
    }

    @Test
    void aSubscriptionOutsideTheAllowedPushServicesIsRefused() {
        PushScenario user = PushScenario.enrolledUser(admin);
        PushServiceStandIn.Subscription real =
                pushService.newSubscription(applicationServerKey(user.device));
        for (String endpoint :
                List.of(
                        "http://127.0.0.1:8080/admin/realms",
                        "http://169.254.169.254/latest/meta-data",
                        "https://evil.example/push")) {
            DeviceClient.Response refused =
                    user.device.registerPush(
                            Map.of(
                                    "provider",
                                    "webpush",
                                    "subscription",
                                    Map.of(
                                            "endpoint",
                                            endpoint,
                                            "keys",
                                            Map.of("p256dh", real.p256dh(), "auth", real.auth()))));
            assertEquals(400, refused.status(), endpoint + ": " + refused);
            assertEquals("invalid_push_address", refused.error());
        }
        DeviceClient.Response badKey =
                user.device.registerPush(
                        Map.of(
                                "provider",
                                "webpush",
                                "subscription",
                                Map.of(
                                        "endpoint",
                                        real.endpoint(),
                                        "keys",
                                        Map.of("p256dh", "AAAA", "auth", real.auth()))));
        assertEquals(400, badKey.status(), badKey.toString());
    }
}
