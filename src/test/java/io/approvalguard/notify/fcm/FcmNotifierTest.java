package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.testkit.FakeFcm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole round trip against {@link FakeFcm}: token exchange, message, answers. */
class FcmNotifierTest {

    static final int TIMEOUT_MS = 1_500;
    static final String PROJECT = "ag-test";
    static final String DEVICE_TOKEN = "fcm-device-token:APA91b" + "x".repeat(140);

    /** Slack for the scheduler and the machine on top of a deadline. */
    static final long MARGIN_MS = 700;

    @TempDir Path dir;

    FakeFcm fcm;
    FakeFcm.Account account;
    CloseableHttpClient client;
    ScheduledThreadPoolExecutor deadlines;
    FcmSender sender;
    AccessTokens tokens;

    @BeforeEach
    void setUp() throws IOException {
        fcm = new FakeFcm(0).start();
        account = fcm.writeServiceAccount(dir, PROJECT);
        client = HttpClientBuilder.create().build();
        deadlines = new ScheduledThreadPoolExecutor(1);
        sender =
                new FcmSender(
                        java.net.URI.create(fcm.origin()),
                        deadlines,
                        1_000,
                        TIMEOUT_MS,
                        Clock.systemUTC());
        tokens = tokensOf(account);
    }

    @AfterEach
    void tearDown() throws IOException {
        fcm.stop();
        client.close();
        deadlines.shutdownNow();
    }

    // ---- the round trip ---------------------------------------------------------------------

    @Test
    void aMessageIsDeliveredWithOnlyTheChallengeIdAndAGenericText() {
        PushMessage message = message(120);

        PushOutcome outcome = send(message);

        assertEquals(PushOutcome.delivered(), outcome);
        assertEquals(1, fcm.exchanges());
        List<FakeFcm.Message> got = fcm.messages();
        assertEquals(1, got.size());
        FakeFcm.Message sent = got.get(0);
        assertEquals(PROJECT, sent.project());
        assertEquals(DEVICE_TOKEN, sent.token());
        assertEquals(
                Map.of("type", "challenge_waiting", "challenge_id", message.challengeId()),
                sent.data());
        assertEquals(
                Map.of(
                        "title",
                        "Sign-in approval",
                        "body",
                        "A request waits for your approval. Open the app to review it."),
                sent.message().get("notification"));
        Map<?, ?> android = (Map<?, ?>) sent.message().get("android");
        assertEquals("HIGH", android.get("priority"));
        long ttl = Long.parseLong(((String) android.get("ttl")).replace("s", ""));
        assertTrue(ttl > 110 && ttl <= 120, "ttl " + ttl);
        Map<?, ?> apnsHeaders = (Map<?, ?>) ((Map<?, ?>) sent.message().get("apns")).get("headers");
        assertEquals("10", apnsHeaders.get("apns-priority"));
        assertEquals(Long.toString(message.expiresAt()), apnsHeaders.get("apns-expiration"));
        // nothing about the user, the realm or the device reaches FCM
        String everything = sent.message().toString();
        for (String personal :
                List.of(message.userId(), message.realmName(), message.deviceId(), "alice")) {
            assertFalse(everything.contains(personal), personal);
        }
    }

    @Test
    void manySendsCostOneTokenExchange() {
        for (int i = 0; i < 10; i++) {
            assertEquals(PushOutcome.delivered(), send(message(120)));
        }
        assertEquals(1, fcm.exchanges());
        assertEquals(10, fcm.messages().size());
        assertEquals(
                1, fcm.messages().stream().map(FakeFcm.Message::accessToken).distinct().count());
    }

    @Test
    void concurrentSendsWithNoTokenYetShareOneExchange() throws Exception {
        fcm.tokenDelay(Duration.ofMillis(400));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<PushOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                outcomes.add(pool.submit(() -> send(message(120))));
            }
            for (Future<PushOutcome> outcome : outcomes) {
                assertEquals(PushOutcome.delivered(), outcome.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fcm.tokenRequests());
        assertEquals(8, fcm.messages().size());
    }

    @Test
    void aTokenIsRefreshedSixtySecondsBeforeItExpires() throws InterruptedException {
        fcm.accessTokenLifetime(61); // usable for one second
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(1, fcm.exchanges());

        Thread.sleep(1_200);
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(2, fcm.exchanges());
        List<FakeFcm.Message> got = fcm.messages();
        assertNotEquals(got.get(1).accessToken(), got.get(2).accessToken());
    }

    @Test
    void aTokenOfAMinuteOrLessIsUsedOnceAndNotKept() {
        fcm.accessTokenLifetime(60);
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(2, fcm.exchanges());
    }

