package io.approvalguard.stream.sink.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.DeliveryOutcome.Kind;
import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.support.config.SpiOptions;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.MapScope;
import io.approvalguard.testkit.StandardWebhookVerifier;
import io.approvalguard.testkit.StandardWebhookVerifier.Reason;
import io.approvalguard.testkit.StandardWebhookVerifier.Rejected;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.WebhookReceiver.Delivery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.stream.Collectors;
import org.apache.http.client.utils.DateUtils;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.LaxRedirectStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook sink against a real HTTP receiver on 127.0.0.1, without Keycloak. */
class WebhookSinkTest {

    /** 32 bytes 0x00..0x1f */
    static final String SECRET_A = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /** 24 bytes (7i+3) mod 256 */
    static final String SECRET_B = "whsec_AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2k";

    static final String SECRET_C = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

    /** Slack for the scheduler and the machine on top of a deadline. */
    static final long MARGIN_MS = 500;

    WebhookReceiver receiver;
    CloseableHttpClient client;
    ScheduledThreadPoolExecutor deadlines;

    @BeforeEach
    void setUp() {
        receiver = new WebhookReceiver(0).start();
        // a client that would follow redirects, even for POST: the sink must switch that off itself
        client =
                HttpClientBuilder.create()
                        .setRedirectStrategy(LaxRedirectStrategy.INSTANCE)
                        .build();
        deadlines = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() throws IOException {
        receiver.stop();
        client.close();
        deadlines.shutdownNow();
    }

    // ---- signatures -------------------------------------------------------------------------

    @Test
    void deliveryIsSignedAndVerifiesWithTheDocumentedRecipe() throws IOException {
        StreamEvent event = event("ev-" + System.nanoTime());
        long before = Instant.now().getEpochSecond();

        List<DeliveryOutcome> outcomes = sink(Map.of("secrets", SECRET_A)).deliver(List.of(event));

        assertEquals(List.of(DeliveryOutcome.delivered()), outcomes);
        Delivery delivery =
                receiver.awaitIds(Set.of(event.id()), Duration.ofSeconds(5)).get(event.id());
        assertEquals("POST", delivery.method());
        assertEquals("/hook?tenant=t1", delivery.path());
        assertEquals(
                "application/cloudevents+json; charset=utf-8", delivery.header("Content-Type"));
        assertEquals(event.id(), delivery.header("webhook-id"));
        long timestamp = Long.parseLong(delivery.header("webhook-timestamp"));
        assertTrue(
                timestamp >= before && timestamp <= Instant.now().getEpochSecond(),
                "timestamp of this attempt");
        assertArrayEquals(
                event.json().getBytes(StandardCharsets.UTF_8),
                delivery.body(),
                "body is the envelope, byte for byte");
        assertTrue(
                delivery.header("webhook-signature").matches("v1,[A-Za-z0-9+/]{43}="),
                delivery.header("webhook-signature"));

        Map<String, Object> cloudEvent =
                new StandardWebhookVerifier(List.of(SECRET_A)).verify(delivery);
        assertEquals(event.id(), cloudEvent.get("id"));
        assertEquals("Zürich", ((Map<?, ?>) cloudEvent.get("data")).get("realm_name"));
        writeSample(delivery);
    }

    @Test
    void rotationSignsWithEverySecretAndEachVerifiesAlone() {
        StreamEvent event = event("ev-rotation");

        assertEquals(
                Kind.DELIVERED,
                sink(Map.of("secrets", SECRET_A + ", " + SECRET_B))
                        .deliver(List.of(event))
                        .get(0)
                        .kind());

        Delivery delivery =
                receiver.awaitIds(Set.of(event.id()), Duration.ofSeconds(5)).get(event.id());
        assertEquals(
                2,
                delivery.header("webhook-signature").split(" ").length,
                delivery.header("webhook-signature"));
        new StandardWebhookVerifier(List.of(SECRET_A)).verify(delivery);
        new StandardWebhookVerifier(List.of(SECRET_B)).verify(delivery);
        new StandardWebhookVerifier(List.of(SECRET_C, SECRET_B)).verify(delivery);
        Rejected stranger =
                assertThrows(
                        Rejected.class,
                        () -> new StandardWebhookVerifier(List.of(SECRET_C)).verify(delivery));
        assertEquals(Reason.NO_MATCHING_SIGNATURE, stranger.reason());
    }

    @Test
    void tamperedBodyOrHeadersFail() {
        StreamEvent event = event("ev-tamper");
        sink(Map.of("secrets", SECRET_A)).deliver(List.of(event));
        Delivery delivery =
                receiver.awaitIds(Set.of(event.id()), Duration.ofSeconds(5)).get(event.id());

        byte[] body = delivery.body().clone();
        body[body.length - 3] ^= 1;
        assertRejected(Reason.NO_MATCHING_SIGNATURE, delivery.headers(), body);

        Map<String, List<String>> otherId = headersOf(delivery);
        otherId.put("webhook-id", List.of("ev-someone-else"));
        assertRejected(Reason.NO_MATCHING_SIGNATURE, otherId, delivery.body());

        Map<String, List<String>> otherTime = headersOf(delivery);
        otherTime.put(
                "webhook-timestamp",
                List.of(Long.toString(Long.parseLong(delivery.header("webhook-timestamp")) - 1)));
        assertRejected(Reason.NO_MATCHING_SIGNATURE, otherTime, delivery.body());

        Map<String, List<String>> unsigned = headersOf(delivery);
        unsigned.remove("webhook-signature");
        assertRejected(Reason.MISSING_HEADER, unsigned, delivery.body());

        new StandardWebhookVerifier(List.of(SECRET_A))
                .verify(delivery); // the original still passes
    }

    @Test
    void replaysAreRejected() {
        StreamEvent event = event("ev-replay");
        receiver.respondNext(503, null);
        WebhookSink sink = sink(Map.of("secrets", SECRET_A));
        assertEquals(Kind.RETRY, sink.deliver(List.of(event)).get(0).kind());
        assertEquals(Kind.DELIVERED, sink.deliver(List.of(event)).get(0).kind());

        List<Delivery> both = receiver.awaitCount(2, Duration.ofSeconds(5));
        assertEquals(event.id(), both.get(0).id());
        assertEquals(event.id(), both.get(1).id(), "a retry keeps webhook-id");

        StandardWebhookVerifier verifier = new StandardWebhookVerifier(List.of(SECRET_A));
        verifier.verify(both.get(1));
        assertEquals(
                Reason.REPLAY,
                assertThrows(Rejected.class, () -> verifier.verify(both.get(1))).reason());
        assertEquals(
                Reason.REPLAY,
                assertThrows(Rejected.class, () -> verifier.verify(both.get(0))).reason());
    }

    @Test
    void timestampsOutsideTheToleranceAreRejected() {
        StreamEvent old = event("ev-old");
        StreamEvent future = event("ev-future");
        StreamEvent recent = event("ev-recent");
        sink(Map.of("secrets", SECRET_A), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6)))
                .deliver(List.of(old));
        sink(Map.of("secrets", SECRET_A), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(6)))
                .deliver(List.of(future));
        sink(Map.of("secrets", SECRET_A), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-4)))
                .deliver(List.of(recent));
        Map<String, Delivery> got =
                receiver.awaitIds(
                        Set.of(old.id(), future.id(), recent.id()), Duration.ofSeconds(5));

        StandardWebhookVerifier verifier = new StandardWebhookVerifier(List.of(SECRET_A));
        assertEquals(
                Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                assertThrows(Rejected.class, () -> verifier.verify(got.get(old.id()))).reason());
        assertEquals(
                Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                assertThrows(Rejected.class, () -> verifier.verify(got.get(future.id()))).reason());
        verifier.verify(got.get(recent.id()));
    }

    /** Vectors computed outside Java (python3 hmac, and openssl dgst -sha256 -mac HMAC). */
    @Test
    void signatureMatchesKnownVectors() {
        String id = "3f0c1d2e-4b5a-4c6d-8e7f-901234567890";
        long timestamp = 1783578720L; // 2026-07-09T06:32:00Z
        byte[] body =
                ("{\"specversion\":\"1.0\",\"id\":\"3f0c1d2e-4b5a-4c6d-8e7f-901234567890\",\"source\":\"/realms/ag-test\","
                                + "\"type\":\"io.approvalguard.challenge.denied\",\"time\":\"2026-07-09T06:32:00Z\","
                                + "\"datacontenttype\":\"application/json\",\"data\":{\"realm_name\":\"Zürich\"}}")
                        .getBytes(StandardCharsets.UTF_8);
        String expected =
                "v1,gYLQ2sBVqkMSkl9SjRr00oG9AqSGLGoxkPwaC3qoSEc= v1,sQ1y8jj2GSOC4XDpCL/jQwUJ9EWWb3EBvau0zx17BWs=";

        assertEquals(
                expected,
                WebhookSigner.of(List.of(SECRET_A, SECRET_B)).signatureHeader(id, timestamp, body));

        // the example of the Standard Webhooks specification
        assertEquals(
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                WebhookSigner.of(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                        .signatureHeader(
                                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                1614265330L,
                                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)));

        // and the test kit's verifier, at that moment, accepts it
        Clock then = Clock.fixed(Instant.ofEpochSecond(timestamp + 10), java.time.ZoneOffset.UTC);
        Map<String, List<String>> headers =
                Map.of(
                        "Webhook-Id",
                        List.of(id),
                        "Webhook-Timestamp",
                        List.of(Long.toString(timestamp)),
                        "Webhook-Signature",
                        List.of(expected));
        assertEquals(
                id,
                new StandardWebhookVerifier(
                                List.of(SECRET_B), StandardWebhookVerifier.DEFAULT_TOLERANCE, then)
                        .verify(headers, body)
                        .get("id"));
    }

    // ---- outcomes ---------------------------------------------------------------------------

    @Test
    void serviceUnavailableWithRetryAfterSecondsIsRetriedThen() {
        receiver.respondWith(503, "120");

        DeliveryOutcome outcome =
                sink(Map.of("secrets", SECRET_A)).deliver(List.of(event("ev-503"))).get(0);

        assertEquals(Kind.RETRY, outcome.kind());
        assertEquals(120, outcome.retryAfterSeconds());
        assertTrue(outcome.error().contains("503"), outcome.error());
    }

    @Test
    void retryAfterAsHttpDate() {
        receiver.respondWith(429, DateUtils.formatDate(Date.from(Instant.now().plusSeconds(300))));

        DeliveryOutcome outcome =
                sink(Map.of("secrets", SECRET_A)).deliver(List.of(event("ev-429"))).get(0);

        assertEquals(Kind.RETRY, outcome.kind());
        assertTrue(
                outcome.retryAfterSeconds() >= 298 && outcome.retryAfterSeconds() <= 301,
                "" + outcome.retryAfterSeconds());
    }

    @Test
    void goneStopsTheBatch() {
        receiver.respondWith(410, null);

        List<DeliveryOutcome> outcomes =
                sink(Map.of("secrets", SECRET_A))
                        .deliver(List.of(event("g1"), event("g2"), event("g3")));

        assertEquals(List.of(Kind.SINK_GONE, Kind.SINK_GONE, Kind.SINK_GONE), kinds(outcomes));
        assertEquals("receiver answered 410 Gone", outcomes.get(0).error());
        assertEquals(1, receiver.deliveries().size(), "nothing after the 410 is sent");
    }

    @Test
    void aRecordSpecificFailureDoesNotStopTheBatch() {
        receiver.respondNext(500, null);

        List<DeliveryOutcome> outcomes =
                sink(Map.of("secrets", SECRET_A))
                        .deliver(List.of(event("b1"), event("b2"), event("b3")));

        assertEquals(List.of(Kind.RETRY, Kind.DELIVERED, Kind.DELIVERED), kinds(outcomes));
        assertEquals(0, outcomes.get(0).retryAfterSeconds());
        assertEquals(
                List.of("b1", "b2", "b3"),
                receiver.deliveries().stream().map(Delivery::id).toList(),
                "in order");
    }

    @Test
    void aReceiverAskingForAPauseGetsNoMoreRequestsInThisPass() {
        receiver.respondNext(429, "30");

        List<DeliveryOutcome> outcomes =
                sink(Map.of("secrets", SECRET_A)).deliver(List.of(event("p1"), event("p2")));

        assertEquals(List.of(Kind.RETRY, Kind.RETRY), kinds(outcomes));
        assertEquals(30, outcomes.get(0).retryAfterSeconds());
        assertEquals(30, outcomes.get(1).retryAfterSeconds());
        assertTrue(outcomes.get(1).error().startsWith("not attempted: "), outcomes.get(1).error());
        assertEquals(1, receiver.deliveries().size());
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.respondWithHeaders(307, Map.of("Location", receiver.url("/elsewhere")));

        DeliveryOutcome outcome =
                sink(Map.of("secrets", SECRET_A)).deliver(List.of(event("ev-redirect"))).get(0);

        assertEquals(Kind.RETRY, outcome.kind());
        assertTrue(outcome.error().contains("307"), outcome.error());
        assertEquals(
                List.of("/hook?tenant=t1"),
                receiver.deliveries().stream().map(Delivery::path).toList());
    }

    @Test
    void receiverDownIsRetriedFastWithoutPathOrQueryInTheError() {
        String url = receiver.url("/hook/secret-path?token=s3cr3t");
        receiver.stop();

        long start = System.nanoTime();
        List<DeliveryOutcome> outcomes =
                sink(Map.of("url", url, "secrets", SECRET_A))
                        .deliver(List.of(event("d1"), event("d2")));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of(Kind.RETRY, Kind.RETRY), kinds(outcomes));
        assertTrue(tookMs < 1000, "took " + tookMs + " ms");
        String error = outcomes.get(0).error();
        assertTrue(
                error.startsWith("cannot connect to http://127.0.0.1:" + receiver.port()), error);
        for (DeliveryOutcome outcome : outcomes) {
            assertFalse(
                    outcome.error().contains("s3cr3t") || outcome.error().contains("secret-path"),
                    outcome.error());
        }
    }

    @Test
    void receiverThatNeverAnswersIsAbandonedAtTheDeadline() {
        receiver.neverAnswer();

        long start = System.nanoTime();
        DeliveryOutcome outcome =
                sink(Map.of("secrets", SECRET_A, "timeout-ms", "700"))
                        .deliver(List.of(event("ev-hang")))
                        .get(0);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Kind.RETRY, outcome.kind());
        assertTrue(tookMs >= 650 && tookMs < 700 + MARGIN_MS, "took " + tookMs + " ms");
        assertTrue(outcome.error().contains("timeout-ms=700"), outcome.error());
        assertEquals(1, receiver.deliveries().size());
    }

    @Test
    void receiverTricklingItsHeadersIsAbandonedAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Thread trickler =
                    new Thread(
                            () -> {
                                try (Socket socket = server.accept()) {
                                    InputStream in = socket.getInputStream();
                                    in.read(new byte[8192]);
                                    OutputStream out = socket.getOutputStream();
                                    out.write(
                                            "HTTP/1.1 200 OK\r\nX-Slow: "
                                                    .getBytes(StandardCharsets.US_ASCII));
                                    for (int i = 0;
                                            i < 200;
                                            i++) { // a byte every 50 ms: the socket timeout never
                                        // fires
                                        out.write('a');
                                        out.flush();
                                        Thread.sleep(50);
                                    }
                                } catch (IOException | InterruptedException e) {
                                    // the sink hung up
                                }
                            });
            trickler.setDaemon(true);
            trickler.start();

            long start = System.nanoTime();
            DeliveryOutcome outcome =
                    sink(Map.of(
                                    "url",
                                    "http://127.0.0.1:" + server.getLocalPort() + "/hook",
                                    "secrets",
                                    SECRET_A,
                                    "timeout-ms",
                                    "700"))
                            .deliver(List.of(event("ev-trickle")))
                            .get(0);
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Kind.RETRY, outcome.kind());
            assertTrue(tookMs < 700 + MARGIN_MS, "took " + tookMs + " ms");
            assertTrue(outcome.error().contains("timeout-ms=700"), outcome.error());
        }
    }

    @Test
    void endlessAnswerBodyIsCutOffAndTheStatusCounts() {
        receiver.trickleBody();

        long start = System.nanoTime();
        DeliveryOutcome outcome =
                sink(Map.of("secrets", SECRET_A, "timeout-ms", "700"))
                        .deliver(List.of(event("ev-body")))
                        .get(0);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Kind.DELIVERED, outcome.kind(), "the receiver answered 200");
        assertTrue(tookMs < 700 + MARGIN_MS, "took " + tookMs + " ms");
    }

    @Test
    void nothingIsSentWithoutADeadlineOnceTheFactoryIsClosed() {
        WebhookSink sink = sink(Map.of("secrets", SECRET_A));
        deadlines.shutdownNow();

        List<DeliveryOutcome> outcomes = sink.deliver(List.of(event("s1"), event("s2")));

        assertEquals(List.of(Kind.RETRY, Kind.RETRY), kinds(outcomes));
        assertTrue(outcomes.get(0).error().contains("stopping"), outcomes.get(0).error());
        assertTrue(receiver.deliveries().isEmpty());
    }

    // ---- options ----------------------------------------------------------------------------

    @Test
    void invalidOptionsNameTheOptionAndNeverTheSecret() {
        String url = "https://hooks.example.com/in";
        String shortKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        String notBase64 = "whsec_not*base64*at*all*AAAAAAAAAAAAAAAAAAAA";
        String noPrefix = "key_" + Base64.getEncoder().encodeToString(new byte[32]);

        assertInvalid("url", Map.of("url", "ftp://hooks.example.com/in", "secrets", SECRET_A));
        assertInvalid("url", Map.of("url", "/relative", "secrets", SECRET_A));
        assertInvalid(
                "url",
                Map.of("url", "https://user:pw-in-url@hooks.example.com/in", "secrets", SECRET_A),
                "pw-in-url");
        assertInvalid("secrets", Map.of("url", url));
        assertInvalid(
                "secrets",
                Map.of("url", url, "secrets", shortKey),
                shortKey.substring(6),
                SECRET_A.substring(6));
        assertInvalid(
                "secrets",
                Map.of("url", url, "secrets", SECRET_A + "," + notBase64),
                notBase64.substring(6),
                SECRET_A.substring(6));
        assertInvalid(
                "secrets",
                Map.of("url", url, "secrets", SECRET_A + "," + noPrefix),
                noPrefix.substring(4),
                SECRET_A.substring(6));
        assertInvalid(
                "secrets",
                Map.of("secrets", shortKey),
                shortKey.substring(6)); // checked even without a URL
        assertInvalid("timeout-ms", Map.of("url", url, "secrets", SECRET_A, "timeout-ms", "abc"));
        assertInvalid("timeout-ms", Map.of("url", url, "secrets", SECRET_A, "timeout-ms", "0"));
        assertInvalid(
                "connect-timeout-ms",
                Map.of("url", url, "secrets", SECRET_A, "connect-timeout-ms", "6000"));
        assertInvalid("batch-size", Map.of("url", url, "secrets", SECRET_A, "batch-size", "0"));

        String message =
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        settings(
                                                Map.of(
                                                        "url",
                                                        url,
                                                        "secrets",
                                                        SECRET_A + "," + shortKey)))
                        .getMessage();
        assertTrue(message.contains("secret 2 of 2") && message.contains("at least 24"), message);
    }

    @Test
    void factoryIsActiveOnlyWithAUrlAndSizesItsLease() {
        WebhookSinkFactory off = new WebhookSinkFactory();
        off.init(new MapScope(Map.of()));
        assertFalse(off.isActive());
        assertEquals(20, off.batchSize());
        off.close();

        WebhookSinkFactory on = new WebhookSinkFactory();
        on.init(
                new MapScope(
                        Map.of(
                                "url",
                                "https://hooks.example.com/in",
                                "secrets",
                                SECRET_A + "," + SECRET_B)));
        assertTrue(on.isActive());
        assertEquals("webhook", on.getId());
        assertEquals(20, on.batchSize());
        assertEquals(20 * (5_000 + 1_000), on.deliveryTimeoutMillis());
        on.close();

        WebhookSinkFactory tuned = new WebhookSinkFactory();
        tuned.init(
                new MapScope(
                        Map.of(
                                "url",
                                "https://hooks.example.com/in",
                                "secrets",
                                SECRET_A,
                                "batch-size",
                                "5",
                                "timeout-ms",
                                "2000",
                                "connect-timeout-ms",
                                "500")));
        assertEquals(5, tuned.batchSize());
        assertEquals(5 * (2_000 + 1_000), tuned.deliveryTimeoutMillis());
        tuned.close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private WebhookSink sink(Map<String, String> options) {
        return sink(options, Clock.systemUTC());
    }

    private WebhookSink sink(Map<String, String> options, Clock clock) {
        Map<String, String> all = new HashMap<>(options);
        all.putIfAbsent("url", receiver.url("/hook?tenant=t1"));
        return new WebhookSink(client, settings(all), deadlines, clock);
    }

    private static WebhookSettings settings(Map<String, String> options) {
        return WebhookSettings.read(
                new SpiOptions(new MapScope(options), WebhookSinkFactory.OPTION_PREFIX));
    }

    private static void assertInvalid(
            String option, Map<String, String> options, String... neverShown) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> settings(options));
        String message = e.getMessage();
        assertTrue(message.contains("spi-approval-guard-sink--webhook--" + option + "="), message);
        for (String hidden : neverShown) {
            assertFalse(message.contains(hidden), "the message shows a secret: " + message);
        }
    }

    private static void assertRejected(
            Reason reason, Map<String, List<String>> headers, byte[] body) {
        Rejected rejected =
                assertThrows(
                        Rejected.class,
                        () -> new StandardWebhookVerifier(List.of(SECRET_A)).verify(headers, body));
        assertEquals(reason, rejected.reason(), rejected.getMessage());
    }

    /** A mutable copy, names in any case like the original. */
    private static Map<String, List<String>> headersOf(Delivery delivery) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(delivery.headers());
        return headers;
    }

    private static List<Kind> kinds(List<DeliveryOutcome> outcomes) {
        return outcomes.stream().map(DeliveryOutcome::kind).toList();
    }

    static StreamEvent event(String id) {
        Map<String, Object> envelope = new java.util.LinkedHashMap<>();
        envelope.put("specversion", "1.0");
        envelope.put("id", id);
        envelope.put("source", "/realms/ag-test");
        envelope.put("type", "io.approvalguard.challenge.denied");
        envelope.put("time", "2026-07-09T06:32:00Z");
        envelope.put("datacontenttype", "application/json");
        envelope.put("data", Map.of("realm_name", "Zürich", "user_id", "u-1"));
        return new StreamEvent(
                id,
                "io.approvalguard.challenge.denied",
                "realm-1",
                "u-1",
                1783578720000L,
                Json.write(envelope));
    }

    /**
     * With -Dwebhook.sample.dir=...: one real delivery, to check the documented examples against.
     */
    private static void writeSample(Delivery delivery) throws IOException {
        String dir = System.getProperty("webhook.sample.dir");
        if (dir == null) {
            return;
        }
        Path path = Path.of(dir);
        Files.createDirectories(path);
        Map<String, String> headers =
                delivery.headers().entrySet().stream()
                        .filter(e -> e.getKey().toLowerCase().startsWith("webhook-"))
                        .collect(
                                Collectors.toMap(
                                        e -> e.getKey().toLowerCase(), e -> e.getValue().get(0)));
        Files.writeString(path.resolve("headers.json"), Json.write(headers));
        Files.write(path.resolve("body.bin"), delivery.body());
        Files.writeString(path.resolve("secret.txt"), SECRET_A);
    }
}
