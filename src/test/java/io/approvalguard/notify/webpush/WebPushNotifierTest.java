package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.notify.PushOutcome.Kind;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.testkit.Ports;
import io.approvalguard.testkit.PushServiceStandIn;
import io.approvalguard.testkit.PushServiceStandIn.Push;
import io.approvalguard.testkit.PushServiceStandIn.Subscription;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole way: notifier, real HTTP, the stand-in checking VAPID and decrypting the payload. */
class WebPushNotifierTest {

    private static final long NOW = 1_800_000_000L;
    private static final int TIMEOUT_MS = 1_000;

    private static CloseableHttpClient client;
    private static ScheduledThreadPoolExecutor deadlines;

    private PushServiceStandIn push;
    private VapidKeys keys;
    private WebPushNotifier notifier;

    @BeforeAll
    static void client() {
        client = HttpClientBuilder.create().disableRedirectHandling().build();
        deadlines = new ScheduledThreadPoolExecutor(1);
    }

    @AfterAll
    static void closeClient() throws Exception {
        client.close();
        deadlines.shutdownNow();
    }

    @BeforeEach
    void start() {
        push = new PushServiceStandIn(Ports.freePort()).start();
        keys = VapidKeys.generate();
        notifier = notifier(AllowedEndpoints.of(List.of(push.origin())));
    }

    @AfterEach
    void stop() {
        push.close();
    }

    private WebPushNotifier notifier(AllowedEndpoints allowed) {
        return new WebPushNotifier(
                new WebPushEncryption(new SecureRandom()),
                new Vapid(keys, "mailto:ops@example.com", Clock.systemUTC()),
                allowed,
                new BoundedHttp(client, deadlines, 500, TIMEOUT_MS, "spi-test--"),
                () -> NOW);
    }

    private static PushMessage message(String challengeId, long expiresAt) {
        return new PushMessage("realm-id", "demo", "user-id", "device-id", challengeId, expiresAt);
    }

    private static PushAddress address(Subscription s) {
        return PushAddress.webPush(s.endpoint(), s.p256dh(), s.auth(), NOW);
    }

    @Test
    void theBrowserDecryptsOnlyThatAChallengeWaits() {
        Subscription subscription = push.newSubscription(keys.publicKeyBase64Url());

        PushOutcome outcome =
                notifier.send(message("3f2c-challenge", NOW + 90), address(subscription));

        assertEquals(PushOutcome.delivered(), outcome);
        Push got = push.awaitCount(1, Duration.ofSeconds(5)).get(0);
        assertNull(got.problem());
        assertEquals(
                "{\"type\":\"challenge_waiting\",\"challenge_id\":\"3f2c-challenge\"}",
                got.plaintextText());
        assertEquals("90", got.header("TTL"));
        assertEquals("high", got.header("Urgency"));
        assertEquals("aes128gcm", got.header("Content-Encoding"));
        assertEquals(WebPushNotifier.TOPIC, got.header("Topic"));
        assertEquals(push.origin(), got.vapidClaims().get("aud"));
        assertEquals("mailto:ops@example.com", got.vapidClaims().get("sub"));
        assertTrue(WebPushNotifier.TOPIC.matches("[A-Za-z0-9_-]{1,32}"), "RFC 8030 5.4");
    }

    @Test
    void anEndedChallengeGoesWithTimeToLiveZero() {
        Subscription subscription = push.newSubscription();

        notifier.send(message("c", NOW - 5), address(subscription));

        assertEquals("0", push.awaitCount(1, Duration.ofSeconds(5)).get(0).header("TTL"));
    }

    @Test
    void aRemovedOrUnknownSubscriptionIsGone() {
        Subscription removed = push.newSubscription();
        push.unsubscribe(removed);
        Subscription unknown =
                new Subscription(
                        "x", push.origin() + "/push/x", removed.p256dh(), removed.auth(), null);

        PushOutcome gone = notifier.send(message("c", NOW + 60), address(removed));
        PushOutcome notFound = notifier.send(message("c", NOW + 60), address(unknown));

        assertEquals(Kind.GONE, gone.kind());
        assertEquals(Kind.GONE, notFound.kind());
        assertTrue(gone.error().contains(push.origin() + " answered 410"), gone.error());
        assertFalse(gone.error().contains(removed.id()), "the endpoint's path is never told");
    }

    @Test
    void aSubscriptionMadeForAnotherVapidKeyIsGone() {
        Subscription old = push.newSubscription(VapidKeys.generate().publicKeyBase64Url());

        PushOutcome outcome = notifier.send(message("c", NOW + 60), address(old));

        assertEquals(Kind.GONE, outcome.kind());
        assertTrue(outcome.error().contains("another VAPID key"), outcome.error());
        assertEquals(403, push.pushes().get(0).answeredStatus());
    }

    @Test
    void aBusyPushServiceIsRetriedWhenItSays() {
        Subscription subscription = push.newSubscription();
        push.respondNext(429, "7");
        push.respondNext(503, null);

        PushOutcome busy = notifier.send(message("c", NOW + 60), address(subscription));
        PushOutcome down = notifier.send(message("c", NOW + 60), address(subscription));

        assertEquals(Kind.RETRY, busy.kind());
        assertEquals(7, busy.retryAfterSeconds());
        assertEquals(Kind.RETRY, down.kind());
        assertEquals(0, down.retryAfterSeconds());
    }

    @Test
    void aPushServiceThatNeverAnswersIsLeftAtTheDeadline() {
        Subscription subscription = push.newSubscription();
        push.neverAnswer();

        long started = System.nanoTime();
        PushOutcome outcome = notifier.send(message("c", NOW + 60), address(subscription));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(Kind.RETRY, outcome.kind());
        assertTrue(tookMs < TIMEOUT_MS + 1_500, "took " + tookMs + " ms");
        assertEquals(1, push.pushes().size());
    }

    @Test
    void aRefusedMessageFailsWithoutRetry() {
        Subscription subscription = push.newSubscription();
        push.respondNext(400, null);
        push.respondNext(413, null);

        assertEquals(
                Kind.FAILED, notifier.send(message("c", NOW + 60), address(subscription)).kind());
        assertEquals(
                Kind.FAILED, notifier.send(message("c", NOW + 60), address(subscription)).kind());
    }

    @Test
    void nothingIsSentOutsideTheAllowedEndpoints() {
        Subscription subscription = push.newSubscription();
        WebPushNotifier narrowed =
                notifier(AllowedEndpoints.of(List.of("https://fcm.googleapis.com")));

        PushOutcome outcome = narrowed.send(message("c", NOW + 60), address(subscription));

        assertEquals(Kind.FAILED, outcome.kind());
        assertTrue(push.pushes().isEmpty());
    }
}
