package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.testkit.Ports;
import io.approvalguard.testkit.PushServiceStandIn;
import io.approvalguard.testkit.PushServiceStandIn.Push;
import io.approvalguard.testkit.PushServiceStandIn.Subscription;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in refuses what a real push service refuses: a round trip through it means something.
 */
class PushServiceStandInTest {

    private PushServiceStandIn push;
    private CloseableHttpClient client;
    private ScheduledThreadPoolExecutor deadlines;
    private BoundedHttp http;
    private final VapidKeys keys = VapidKeys.generate();

    @BeforeEach
    void start() {
        push = new PushServiceStandIn(Ports.freePort()).start();
        client = HttpClientBuilder.create().disableRedirectHandling().build();
        deadlines = new ScheduledThreadPoolExecutor(1);
        http = new BoundedHttp(client, deadlines, 500, 2_000, "spi-test--");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
        client.close();
        deadlines.shutdownNow();
    }

    private Push send(Subscription s, String authorization, byte[] body) {
        Map<String, String> headers =
                Map.of(
                        "TTL",
                        "60",
                        "Content-Encoding",
                        "aes128gcm",
                        "Authorization",
                        authorization);
        http.post(URI.create(s.endpoint()), headers, body, "application/octet-stream");
        return push.awaitCount(1, Duration.ofSeconds(5)).get(0);
    }

    private static byte[] encrypted(Subscription s) {
        return new WebPushEncryption(new SecureRandom())
                .encrypt(
                        "{}".getBytes(),
                        P256.fromBase64Url(s.p256dh()),
                        P256.fromBase64Url(s.auth()));
    }

    @Test
    void anExpiredJwtIsRefused() {
        Subscription s = push.newSubscription();
        Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofHours(13)), ZoneOffset.UTC);
        String authorization =
                new Vapid(keys, "mailto:a@example.com", yesterday)
                        .authorization(URI.create(s.endpoint()));

        Push got = send(s, authorization, encrypted(s));

        assertEquals(403, got.answeredStatus());
        assertTrue(got.problem().contains("exp"), got.problem());
    }

    @Test
    void aJwtForAnotherAudienceIsRefused() {
        Subscription s = push.newSubscription();
        String authorization =
                new Vapid(keys, "mailto:a@example.com", Clock.systemUTC())
                        .authorization(URI.create("https://fcm.googleapis.com/x"));

        Push got = send(s, authorization, encrypted(s));

        assertEquals(403, got.answeredStatus());
        assertTrue(got.problem().contains("aud"), got.problem());
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        Subscription s = push.newSubscription();
        String authorization =
                new Vapid(keys, "mailto:a@example.com", Clock.systemUTC())
                        .authorization(URI.create(s.endpoint()));
        String forged =
                authorization.replace(
                        keys.publicKeyBase64Url(), VapidKeys.generate().publicKeyBase64Url());

        Push got = send(s, forged, encrypted(s));

        assertEquals(403, got.answeredStatus());
        assertTrue(got.problem().contains("signature"), got.problem());
    }

    @Test
    void aBodyForAnotherSubscriptionDoesNotDecrypt() {
        Subscription s = push.newSubscription();
        Subscription other = push.newSubscription();
        String authorization =
                new Vapid(keys, "mailto:a@example.com", Clock.systemUTC())
                        .authorization(URI.create(s.endpoint()));

        Push got = send(s, authorization, encrypted(other));

        assertEquals(400, got.answeredStatus());
        assertTrue(got.problem().contains("decrypt"), got.problem());
    }
}
