package io.approvalguard.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.stream.sink.webhook.WebhookSigner;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.testkit.StandardWebhookVerifier;
import io.approvalguard.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway notifier against a real HTTP receiver on 127.0.0.1: what it sends, and how answers
 * map.
 */
class WebhookNotifierTest {

    static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final PushMessage MESSAGE =
            new PushMessage(
                    "realm-id",
                    "demo",
                    "user-id",
                    "device-1",
                    "0b5e3c1a-0000-4000-8000-000000000001",
                    Long.MAX_VALUE / 2);
    static final PushAddress ADDRESS = PushAddress.token("webhook", "tok-123", 1);

    WebhookReceiver receiver;
    CloseableHttpClient client;
    ScheduledThreadPoolExecutor deadlines;

    @BeforeEach
    void setUp() {
        receiver = new WebhookReceiver(0).start();
        client = HttpClientBuilder.create().build();
        deadlines = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() throws IOException {
        receiver.stop();
        client.close();
        deadlines.shutdownNow();
    }

    WebhookNotifier notifier(int timeoutMs) {
        WebhookNotifierSettings settings =
                new WebhookNotifierSettings(
                        URI.create(receiver.url("/push")),
                        WebhookSigner.of(List.of(SECRET)),
                        new PushQueueSettings(1, 1, timeoutMs, timeoutMs, 1, 10));
        return new WebhookNotifier(
                settings, new BoundedHttp(client, deadlines, timeoutMs, timeoutMs, ""));
    }

    @Test
    void sendsOnlyThatAChallengeWaitsSignedAndWithOneIdForEveryAttempt() {
        assertEquals(PushOutcome.delivered(), notifier(2000).send(MESSAGE, ADDRESS));
        assertEquals(PushOutcome.delivered(), notifier(2000).send(MESSAGE, ADDRESS));
        List<WebhookReceiver.Delivery> got = receiver.awaitCount(2, Duration.ofSeconds(5));
        Map<String, Object> body = new StandardWebhookVerifier(List.of(SECRET)).verify(got.get(0));
        assertEquals(
                Map.of(
                        "type", "challenge_waiting",
                        "challenge_id", MESSAGE.challengeId(),
                        "device_id", "device-1",
                        "token", "tok-123",
                        "realm", "demo",
                        "expires_at", MESSAGE.expiresAt()),
                body);
        assertEquals(got.get(0).id(), got.get(1).id(), "a repeat can be recognised");
    }

    @Test
    void answersMapToOutcomes() {
        receiver.respondNext(410, null);
        assertEquals(PushOutcome.Kind.GONE, notifier(2000).send(MESSAGE, ADDRESS).kind());
        receiver.respondNext(503, "7");
        PushOutcome busy = notifier(2000).send(MESSAGE, ADDRESS);
        assertEquals(PushOutcome.Kind.RETRY, busy.kind());
        assertEquals(7, busy.retryAfterSeconds());
        receiver.respondNext(429, null);
        assertEquals(PushOutcome.Kind.RETRY, notifier(2000).send(MESSAGE, ADDRESS).kind());
        receiver.respondNext(400, null);
        PushOutcome refused = notifier(2000).send(MESSAGE, ADDRESS);
        assertEquals(PushOutcome.Kind.FAILED, refused.kind());
        assertTrue(refused.error().contains("400"), refused.error());
        receiver.respondNext(302, null);
        assertTrue(
                notifier(2000).send(MESSAGE, ADDRESS).error().contains("redirects"),
                "a redirect is not followed");
    }

    @Test
    void aGatewayThatNeverAnswersIsCutOffAtTheDeadline() {
        receiver.neverAnswer();
        long start = System.nanoTime();
        PushOutcome outcome = notifier(300).send(MESSAGE, ADDRESS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertTrue(outcome.error().contains("timeout-ms=300"), outcome.error());
        assertTrue(tookMs < 300 + 2_000, "took " + tookMs + " ms");
        assertTrue(!outcome.error().contains("/push"), "never the path: " + outcome.error());
    }

    @Test
    void aTokenIsVisibleAsciiOfBoundedLength() {
        WebhookNotifierFactory factory = new WebhookNotifierFactory();
        assertEquals("tok", factory.parseAddress(Map.of("token", "tok"), 5).token());
        for (Object bad : List.of("", "a b", "é", "x".repeat(4097), 42)) {
            try {
                factory.parseAddress(Map.of("token", bad), 5);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("token"), expected.getMessage());
            }
        }
    }
}
