package io.approvalguard.waiting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event-driven waiting on a real Keycloak: a held status request answers the moment the device
 * decides, a held device request the moment a challenge exists, and the limits hold. The test
 * server runs with max-waiters 6 and the default 4 per browser.
 */
@ExtendWith(KeycloakServer.class)
class WaitingIT {

    private static final int NODE_CAP = 6;
    private static final int SESSION_CAP = 4;

    /**
     * Longest wait for something that happens "at once" (a wake, a freed slot): generous for a
     * loaded machine, and still well short of the 25 s a held request waits when nothing happens.
     */
    private static final Duration WOKEN_WITHIN = Duration.ofSeconds(15);

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void aHeldStatusRequestAnswersTheMomentTheDeviceDecides() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        Map<String, Object> challenge = user.challenge();

        long askedAt = System.nanoTime();
        CompletableFuture<HttpResult> held =
                CompletableFuture.supplyAsync(() -> browser.waitStatus(25));
        awaitWaiters(1);
        assertFalse(held.isDone(), "a pending state must be held, not answered");

        DeviceClient.Response answered = user.device.answer(challenge, "approve", browser.code());
        long decidedAt = System.nanoTime();
        assertEquals(200, answered.status(), answered.toString());
        // Asked before the decision and answered "approved": the decision woke it (its time limit
        // answers "pending"). The bound only keeps a lost wake from waiting out the 25 s.
        HttpResult state = held.get(WOKEN_WITHIN.toSeconds(), TimeUnit.SECONDS);
        long answeredAt = System.nanoTime();
        assertEquals(200, state.status(), state.body());
        assertEquals("approved", state.jsonMap().get("state"));
        assertEquals("no-store", state.header("Cache-Control"));
        // A figure, not asserted: latency belongs to the benchmarks (docs/benchmarks.md).
        System.out.printf(
                "decision to waiting browser: %d ms (held %d ms)%n",
                TimeUnit.NANOSECONDS.toMillis(answeredAt - decidedAt),
                TimeUnit.NANOSECONDS.toMillis(answeredAt - askedAt));
        awaitWaiters(0);

        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
    }

    @Test
    void aHeldRequestAnswersPendingAtItsTimeLimitAndWakesNobodyElse() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        long start = System.nanoTime();
        HttpResult state = browser.waitStatus(2);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, state.status(), state.body());
        assertEquals("pending", state.jsonMap().get("state"));
        // Held until its limit (a load can only lengthen that), and answered at it, not at the 25 s
        // default.
        assertTrue(
                tookMillis >= 1800, "answered after " + tookMillis + " ms, before its 2 s were up");
        assertTrue(tookMillis < WOKEN_WITHIN.toMillis(), "held " + tookMillis + " ms for wait=2");
        awaitWaiters(0);
        denyAndSettle(user, browser);
    }

    @Test
    void aWaitingDeviceHearsOfANewChallengeTheMomentItExists() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        CompletableFuture<DeviceClient.Response> held =
                CompletableFuture.supplyAsync(() -> user.device.waitForChallenges(25));
        awaitWaiters(1);
        BrowserFlow browser = user.signInToWaitPage();
        long openedAt = System.nanoTime();
        // One challenge listed: woken by it (its time limit answers an empty list).
        DeviceClient.Response listed = held.get(WOKEN_WITHIN.toSeconds(), TimeUnit.SECONDS);
        System.out.printf(
                "new challenge to waiting device: %d ms after the wait page%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt));
        assertEquals(200, listed.status(), listed.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> challenges =
                (List<Map<String, Object>>) listed.json().get("challenges");
        assertEquals(1, challenges.size(), listed.toString());
        assertEquals(
                200, user.device.answer(challenges.get(0), "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());

        // Nothing pending: the device's held request ends empty at its time limit.
        DeviceClient.Response empty = user.device.waitForChallenges(1);
        assertEquals(200, empty.status(), empty.toString());
        assertEquals(List.of(), empty.json().get("challenges"));
    }

    @Test
    void limitsRefuseCleanlyAndADisconnectFreesItsSlotAtOnce() throws Exception {
        PushScenario first = PushScenario.enrolledUser(admin);
        BrowserFlow browser = first.signInToWaitPage();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < SESSION_CAP; i++) {
                held.add(holdOverRawSocket(browser));
            }
            awaitWaiters(SESSION_CAP);
            HttpResult refused = browser.waitStatus(25);
            assertEquals(429, refused.status(), refused.body());
            assertEquals("too_many_waiters", refused.jsonMap().get("error"));
            assertTrue(
                    ((String) refused.jsonMap().get("error_description")).contains("this browser"),
                    refused.body());
            assertEquals("2", refused.header("Retry-After"));

            // A client that goes away frees its slot at once, long before its 25 s are up.
            held.remove(0).close();
            awaitWaiters(SESSION_CAP - 1);
            held.add(holdOverRawSocket(browser));
            awaitWaiters(SESSION_CAP);

            // The node's own cap: another browser gets two slots, then "retry later".
            PushScenario second = PushScenario.enrolledUser(admin);
            BrowserFlow other = second.signInToWaitPage();
            for (int i = SESSION_CAP; i < NODE_CAP; i++) {
                held.add(holdOverRawSocket(other));
            }
            awaitWaiters(NODE_CAP);
            HttpResult full = other.waitStatus(25);
            assertEquals(429, full.status(), full.body());
            assertTrue(
                    ((String) full.jsonMap().get("error_description")).contains("this server"),
                    full.body());
            // Asking without waiting is never refused.
            assertEquals("pending", other.pollStatus());

            // One decision wakes every request held for it.
            assertEquals(200, first.device.answer(first.challenge(), "deny", null).status());
            awaitWaiters(NODE_CAP - SESSION_CAP);
            denyAndSettle(second, other);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        awaitWaiters(0);
    }

    @Test
    void aBadWaitIsRefusedWithAJsonError() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        for (String bad : List.of("-1", "abc", "1.5", "99999")) {
            HttpResult result = browser.get(browser.statusUrl() + "&wait=" + bad);
            assertEquals(400, result.status(), bad + ": " + result.body());
            assertEquals("invalid_request", result.jsonMap().get("error"));
        }
        DeviceClient.Response device =
                user.device.request(
                        "GET",
                        DeviceClient.CHALLENGES_PATH + "?wait=x",
                        null,
                        io.approvalguard.testkit.ProofSpec.valid());
        assertEquals(400, device.status(), device.toString());
        assertEquals("invalid_request", device.error());
        // Nothing changed: the challenge still waits and can be approved.
        assertEquals("pending", browser.pollStatus());
        denyAndSettle(user, browser);
    }

    /** Sends a held status request with the browser's cookies over a socket the test can cut. */
    private static Socket holdOverRawSocket(BrowserFlow browser) throws IOException {
        URI url = URI.create(browser.statusUrl() + "&wait=25");
        String cookies =
                browser.cookies().all().stream()
                        .map(c -> c.name() + "=" + c.value())
                        .collect(Collectors.joining("; "));
        Socket socket = new Socket(url.getHost(), url.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(
                ("GET "
                                + url.getRawPath()
                                + "?"
                                + url.getRawQuery()
                                + " HTTP/1.1\r\nHost: "
                                + url.getAuthority()
                                + "\r\nAccept: application/json\r\nCookie: "
                                + cookies
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void denyAndSettle(PushScenario user, BrowserFlow browser) {
        DeviceClient.Response denied = user.device.answer(user.challenge(), "deny", null);
        assertEquals(200, denied.status(), denied.toString());
        assertEquals("denied", browser.pollStatus());
    }

    /** Waits until the node's gauge shows {@code expected} held requests. */
    static void awaitWaiters(int expected) {
        long deadline = System.nanoTime() + WOKEN_WITHIN.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = KeycloakServer.waiters();
            if (last == expected) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(
                "the node holds "
                        + last
                        + " requests, expected "
                        + expected
                        + " within "
                        + WOKEN_WITHIN);
    }
}