    @Test
    void aRefusedAccessTokenIsReplacedAndTheMessageSentAgainInTheSameAttempt() {
        assertEquals(PushOutcome.delivered(), send(message(120)));
        fcm.revokeAccessTokens();

        assertEquals(PushOutcome.delivered(), send(message(120)));

        assertEquals(2, fcm.exchanges());
        assertEquals(3, fcm.sendRequests()); // the refused one included
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(2, fcm.exchanges()); // the fresh token is kept
    }

    @Test
    void a401OnceIsRetriedWithAFreshToken() {
        fcm.answerNext(FakeFcm.Answer.UNAUTHENTICATED);

        assertEquals(PushOutcome.delivered(), send(message(120)));

        assertEquals(2, fcm.exchanges());
        List<FakeFcm.Message> got = fcm.messages();
        assertEquals(2, got.size());
        assertNotEquals(got.get(0).accessToken(), got.get(1).accessToken());
    }

    @Test
    void a401AgainWithAFreshTokenFails() {
        fcm.answerAlways(FakeFcm.Answer.UNAUTHENTICATED);

        PushOutcome outcome = send(message(120));

        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("401 UNAUTHENTICATED"), outcome.error());
        assertEquals(2, fcm.exchanges());
        assertEquals(2, fcm.sendRequests());
    }

    // ---- FCM's answers ----------------------------------------------------------------------

    @Test
    void unregisteredIsGone() {
        fcm.answerNext(FakeFcm.Answer.UNREGISTERED);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.GONE, outcome.kind());
        assertTrue(outcome.error().contains("404 NOT_FOUND (UNREGISTERED)"), outcome.error());
    }

    @Test
    void anInvalidRegistrationTokenIsGone() {
        fcm.answerNext(FakeFcm.Answer.INVALID_TOKEN);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.GONE, outcome.kind());
        assertTrue(
                outcome.error().contains("INVALID_ARGUMENT about message.token"), outcome.error());
    }

    @Test
    void anInvalidArgumentNotAboutTheTokenFailsAndKeepsTheAddress() {
        fcm.answerNext(FakeFcm.Answer.INVALID_PAYLOAD);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("about message.data"), outcome.error());
    }

    @Test
    void aTokenOfAnotherProjectIsGone() {
        fcm.answerNext(FakeFcm.Answer.SENDER_ID_MISMATCH);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.GONE, outcome.kind());
        assertTrue(outcome.error().contains("SENDER_ID_MISMATCH"), outcome.error());
    }

    @Test
    void unavailableIsRetriedAfterWhatFcmAsks() {
        fcm.answerNext(FakeFcm.Answer.UNAVAILABLE);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertEquals(7, outcome.retryAfterSeconds());
        assertEquals(PushOutcome.delivered(), send(message(120)));
    }

    @Test
    void quotaExceededIsRetriedAfterWhatFcmAsks() {
        fcm.answerNext(FakeFcm.Answer.QUOTA_EXCEEDED);
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertEquals(30, outcome.retryAfterSeconds());
    }

    @Test
    void aHangingFcmIsRetriedAndTheAttemptEndsAtItsDeadline() {
        assertEquals(PushOutcome.delivered(), send(message(120))); // a token in the cache
        fcm.answerAlways(FakeFcm.Answer.HANG);

        long start = System.nanoTime();
        PushOutcome outcome = send(message(120));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertTrue(tookMs < TIMEOUT_MS + MARGIN_MS, "took " + tookMs + " ms");
        assertTrue(outcome.error().contains("timeout-ms"), outcome.error());
    }

    @Test
    void aHangingTokenEndpointEndsTheAttemptAtItsDeadline() {
        fcm.tokenHangNext();

        long start = System.nanoTime();
        PushOutcome outcome = send(message(120));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertTrue(tookMs < TIMEOUT_MS + MARGIN_MS, "took " + tookMs + " ms");
        assertEquals(0, fcm.sendRequests());
    }

    @Test
    void theWholeAttemptShareOneDeadline() {
        // the exchange takes most of the time: the message gets only what is left
        fcm.tokenDelay(Duration.ofMillis(TIMEOUT_MS - 300));
        fcm.answerAlways(FakeFcm.Answer.HANG);

        long start = System.nanoTime();
        PushOutcome outcome = send(message(120));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertTrue(tookMs < TIMEOUT_MS + MARGIN_MS, "took " + tookMs + " ms");
    }

    @Test
    void noFcmAtAllIsRetried() {
        fcm.stop();
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.RETRY, outcome.kind());
        assertTrue(outcome.error().contains("127.0.0.1"), outcome.error());
    }

    // ---- the token exchange -----------------------------------------------------------------

    @Test
    void aKeyTheTokenEndpointDoesNotKnowFailsWithTheReason() throws IOException {
        // another fake's key: signed correctly, but not by a key this token endpoint knows
        FakeFcm.Account stranger;
        try (FakeFcm other = new FakeFcm(0).start()) {
            stranger =
                    other.writeServiceAccount(Files.createDirectory(dir.resolve("other")), PROJECT);
        }
        AccessTokens strangers =
                new AccessTokens(
                        ServiceAccount.parse(stranger.json().getBytes()),
                        fcm.tokenUri(),
                        Clock.systemUTC());

        PushOutcome outcome = sender.send(client, strangers, message(120), address());

        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("400 invalid_grant"), outcome.error());
        assertTrue(outcome.error().contains("clock"), outcome.error());
        assertEquals(0, fcm.sendRequests());
        assertEquals(List.of("kid names no key of this fake"), fcm.tokenRejections());
    }

    @Test
    void theSignedJwtPassesEveryCheckOfTheTokenEndpoint() {
        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(List.of(), fcm.tokenRejections());
    }

    @Test
    void aTokenEndpointRefusalIsFailedAndOneThatIsDownIsRetried() {
        fcm.tokenAnswerNext(
                401,
                "{\"error\":\"invalid_client\",\"error_description\":\"The OAuth client was not found.\"}");
        PushOutcome refused = send(message(120));
        assertEquals(PushOutcome.Kind.FAILED, refused.kind());
        assertTrue(
                refused.error().contains("401 invalid_client: The OAuth client was not found."),
                refused.error());

        fcm.tokenAnswerNext(503, "{}");
        PushOutcome down = send(message(120));
        assertEquals(PushOutcome.Kind.RETRY, down.kind());
        assertTrue(down.error().contains("token endpoint"), down.error());

        assertEquals(PushOutcome.delivered(), send(message(120)));
        assertEquals(1, fcm.exchanges());
    }

    @Test
    void aTokenAnswerWithoutAnAccessTokenFails() {
        fcm.tokenAnswerNext(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600}");
        PushOutcome outcome = send(message(120));
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("without a bearer access token"), outcome.error());
    }

    @Test
    void anAccessTokenOfAnotherProjectIsRefusedAsFcmWould() throws IOException {
        // the account is of ag-test; a send for another project (the JSON's project_id) fails
        FakeFcm.Account elsewhere = fcm.writeServiceAccount(dir, "ag-other");
        String json = elsewhere.json().replace("\"ag-other\"", "\"ag-third\"");
        AccessTokens mismatched =
                new AccessTokens(
                        ServiceAccount.parse(json.getBytes()), fcm.tokenUri(), Clock.systemUTC());

        PushOutcome outcome = sender.send(client, mismatched, message(120), address());

        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("403 PERMISSION_DENIED"), outcome.error());
    }

    // ---- nothing sent -----------------------------------------------------------------------

    @Test
    void anEndedChallengeIsNotSent() {
        PushOutcome outcome = send(message(0));
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertEquals(0, fcm.tokenRequests() + fcm.sendRequests());
    }

    @Test
    void noReasonShowsAKeyAJwtOrAToken() {
        List<PushOutcome> outcomes = new ArrayList<>();
        for (FakeFcm.Answer answer : FakeFcm.Answer.values()) {
            if (answer != FakeFcm.Answer.HANG) {
                fcm.answerNext(answer);
                outcomes.add(send(message(120)));
            }
        }
        fcm.tokenAnswerNext(
                400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        fcm.revokeAccessTokens();
        outcomes.add(send(message(120)));
        for (PushOutcome outcome : outcomes) {
            String error = String.valueOf(outcome.error());
            assertFalse(error.contains("eyJ"), error); // a JWT's header
            assertFalse(error.contains("ya29."), error); // an access token
            assertFalse(error.contains(DEVICE_TOKEN.substring(0, 20)), error);
            assertFalse(error.contains("PRIVATE KEY"), error);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private PushOutcome send(PushMessage message) {
        return new FcmNotifier(null, client, sender, FcmCredentials.fixed(tokens))
                .send(message, address());
    }

    private AccessTokens tokensOf(FakeFcm.Account of) throws IOException {
        ServiceAccount parsed = ServiceAccount.parse(Files.readAllBytes(of.file()));
        return new AccessTokens(parsed, parsed.tokenUri(), Clock.systemUTC());
    }

    static PushMessage message(int secondsLeft) {
        return new PushMessage(
                "realm-id-" + UUID.randomUUID(),
                "acme-realm",
                "user-" + UUID.randomUUID(),
                "device-" + UUID.randomUUID(),
                UUID.randomUUID().toString(),
                Instant.now().getEpochSecond() + secondsLeft);
    }

    static PushAddress address() {
        return PushAddress.token("fcm", DEVICE_TOKEN, Instant.now().getEpochSecond());
    }
}
