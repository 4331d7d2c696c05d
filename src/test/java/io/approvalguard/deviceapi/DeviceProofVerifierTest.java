package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.device.DeviceKey;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.testkit.Es256;
import io.approvalguard.testkit.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.common.crypto.CryptoIntegration;
import org.keycloak.common.util.Time;

/** The proof rules of docs/device-api.md section 2, one test per rule, without a server. */
class DeviceProofVerifierTest {

    private static final String URL =
            "https://login.example.com/realms/demo/approval-guard/device/challenges/c1/answer";
    private static final byte[] BODY =
            "{\"decision\":\"approve\"}".getBytes(StandardCharsets.UTF_8);

    private static KeyPair deviceKeys;
    private static DeviceKey deviceKey;

    @BeforeAll
    static void keys() {
        CryptoIntegration.init(DeviceProofVerifierTest.class.getClassLoader());
        deviceKeys = Es256.newKeyPair();
        deviceKey = DeviceKey.fromJwk(Es256.publicJwk((ECPublicKey) deviceKeys.getPublic()));
    }

    @Test
    void aCorrectProofVerifies() {
        assertDoesNotThrow(() -> verify(proof(h -> {}, c -> {})));
    }

    @Test
    void algNoneIsRejected() {
        String header =
                b64(
                        Json.write(
                                Map.of(
                                        "typ",
                                        DeviceProofVerifier.TYPE,
                                        "alg",
                                        "none",
                                        "kid",
                                        "d1")));
        String payload = b64(Json.write(claims()));
        assertInvalid(header + "." + payload + ".");
    }

    @Test
    void hs256KeyedWithThePublicKeyIsRejected() throws Exception {
        String header =
                b64(
                        Json.write(
                                Map.of(
                                        "typ",
                                        DeviceProofVerifier.TYPE,
                                        "alg",
                                        "HS256",
                                        "kid",
                                        "d1")));
        String input = header + "." + b64(Json.write(claims()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(deviceKeys.getPublic().getEncoded(), "HmacSHA256"));
        String sig =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        assertInvalid(input + "." + sig);
    }

    @Test
    void embeddedKeysAndUnknownHeaderMembersAreRejected() {
        for (String member : new String[] {"jwk", "jku", "x5u", "x5c", "crit", "b64"}) {
            assertInvalid(proof(h -> h.put(member, "x"), c -> {}));
        }
    }

    @Test
    void anotherKeysSignatureIsRejected() {
        KeyPair other = Es256.newKeyPair();
        Map<String, Object> header = header();
        String input = b64(Json.write(header)) + "." + b64(Json.write(claims()));
        String sig =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                Es256.sign(
                                        other.getPrivate(),
                                        input.getBytes(StandardCharsets.US_ASCII)));
        assertInvalid(input + "." + sig);
    }

