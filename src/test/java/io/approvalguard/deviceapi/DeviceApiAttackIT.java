package io.approvalguard.deviceapi;

import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.ProofSpec;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attacks on the device API against a real Keycloak. Each bad request must get a 4xx JSON error and
 * leave the victim's pending challenge exactly as it was: still pending, still listed, and still
 * able to complete the sign-in with the real device's approval at the end.
 */
@ExtendWith(KeycloakServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceApiAttackIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final AdminClient admin = AdminClient.forTestServer();
    private PushScenario victim;
    private PushScenario attacker;
    private BrowserFlow victimLogin;
    private Map<String, Object> challenge;
    private String code;

    @BeforeAll
    void pendingChallenge() {
        victim = PushScenario.enrolledUser(admin);
        attacker = PushScenario.enrolledUser(admin);
        victimLogin = victim.signInToWaitPage();
        challenge = victim.challenge();
        code = victimLogin.code();
    }

    @AfterAll
    void theRealApprovalStillWorks() {
        assertUnchanged();
        assertEquals(200, victim.device.answer(challenge, "approve", code).status());
        assertTrue(victimLogin.pressWait("continue").isLoggedIn(), victimLogin.describePage());
    }

    @Test
    void answerSignedByAnotherDevicesKey() {
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().signWith(attacker.device.privateKey())));
    }

    @Test
    void answerToAnotherUsersChallenge() {
        DeviceClient.Response response =
                attacker.device.request(
                        "POST",
                        DeviceClient.answerPath(id(challenge)),
                        approveBody(),
                        ProofSpec.valid());
        rejected(404, "challenge_not_found", response);
    }

    @Test
    void alteredBody() {
        // The proof covers a "deny"; the body says "approve".
        byte[] signed = DeviceClient.answerBody("deny", hash(), null);
        String proof =
                victim.device.proof(
                        "POST",
                        victim.device.url(DeviceClient.answerPath(id(challenge))),
                        signed,
                        ProofSpec.valid());
        rejected(401, "invalid_proof", answer(approveBody(), ProofSpec.valid().rawValue(proof)));
    }

    @Test
    void algNoneAndHs256() {
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().mode(ProofSpec.SigningMode.NONE)));
        byte[] publicKeyAsSecret = victim.device.keyPair().getPublic().getEncoded();
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().hs256(publicKeyAsSecret)));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().header("alg", "ES384")));
    }

    @Test
    void embeddedKeysInTheHeader() {
        Map<String, Object> attackerJwk = attacker.device.publicJwk();
        rejected(
                401,
                "invalid_proof",
                answer(
                        "approve",
                        ProofSpec.valid()
                                .header("jwk", attackerJwk)
                                .signWith(attacker.device.privateKey())));
        rejected(
                401,
                "invalid_proof",
                answer(
                        "approve",
                        ProofSpec.valid().header("jku", "https://attacker.example/jwks")));
        rejected(
                401,
                "invalid_proof",
                answer(
                        "approve",
                        ProofSpec.valid().header("x5u", "https://attacker.example/cert")));
    }

    @Test
    void unknownKidOrSubject() {
        rejected(
                401,
                "unknown_device",
                answer("approve", ProofSpec.valid().header("kid", "no-such-device")));
        rejected(
                401,
                "unknown_device",
                answer("approve", ProofSpec.valid().claim("sub", attacker.userId)));
        rejected(
                401,
                "unknown_device",
                answer("approve", ProofSpec.valid().header("kid", attacker.device.deviceId())));
    }

    @Test
    void proofBoundToAnotherRequestOrStale() {
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().claim("htm", "GET")));
        rejected(
                401,
                "invalid_proof",
                answer(
                        "approve",
                        ProofSpec.valid()
                                .claim("htu", victim.device.url(DeviceClient.CHALLENGES_PATH))));
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().claim("iat", now() - 300)));
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().claim("iat", now() + 300)));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().omitClaim("bh")));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().omitClaim("jti")));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().header("typ", "JWT")));
    }

    @Test
    void missingMalformedAndOversizedProofs() {
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().sendProof(false)));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().rawValue("not-a-jws")));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().rawValue("a.b.c")));
        rejected(401, "invalid_proof", answer("approve", ProofSpec.valid().rawValue("e30.e30.")));
        rejected(
                401,
                "invalid_proof",
                answer("approve", ProofSpec.valid().rawValue("A".repeat(5000))));
    }

    @Test
    void malformedAndOversizedBodies() {
        rejected(400, "invalid_request", answer(bytes("not json"), ProofSpec.valid()));
        rejected(400, "invalid_request", answer(bytes("[1,2,3]"), ProofSpec.valid()));
        rejected(400, "invalid_request", answer(bytes("{}"), ProofSpec.valid()));
        rejected(
                400,
                "invalid_request",
                answer(
                        bytes("{\"decision\":\"maybe\",\"context_hash\":\"" + hash() + "\"}"),
                        ProofSpec.valid()));
        rejected(
                400,
                "invalid_request",
                answer(
                        bytes(
                                "{\"decision\":\"approve\",\"context_hash\":\"short\",\"code\":\""
                                        + code
                                        + "\"}"),
                        ProofSpec.valid()));
        rejected(
                400,
                "invalid_request",
                answer(
                        bytes(
                                "{\"decision\":\"approve\",\"context_hash\":\""
                                        + hash()
                                        + "\",\"code\":42}"),
                        ProofSpec.valid()));
        // Duplicate members must not let a signed body mean two things.
        rejected(
                400,
                "invalid_request",
                answer(
                        bytes(
                                "{\"decision\":\"deny\",\"decision\":\"approve\",\"context_hash\":\""
                                        + hash()
                                        + "\",\"code\":\""
                                        + code
                                        + "\"}"),
                        ProofSpec.valid()));
        rejected(
                413,
                "request_too_large",
                answer(bytes("{\"pad\":\"" + "x".repeat(17 * 1024) + "\"}"), ProofSpec.valid()));
        rejected(
                415,
                "unsupported_media_type",
                answer(approveBody(), ProofSpec.valid().contentType("text/plain")));
    }

    @Test
    void contextHashOfAnotherContext() {
        @SuppressWarnings("unchecked")
        Map<String, Object> altered =
                new java.util.LinkedHashMap<>((Map<String, Object>) challenge.get("context"));
        altered.put("client_name", "Something harmless");
        byte[] body =
                DeviceClient.answerBody("approve", DeviceClient.computeContextHash(altered), code);
        rejected(400, "context_mismatch", answer(body, ProofSpec.valid()));
    }

    @Test
    void replayedProofIsRejected() {
        String proof =
                victim.device.proof(
                        "GET",
                        victim.device.url(DeviceClient.CHALLENGES_PATH),
                        null,
                        ProofSpec.valid());
        assertEquals(200, victim.device.listChallenges(ProofSpec.valid().rawValue(proof)).status());
        rejected(
                401,
                "proof_replayed",
                victim.device.listChallenges(ProofSpec.valid().rawValue(proof)));
    }

    @Test
    void replayedAnswerIsRejected() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow login = user.signInToWaitPage();
        Map<String, Object> own = user.challenge();
        byte[] body =
                DeviceClient.answerBody(
                        "deny", DeviceClient.computeContextHash(context(own)), null);
        String proof =
                user.device.proof(
                        "POST",
                        user.device.url(DeviceClient.answerPath(id(own))),
                        body,
                        ProofSpec.valid());
        assertEquals(
                200,
                user.device
                        .request(
                                "POST",
                                DeviceClient.answerPath(id(own)),
                                body,
                                ProofSpec.valid().rawValue(proof))
                        .status());
        DeviceClient.Response replay =
                user.device.request(
                        "POST",
                        DeviceClient.answerPath(id(own)),
                        body,
                        ProofSpec.valid().rawValue(proof));
        assertEquals(401, replay.status());
        assertEquals("proof_replayed", replay.error());
        assertEquals("denied", login.pollStatus());
    }

    @Test
    void twentyParallelAnswersExactlyOneAccepted() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow login = user.signInToWaitPage();
        Map<String, Object> own = user.challenge();
        String ownCode = login.code();

        List<DeviceClient.Response> fresh =
                inParallel(20, () -> user.device.answer(own, "approve", ownCode));
        assertEquals(1, fresh.stream().filter(r -> r.status() == 200).count(), fresh.toString());
        assertTrue(
                fresh.stream()
                        .filter(r -> r.status() != 200)
                        .allMatch(
                                r ->
                                        r.status() == 409
                                                && "challenge_not_pending".equals(r.error())),
                fresh.toString());
        assertTrue(login.pressWait("continue").isLoggedIn());

        // The very same request twenty times: one proof, one use.
        BrowserFlow second = user.signInToWaitPage();
        Map<String, Object> next = user.challenge();
        byte[] body =
                DeviceClient.answerBody(
                        "approve", DeviceClient.computeContextHash(context(next)), second.code());
        String proof =
                user.device.proof(
                        "POST",
                        user.device.url(DeviceClient.answerPath(id(next))),
                        body,
                        ProofSpec.valid());
        List<DeviceClient.Response> identical =
                inParallel(
                        20,
                        () ->
                                user.device.request(
                                        "POST",
                                        DeviceClient.answerPath(id(next)),
                                        body,
                                        ProofSpec.valid().rawValue(proof)));
        assertEquals(
                1, identical.stream().filter(r -> r.status() == 200).count(), identical.toString());
        assertTrue(
                identical.stream()
                        .filter(r -> r.status() != 200)
                        .allMatch(r -> r.status() == 401 || r.status() == 409),
                identical.toString());
        assertTrue(second.pressWait("continue").isLoggedIn());
    }

    @Test
    void enrolmentWithAForeignProofOrBadKeyLeavesTheTokenUsable() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(PushScenario.CLIENT);
        String token = browser.enrolmentToken();
        DeviceClient device = user.device;

        // Proof signed by a key other than the one being enrolled: no proof of possession.
        rejected(
                401,
                "invalid_proof",
                device.enrol(
                        token, "phone", ProofSpec.valid().signWith(attacker.device.privateKey())));
        // A kid on an enrolment proof, an embedded key, a point off the curve.
        rejected(
                401,
                "invalid_proof",
                device.enrol(token, "phone", ProofSpec.valid().header("kid", "x")));
        Map<String, Object> offCurve = new java.util.LinkedHashMap<>(device.publicJwk());
        String y = (String) offCurve.get("y");
        offCurve.put("y", y.substring(0, 42) + (y.charAt(42) == 'A' ? 'E' : 'A'));
        byte[] badKeyBody =
                bytes(
                        io.approvalguard.testkit.Json.write(
                                Map.of(
                                        "enrolment_token",
                                        token,
                                        "device_name",
                                        "phone",
                                        "public_key",
                                        offCurve)));
        rejected(
                400,
                "invalid_key",
                device.request("POST", DeviceClient.ENROL_PATH, badKeyBody, ProofSpec.valid()));
        rejected(400, "invalid_enrolment_token", device.enrol("x".repeat(43), "phone"));
        rejected(400, "invalid_request", device.enrol(token, "bad\u0000name"));
        assertEquals("pending", browser.pollStatus());

        assertEquals(
                201,
                device.enrol(token, "phone").status(),
                "the token was not spent by the failures");
        assertTrue(browser.pressEnrol().isLoggedIn());
    }

    @Test
    void headersOverEightKibOrAHundredFieldsAreRefused() {
        String pad = "x".repeat(9 * 1024);
        rejected(
                431,
                "request_headers_too_large",
                overHttp11(
                        "POST",
                        DeviceClient.answerPath(id(challenge)),
                        approveBody(),
                        Map.of("X-Pad", pad)));
        Map<String, String> hundredAndTwenty = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            hundredAndTwenty.put(String.format("X-Pad-%03d", i), "x".repeat(80));
        }
        rejected(
                431,
                "request_headers_too_large",
                overHttp11(
                        "POST",
                        DeviceClient.answerPath(id(challenge)),
                        approveBody(),
                        hundredAndTwenty));
        Map<String, String> manySmall = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            manySmall.put(String.format("X-%03d", i), "x");
        }
        rejected(
                431,
                "request_headers_too_large",
                overHttp11("GET", DeviceClient.CHALLENGES_PATH, null, manySmall));
        // HTTP/2: the HTTP server's own 8 KiB header-list limit may answer first, without a body.
        DeviceClient.Response overHttp2 =
                answer("approve", ProofSpec.valid().httpHeader("X-Pad", pad));
        assertEquals(431, overHttp2.status(), overHttp2.toString());
        assertUnchanged();
        // Within the limits a large header is fine.
        assertEquals(
                200,
                overHttp11(
                                "GET",
                                DeviceClient.CHALLENGES_PATH,
                                null,
                                Map.of("X-Pad", "x".repeat(4 * 1024)))
                        .status());
    }

    @Test
    void anEmptyWaitIsRefused() {
        for (String query : List.of("?wait=", "?wait", "?wait=&wait=5", "?wait=5&wait=")) {
            rejected(
                    400,
                    "invalid_request",
                    victim.device.request(
                            "GET", DeviceClient.CHALLENGES_PATH + query, null, ProofSpec.valid()));
            io.approvalguard.testkit.oidc.HttpResult status =
                    victimLogin.get(victimLogin.statusUrl() + query.replace('?', '&'));
            assertEquals(400, status.status(), query + ": " + status.body());
            assertEquals("invalid_request", status.jsonMap().get("error"));
            assertTrue(status.jsonMap().get("error_description") instanceof String);
            assertUnchanged();
        }
    }

    @Test
    void bodiesThatAreNotUtf8AreRefused() {
        String json = new String(approveBody(), StandardCharsets.UTF_8);
        rejected(
                400,
                "invalid_request",
                answer(json.getBytes(StandardCharsets.UTF_16), ProofSpec.valid())); // BOM FE FF
        rejected(
                400,
                "invalid_request",
                answer(json.getBytes(StandardCharsets.UTF_16LE), ProofSpec.valid()));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        rejected(400, "invalid_request", answer(concat(bom, approveBody()), ProofSpec.valid()));
        // "approve" with its "a" as the overlong C1 A1: a lenient decoder reads an approval.
        int a = json.indexOf("approve");
        byte[] overlong =
                concat(
                        bytes(json.substring(0, a)),
                        new byte[] {(byte) 0xC1, (byte) 0xA1},
                        bytes(json.substring(a + 1)));
        rejected(400, "invalid_request", answer(overlong, ProofSpec.valid()));
        rejected(
                415,
                "unsupported_media_type",
                answer(
                        approveBody(),
                        ProofSpec.valid().contentType("application/json; charset=utf-16")));
    }

    @Test
    void aWrongMethodIs405WithAllowOnEveryPath() {
        String device = victim.device.url("");
        assertMethodNotAllowed("PUT", device + DeviceClient.CHALLENGES_PATH, "GET, HEAD");
        assertMethodNotAllowed("POST", device + DeviceClient.CHALLENGES_PATH, "GET, HEAD");
        assertMethodNotAllowed("GET", device + DeviceClient.ENROL_PATH, "POST");
        assertMethodNotAllowed("GET", device + DeviceClient.answerPath(id(challenge)), "POST");
        assertMethodNotAllowed("PATCH", device + DeviceClient.DEVICE_PATH, "DELETE");
        assertMethodNotAllowed("POST", device + "/login/status", "GET, HEAD");
        assertMethodNotAllowed("POST", device + "/app/", "GET, HEAD");
        assertMethodNotAllowed("PUT", device + "/app/app.js", "GET, HEAD");
        // With the victim's own valid proof: a DELETE aimed at the listing removes nothing.
        DeviceClient.Response delete =
                victim.device.request(
                        "DELETE", DeviceClient.CHALLENGES_PATH, null, ProofSpec.valid());
        rejected(405, "method_not_allowed", delete);
        HttpResponse<String> unknown = send("GET", device + "/device/nothing");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("not_found", Json.readMap(unknown.body()).get("error"));
        assertTrue(
                Json.readMap(unknown.body()).get("error_description") instanceof String,
                unknown.body());
    }

    @Test
    void enrolmentRefusesFormatCharactersInTheDeviceName() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(PushScenario.CLIENT);
        String token = browser.enrolmentToken();
        for (String name :
                List.of(
                        "enohp s'ecil\u202eA",
                        "Alice\u200b's phone",
                        "phone\ufeff",
                        "\u2066phone\u2069")) {
            rejected(400, "invalid_request", user.device.enrol(token, name));
        }
        assertEquals("pending", browser.pollStatus());
        assertEquals(
                201,
                user.device.enrol(token, "Alice's phone \uD83D\uDCF1").status(),
                "the token was not spent by the failures");
        assertTrue(browser.pressEnrol().isLoggedIn());
    }

    private void assertMethodNotAllowed(String method, String url, String allow) {
        HttpResponse<String> response = send(method, url);
        assertEquals(405, response.statusCode(), method + " " + url + ": " + response.body());
        assertEquals(
                allow, response.headers().firstValue("Allow").orElse(null), method + " " + url);
        Map<String, Object> json = Json.readMap(response.body());
        assertEquals("method_not_allowed", json.get("error"), response.body());
        assertTrue(json.get("error_description") instanceof String, response.body());
        assertUnchanged();
    }

    /**
     * A request of the victim's device over HTTP/1.1 (the test client otherwise moves to HTTP/2).
     */
    private DeviceClient.Response overHttp11(
            String method, String path, byte[] body, Map<String, String> headers) {
        String url = victim.device.url(path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url))
                        .version(HttpClient.Version.HTTP_1_1)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .header(
                                DeviceClient.PROOF_HEADER,
                                victim.device.proof(method, url, body, ProofSpec.valid()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response =
                    HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new DeviceClient.Response(
                    response.statusCode(), Json.readMapOrEmpty(response.body()), response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(String method, String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .method(method, HttpRequest.BodyPublishers.noBody())
                            .header("Accept", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- helpers

    private void rejected(int status, String error, DeviceClient.Response response) {
        assertEquals(status, response.status(), response.toString());
        assertEquals(error, response.error(), response.toString());
        assertTrue(response.json().get("error_description") instanceof String, response.toString());
        assertUnchanged();
    }

    /** The victim's challenge is still pending and still offered to the victim's device. */
    private void assertUnchanged() {
        if (victim == null) {
            return;
        }
        assertEquals("pending", victimLogin.pollStatus());
        List<Map<String, Object>> listed = victim.device.challenges();
        assertEquals(1, listed.size());
        assertEquals(id(challenge), id(listed.get(0)));
    }

    private DeviceClient.Response answer(String decision, ProofSpec spec) {
        return answer(
                DeviceClient.answerBody(decision, hash(), "approve".equals(decision) ? code : null),
                spec);
    }

    private DeviceClient.Response answer(byte[] body, ProofSpec spec) {
        return victim.device.request("POST", DeviceClient.answerPath(id(challenge)), body, spec);
    }

    private byte[] approveBody() {
        return DeviceClient.answerBody("approve", hash(), code);
    }

    private String hash() {
        return DeviceClient.computeContextHash(context(challenge));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(Map<String, Object> challenge) {
        return (Map<String, Object>) challenge.get("context");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static <T> List<T> inParallel(int count, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    return task.call();
                                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
