package io.approvalguard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The reference approver device: implements docs/device-api.md and nothing more, so a test that
 * passes with it shows that the contract on that page is enough to build a device app.
 *
 * <p>Each instance is one device with its own fresh P-256 key pair. After a successful {@link
 * #enrol} it remembers {@code device_id} (the proof's {@code kid}) and {@code user_id} (the proof's
 * {@code sub}). For attack tests, {@link #request} sends anything with a proof bent as a {@link
 * ProofSpec} says.
 */
public final class DeviceClient {

    public static final String PROOF_HEADER = "Device-Proof";
    public static final String PROOF_TYPE = "ag-device-proof+jwt";
    public static final String ENROL_PATH = "/device/enrol";
    public static final String CHALLENGES_PATH = "/device/challenges";
    public static final String DEVICE_PATH = "/device";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final String realm;
    private final KeyPair keyPair;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    private String deviceId;
    private String userId;

    private DeviceClient(String baseUrl, String realm, KeyPair keyPair) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.realm = realm;
        this.keyPair = keyPair;
    }

    /** A new, not yet enrolled device with a fresh key pair. */
    public static DeviceClient create(String baseUrl, String realm) {
        return new DeviceClient(baseUrl, realm, Es256.newKeyPair());
    }

    /** The same enrolled device (same key and ids) talking to another server of the cluster. */
    public DeviceClient at(String otherBaseUrl) {
        DeviceClient moved = new DeviceClient(otherBaseUrl, realm, keyPair);
        moved.deviceId = deviceId;
        moved.userId = userId;
        return moved;
    }

    /** A new device for the shared test server. */
    public static DeviceClient create(String realm) {
        return create(KeycloakServer.baseUrl(), realm);
    }

    /**
     * An HTTP answer from the device API; {@code json} is empty when the body is not a JSON object.
     */
    public record Response(int status, Map<String, Object> json, String body) {

        /** The {@code error} member of an error answer, or null. */
        public String error() {
            Object error = json.get("error");
            return error == null ? null : error.toString();
        }

        public String string(String member) {
            Object value = json.get(member);
            return value == null ? null : value.toString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    // ---------------------------------------------------------------- the API of
    // docs/device-api.md

    /** {@code POST /device/enrol}; on 201 remembers device_id and user_id. */
    public Response enrol(String enrolmentToken, String deviceName) {
        return enrol(enrolmentToken, deviceName, ProofSpec.valid());
    }

    public Response enrol(String enrolmentToken, String deviceName, ProofSpec spec) {
        Response response =
                request("POST", ENROL_PATH, enrolmentBody(enrolmentToken, deviceName), spec);
        if (response.status() == 201) {
            deviceId = response.string("device_id");
            userId = response.string("user_id");
        }
        return response;
    }

    /** {@code GET /device/challenges}. */
    public Response listChallenges() {
        return listChallenges(ProofSpec.valid());
    }

    public Response listChallenges(ProofSpec spec) {
        return request("GET", CHALLENGES_PATH, null, spec);
    }

    /**
     * {@code GET /device/challenges?wait=<seconds>}: held by the server until a challenge exists.
     */
    public Response waitForChallenges(int seconds) {
        return request("GET", CHALLENGES_PATH + "?wait=" + seconds, null, ProofSpec.valid());
    }

    /** {@code POST /device/challenges/{id}/answer}; {@code code} null leaves the member out. */
    public Response answer(String challengeId, String decision, String contextHash, String code) {
        return answer(challengeId, decision, contextHash, code, ProofSpec.valid());
    }

    public Response answer(
            String challengeId, String decision, String contextHash, String code, ProofSpec spec) {
        return request(
                "POST", answerPath(challengeId), answerBody(decision, contextHash, code), spec);
    }

    /** {@code DELETE /device}. */
    public Response removeSelf() {
        return removeSelf(ProofSpec.valid());
    }

    public Response removeSelf(ProofSpec spec) {
        return request("DELETE", DEVICE_PATH, null, spec);
    }

    /**
     * {@code PUT /device/push} with {@code address} (for example {@code provider} and {@code
     * token}) as the JSON body.
     */
    public Response registerPush(Map<String, ?> address) {
        return request(
                "PUT",
                DEVICE_PATH + "/push",
                Json.write(address).getBytes(StandardCharsets.UTF_8),
                ProofSpec.valid());
    }

    /** {@code DELETE /device/push}. */
    public Response removePush() {
        return request("DELETE", DEVICE_PATH + "/push", null, ProofSpec.valid());
    }

    /** {@code GET /device/push-config}, without a proof: it is public. */
    public Response pushConfig() {
        return request(
                "GET", DEVICE_PATH + "/push-config", null, ProofSpec.valid().sendProof(false));
    }

    // ---------------------------------------------------------------- conveniences over the API

    /** The challenges of a 200 answer of {@link #listChallenges()}; fails on any other answer. */
    public List<Map<String, Object>> challenges() {
        return challenges(ProofSpec.valid());
    }

    /** Like {@link #challenges()}, with a bent request (for example an extra HTTP header). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> challenges(ProofSpec spec) {
        Response response = listChallenges(spec);
        if (response.status() != 200) {
            throw new AssertionError("listing challenges failed: " + response);
        }
        return (List<Map<String, Object>>) response.json().get("challenges");
    }

    /** The first waiting challenge, or null when there is none. */
    public Map<String, Object> pendingChallenge() {
        List<Map<String, Object>> challenges = challenges();
        return challenges.isEmpty() ? null : challenges.get(0);
    }

    /**
     * Polls until a challenge waits (the device would get a notification), or fails after {@code
     * timeout}.
     */
    public Map<String, Object> awaitChallenge(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> challenge = pendingChallenge();
            if (challenge != null) {
                return challenge;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no challenge arrived within " + timeout.toSeconds() + " s");
            }
            sleep(Duration.ofMillis(250));
        }
    }

    /**
     * Answers a listed challenge as a careful app does: the context hash is computed from the
     * context it shows, not copied from the server's {@code context_hash}.
     */
    @SuppressWarnings("unchecked")
    public Response answer(Map<String, Object> challenge, String decision, String code) {
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        return answer((String) challenge.get("id"), decision, computeContextHash(context), code);
    }

    // ---------------------------------------------------------------- low level, for attack tests

    /**
     * Sends {@code method} to {@code path} (relative to {@code /realms/{realm}/approval-guard},
     * e.g. {@code /device/challenges}) with {@code body} (null for none) and a proof built as
     * {@code spec} says.
     */
    public Response request(String method, String path, byte[] body, ProofSpec spec) {
        String url = url(path);
        boolean hasBody = body != null;
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json")
                        .method(
                                method,
                                hasBody
                                        ? HttpRequest.BodyPublishers.ofByteArray(body)
                                        : HttpRequest.BodyPublishers.noBody());
        String contentType = spec.contentTypeFor(hasBody);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (spec.sendsProof()) {
            request.header(
                    PROOF_HEADER,
                    spec.rawValue() != null ? spec.rawValue() : proof(method, url, body, spec));
        }
        spec.extraHttpHeaders().forEach(request::header);
        try {
            HttpResponse<String> response =
                    http.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(
                    response.statusCode(), Json.readMapOrEmpty(response.body()), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The compact JWS for one request, as {@link #request} would send it. */
    public String proof(String method, String url, byte[] body, ProofSpec spec) {
        boolean enrolment = stripQuery(url).endsWith(ENROL_PATH);

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", PROOF_TYPE);
        header.put("alg", spec.mode().alg());
        if (!enrolment && deviceId != null) {
            header.put("kid", deviceId);
        }

        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("htm", method.toUpperCase());
        claims.put("htu", stripQuery(url));
        // the server's clock, which a test may have shifted (TimeOffset): a device's clock agrees
        // with it
        claims.put("iat", KeycloakServer.serverNow().getEpochSecond());
        claims.put("jti", newJti());
        if (!enrolment && userId != null) {
            claims.put("sub", userId);
        }
        if (body != null && body.length > 0) {
            claims.put("bh", Es256.base64Url(Es256.sha256(body)));
        }

        String signingInput =
                encodePart(spec.applyToHeader(header))
                        + "."
                        + encodePart(spec.applyToClaims(claims));
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        byte[] signature =
                switch (spec.mode()) {
                    case ES256 -> Es256.sign(spec.signingKeyOr(keyPair.getPrivate()), input);
                    case NONE -> new byte[0];
                    case HS256 -> hmacSha256(spec.hmacSecret(), input);
                };
        return signingInput + "." + Es256.base64Url(signature);
    }

    /** The exact body {@link #enrol} sends. */
    public byte[] enrolmentBody(String enrolmentToken, String deviceName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enrolment_token", enrolmentToken);
        body.put("public_key", publicJwk());
        body.put("device_name", deviceName);
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }

    /** The exact body {@link #answer} sends; a null {@code code} is left out. */
    public static byte[] answerBody(String decision, String contextHash, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("decision", decision);
        body.put("context_hash", contextHash);
        if (code != null) {
            body.put("code", code);
        }
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }

    public static String answerPath(String challengeId) {
        return CHALLENGES_PATH + "/" + challengeId + "/answer";
    }

    /** base64url(SHA-256(canonical JSON of {@code context})), as the device computes it. */
    public static String computeContextHash(Map<String, ?> context) {
        return CanonicalJson.hash(context);
    }

    /** The canonical JSON text whose hash is the context hash. */
    public static String canonicalJson(Map<String, ?> context) {
        return CanonicalJson.of(context);
    }

    // ---------------------------------------------------------------- identity

    /**
     * The absolute URL of a device API path, e.g. {@code
     * http://127.0.0.1:8080/realms/ag-test/approval-guard/device}.
     */
    public String url(String path) {
        return baseUrl + "/realms/" + realm + "/approval-guard" + path;
    }

    /** The public key as sent at enrolment. */
    public Map<String, Object> publicJwk() {
        return Es256.publicJwk((ECPublicKey) keyPair.getPublic());
    }

    /** RFC 7638 thumbprint of the public key. */
    public String thumbprint() {
        return Es256.thumbprint((ECPublicKey) keyPair.getPublic());
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** The enrolled device id (proof {@code kid}), or null before enrolment. */
    public String deviceId() {
        return deviceId;
    }

    /** The enrolled user id (proof {@code sub}), or null before enrolment. */
    public String userId() {
        return userId;
    }

    /** Pretends to be enrolled as this device and user, e.g. to replay another device's kid. */
    public DeviceClient assumeIdentity(String deviceId, String userId) {
        this.deviceId = deviceId;
        this.userId = userId;
        return this;
    }

    public String realm() {
        return realm;
    }

    public String baseUrl() {
        return baseUrl;
    }

    // ---------------------------------------------------------------- helpers

    /** 16 random bytes, base64url: 22 characters of [A-Za-z0-9_-]. */
    public static String newJti() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Es256.base64Url(bytes);
    }

    private static String encodePart(Map<String, Object> json) {
        return Es256.base64Url(Json.write(json).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmacSha256(byte[] secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stripQuery(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
