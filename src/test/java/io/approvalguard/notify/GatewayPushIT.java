package io.approvalguard.notify;

import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.REALM;
import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.PushServices;
import io.approvalguard.testkit.StandardWebhookVerifier;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code webhook} notifier on a real Keycloak, with the operator's push gateway played by a
 * loopback receiver: a device registers its gateway token and hears of each challenge; a token the
 * gateway calls gone is removed; a gateway that never answers does not hold up the sign-in.
 */
@ExtendWith(KeycloakServer.class)
class GatewayPushIT {

    private final AdminClient admin = AdminClient.forTestServer();
    private final StandardWebhookVerifier verifier =
            new StandardWebhookVerifier(PushServices.GATEWAY_SECRETS);
    private WebhookReceiver gateway;

    @BeforeEach
    void startGateway() {
        gateway = new WebhookReceiver(PushServices.GATEWAY_PORT).start();
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void aRegisteredDeviceHearsOfTheChallengeAndNothingMore() {
        PushScenario user = PushScenario.enrolledUser(admin);
        assertTrue(
                PushChecks.providers(user.device).containsKey("webhook"),
                "the gateway is offered: " + PushChecks.providers(user.device));
        String token = "gateway-token-" + user.userId;
        DeviceClient.Response registered =
                user.device.registerPush(Map.of("provider", "webhook", "token", token));
        assertEquals(200, registered.status(), registered.toString());
        assertEquals("webhook", registered.string("provider"));

        BrowserFlow browser = user.signInToWaitPage();
        String challengeId = id(user.challenge());
        WebhookReceiver.Delivery delivery = awaitFor(challengeId);
        Map<String, Object> body = verifier.verify(delivery);
        assertEquals(
                Set.of("type", "challenge_id", "device_id", "token", "realm", "expires_at"),
                body.keySet(),
                "only that a challenge waits, and where to: " + body);
        assertEquals("challenge_waiting", body.get("type"));
        assertEquals(token, body.get("token"));
        assertEquals(user.device.deviceId(), body.get("device_id"));
        String code = browser.code();
        assertFalse(
                code != null && delivery.bodyText().contains("\"" + code + "\""), "never the code");
        assertEquals(1, awaitEvents(user, "CUSTOM_REQUIRED_ACTION", "push_sent", 1).size());
        assertTrue(
                KeycloakServer.metrics()
                        .lines()
                        .anyMatch(
                                line ->
                                        line.startsWith("approval_guard_push_notifications_total{")
                                                && line.contains("outcome=\"sent\"")
                                                && line.contains("provider=\"webhook\"")),
                "counted on /metrics");
    }

    @Test
    void aTokenTheGatewayCallsGoneIsRemovedAndTheDeviceStillPulls() {
        PushScenario user = PushScenario.enrolledUser(admin);
        user.device.registerPush(Map.of("provider", "webhook", "token", "soon-gone"));
        gateway.respondNext(410, null);

        user.signInToWaitPage();
        String challengeId = id(user.challenge());
        awaitFor(challengeId);
        List<Map<String, Object>> removed =
                awaitEvents(user, "UPDATE_CREDENTIAL", "push_address_removed", 1);
        assertEquals("gone", PushChecks.details(removed.get(0)).get("push_removal"));
        assertFalse(
                String.valueOf(admin.listCredentials(REALM, user.userId)).contains("soon-gone"),
                "the address is gone from the device");
        assertEquals(challengeId, id(user.device.pendingChallenge()), "the device still pulls");
    }

    @Test
    void aGatewayThatNeverAnswersDoesNotHoldUpTheSignIn() {
        PushScenario user = PushScenario.enrolledUser(admin);
        user.device.registerPush(Map.of("provider", "webhook", "token", "hangs"));
        gateway.neverAnswer();

        Instant started = Instant.now();
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        Instant answered = Instant.now();
        // The wait page is there while the gateway still holds the notification's request.
        assertTrue(browser.onWaitPage(), browser.describePage());
        String challengeId = id(user.challenge());
        awaitFor(challengeId);
        List<Map<String, Object>> failed =
                awaitEvents(user, "CUSTOM_REQUIRED_ACTION_ERROR", "push_failed", 1);
        Map<String, Object> details = PushChecks.details(failed.get(0));
        assertEquals(Integer.toString(PushServices.MAX_ATTEMPTS), details.get("push_attempts"));
        assertTrue(
                String.valueOf(details.get("push_reason")).contains("timeout-ms"),
                "the reason names the deadline: " + details);
        System.out.printf(
                "GatewayPushIT: sign-in answered in %d ms while the gateway hung%n",
                Duration.between(started, answered).toMillis());
    }

    @Test
    void aRemovedAddressHearsNothingAndBadAddressesAreRefused() {
        PushScenario user = PushScenario.enrolledUser(admin);
        DeviceClient.Response bad =
                user.device.registerPush(Map.of("provider", "webhook", "token", "has space"));
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("invalid_push_address", bad.error());
        DeviceClient.Response unknown =
                user.device.registerPush(Map.of("provider", "pigeon", "token", "x"));
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().contains("webhook"), unknown.toString());

        user.device.registerPush(Map.of("provider", "webhook", "token", "removed-later"));
        assertEquals(204, user.device.removePush().status());
        assertEquals(1, awaitEvents(user, "UPDATE_CREDENTIAL", "push_address_removed", 1).size());
        user.signInToWaitPage();
        String challengeId = id(user.challenge());
        // Another user's challenge, notified after this one, shows the queue has moved past it.
        PushScenario other = PushScenario.enrolledUser(admin);
        other.device.registerPush(Map.of("provider", "webhook", "token", "marker"));
        other.signInToWaitPage();
        awaitFor(id(other.challenge()));
        assertTrue(
                gateway.deliveries().stream().noneMatch(d -> d.bodyText().contains(challengeId)),
                "no notification for a device without an address");
    }

    private WebhookReceiver.Delivery awaitFor(String challengeId) {
        return PushChecks.await(
                "a notification for " + challengeId,
                () ->
                        gateway.deliveries().stream()
                                .filter(d -> d.bodyText().contains(challengeId))
                                .findFirst()
                                .orElse(null));
    }

    private List<Map<String, Object>> awaitEvents(
            PushScenario user, String type, String approvalGuardEvent, int count) {
        return PushChecks.awaitEvents(admin, user, type, approvalGuardEvent, count);
    }
}