    @Test
    void wrongTypeMethodUrlTimeJtiOrBodyHashAreRejected() {
        assertInvalid(proof(h -> h.put("typ", "JWT"), c -> {}));
        assertInvalid(proof(h -> {}, c -> c.put("htm", "GET")));
        assertInvalid(proof(h -> {}, c -> c.put("htu", URL.replace("c1", "c2"))));
        assertInvalid(proof(h -> {}, c -> c.put("htu", URL + "?x=1")));
        assertInvalid(proof(h -> {}, c -> c.put("iat", Time.currentTime() - 61)));
        assertInvalid(proof(h -> {}, c -> c.put("iat", Time.currentTime() + 61)));
        assertInvalid(proof(h -> {}, c -> c.put("iat", "now")));
        assertInvalid(proof(h -> {}, c -> c.remove("jti")));
        assertInvalid(proof(h -> {}, c -> c.put("jti", "short")));
        assertInvalid(proof(h -> {}, c -> c.remove("bh")));
        assertInvalid(
                proof(
                        h -> {},
                        c ->
                                c.put(
                                        "bh",
                                        CanonicalJson.sha256Base64Url(
                                                "{}".getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void malformedProofsAreRejected() {
        assertInvalid(null);
        assertInvalid("");
        assertInvalid("a.b");
        assertInvalid("a.b.c.d");
        assertInvalid("!!!.???.***");
        assertInvalid(b64("not json") + "." + b64("{}") + ".");
        assertInvalid(b64("[1,2]") + "." + b64("{}") + ".");
        assertInvalid("x".repeat(DeviceProofVerifier.MAX_PROOF_LENGTH + 1));
        // Padding is not base64url-without-padding.
        assertInvalid(proof(h -> {}, c -> {}).replaceFirst("\\.", "=."));
    }

    @Test
    void duplicateMembersAreRejected() {
        String header =
                "{\"typ\":\""
                        + DeviceProofVerifier.TYPE
                        + "\",\"alg\":\"ES256\",\"kid\":\"d1\",\"alg\":\"none\"}";
        assertInvalid(b64(header) + "." + b64(Json.write(claims())) + ".AAAA");
    }

    @Test
    void enrolmentProofsCarryNoKidAndDeviceProofsNeedOne() {
        String withoutKid = proof(h -> h.remove("kid"), c -> {});
        assertEquals(
                "invalid_proof",
                assertThrows(ApiError.class, () -> DeviceProofVerifier.parse(withoutKid, true))
                        .error());
        assertDoesNotThrow(() -> DeviceProofVerifier.parse(withoutKid, false));
        String withKid = proof(h -> {}, c -> {});
        assertThrows(ApiError.class, () -> DeviceProofVerifier.parse(withKid, false));
    }

    @Test
    void rAndSOutsideOneToNMinusOneAreRejectedBeforeTheJdkVerifies() {
        // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified any message on unpatched Java
        // 15 to 18.
        String input = b64(Json.write(header())) + "." + b64(Json.write(claims()));
        BigInteger n = ((ECPublicKey) deviceKeys.getPublic()).getParams().getOrder();
        byte[][] outOfRange = {
            signature(BigInteger.ZERO, BigInteger.ZERO),
            signature(n, n),
            signature(BigInteger.ZERO, BigInteger.ONE),
            signature(BigInteger.ONE, BigInteger.ZERO),
            signature(n, BigInteger.ONE),
            signature(BigInteger.ONE, n),
            signature(n.add(BigInteger.ONE), BigInteger.ONE),
            signature(
                    BigInteger.TWO.pow(256).subtract(BigInteger.ONE),
                    BigInteger.TWO.pow(256).subtract(BigInteger.ONE)),
        };
        for (byte[] signature : outOfRange) {
            ApiError error =
                    assertThrows(
                            ApiError.class,
                            () ->
                                    verify(
                                            input
                                                    + "."
                                                    + Base64.getUrlEncoder()
                                                            .withoutPadding()
                                                            .encodeToString(signature)));
            assertEquals("invalid_proof", error.error());
            // Refused by our range check, not left to the JDK's verifier.
            assertEquals(
                    "the proof's signature is not an ES256 signature: r and s must be from 1 to n-1",
                    error.getMessage());
        }
        // In range but wrong: the JDK's verifier says no.
        ApiError inRange =
                assertThrows(
                        ApiError.class,
                        () ->
                                verify(
                                        input
                                                + "."
                                                + Base64.getUrlEncoder()
                                                        .withoutPadding()
                                                        .encodeToString(
                                                                signature(
                                                                        BigInteger.ONE,
                                                                        n.subtract(
                                                                                BigInteger.ONE)))));
        assertEquals("the proof's signature does not verify", inRange.getMessage());
    }

    @Test
    void everyCheapCheckRunsBeforeTheLookupAndTheSignatureAfterIt() {
        String badSignature =
                "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        List<String> failingCheaply =
                List.of(
                        "not-a-jws",
                        "x".repeat(DeviceProofVerifier.MAX_PROOF_LENGTH + 1),
                        unsigned(h -> h.put("typ", "JWT"), c -> {}) + badSignature,
                        unsigned(h -> h.put("alg", "none"), c -> {}) + ".",
                        unsigned(
                                        h ->
                                                h.put(
                                                        "jwk",
                                                        Es256.publicJwk(
                                                                (ECPublicKey)
                                                                        deviceKeys.getPublic())),
                                        c -> {})
                                + badSignature,
                        unsigned(h -> h.remove("kid"), c -> {}) + badSignature,
                        unsigned(h -> {}, c -> c.put("htm", "GET")) + badSignature,
                        unsigned(h -> {}, c -> c.put("htu", URL + "x")) + badSignature,
                        unsigned(h -> {}, c -> c.put("iat", Time.currentTime() - 3600))
                                + badSignature,
                        unsigned(h -> {}, c -> c.put("jti", "short")) + badSignature,
                        unsigned(h -> {}, c -> c.remove("sub")) + badSignature,
                        unsigned(h -> {}, c -> c.put("bh", "wrong")) + badSignature,
                        unsigned(h -> {}, c -> {})
                                + "."
                                + Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString(new byte[63]));
        for (String proof : failingCheaply) {
            AtomicInteger lookups = new AtomicInteger();
            ApiError error =
                    assertThrows(
                            ApiError.class,
                            () ->
                                    DeviceProofVerifier.authenticate(
                                            proof,
                                            true,
                                            new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                                            p -> lookups.incrementAndGet(),
                                            found -> deviceKey));
            assertEquals("invalid_proof", error.error(), proof);
            assertEquals(
                    0,
                    lookups.get(),
                    "looked up the device for a proof that fails a cheap check: "
                            + error.getMessage());
        }

        // Only a proof that passes every cheap check is looked up, and then its signature decides.
        AtomicInteger lookups = new AtomicInteger();
        String wrongSignature =
                unsigned(h -> {}, c -> {})
                        + "."
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(Es256.sign(Es256.newKeyPair().getPrivate(), BODY));
        ApiError error =
                assertThrows(
                        ApiError.class,
                        () ->
                                DeviceProofVerifier.authenticate(
                                        wrongSignature,
                                        true,
                                        new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                                        p -> lookups.incrementAndGet(),
                                        found -> deviceKey));
        assertEquals("the proof's signature does not verify", error.getMessage());
        assertEquals(1, lookups.get());
    }

    @Test
    void anEnrolmentProofHasNoSub() {
        String withSub = proof(h -> h.remove("kid"), c -> {});
        ApiError error =
                assertThrows(
                        ApiError.class,
                        () ->
                                DeviceProofVerifier.authenticate(
                                        withSub,
                                        false,
                                        new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                                        p -> deviceKey,
                                        k -> k));
        assertEquals("invalid_proof", error.error());
        String withoutSub = proof(h -> h.remove("kid"), c -> c.remove("sub"));
        assertDoesNotThrow(
                () ->
                        DeviceProofVerifier.authenticate(
                                withoutSub,
                                false,
                                new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                                p -> deviceKey,
                                k -> k));
    }

    private static byte[] signature(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        byte[] rBytes = unsigned32(r);
        byte[] sBytes = unsigned32(s);
        System.arraycopy(rBytes, 0, out, 0, 32);
        System.arraycopy(sBytes, 0, out, 32, 32);
        return out;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int length = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - length, out, 32 - length, length);
        return out;
    }

    /** Header and payload of a proof, without the signature part. */
    private static String unsigned(
            Consumer<Map<String, Object>> headerChange,
            Consumer<Map<String, Object>> claimsChange) {
        Map<String, Object> header = header();
        headerChange.accept(header);
        Map<String, Object> claims = claims();
        claimsChange.accept(claims);
        return b64(Json.write(header)) + "." + b64(Json.write(claims));
    }

    private static void verify(String proof) {
        DeviceProofVerifier.authenticate(
                proof,
                true,
                new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                p -> deviceKey,
                key -> key);
    }

    private static void assertInvalid(String proof) {
        ApiError error = assertThrows(ApiError.class, () -> verify(proof));
        assertEquals("invalid_proof", error.error());
        assertEquals(401, error.status());
    }

    private static Map<String, Object> header() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", DeviceProofVerifier.TYPE);
        header.put("alg", "ES256");
        header.put("kid", "d1");
        return header;
    }

    private static Map<String, Object> claims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("htm", "POST");
        claims.put("htu", URL);
        claims.put("iat", Time.currentTime());
        claims.put("jti", "0123456789abcdefABCDEF");
        claims.put("sub", "u1");
        claims.put("bh", CanonicalJson.sha256Base64Url(BODY));
        return claims;
    }

    private static String proof(
            Consumer<Map<String, Object>> headerChange,
            Consumer<Map<String, Object>> claimsChange) {
        Map<String, Object> header = header();
        headerChange.accept(header);
        Map<String, Object> claims = claims();
        claimsChange.accept(claims);
        String input = b64(Json.write(header)) + "." + b64(Json.write(claims));
        byte[] signature =
                Es256.sign(deviceKeys.getPrivate(), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
