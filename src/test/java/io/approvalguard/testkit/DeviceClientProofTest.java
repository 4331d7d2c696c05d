package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The proofs the reference device builds, checked without a server: the shape of docs/device-api.md
 * section 2, and ES256 signatures that verify as IEEE P1363 (raw R || S) against the public JWK.
 */
class DeviceClientProofTest {

    private static final String BASE = "http://127.0.0.1:8080";
    private static final String CHALLENGES_URL =
            BASE + "/realms/demo/approval-guard/device/challenges";

    @Test
    void listProofHasExactlyTheDocumentedHeaderAndClaims() {
        DeviceClient device = enrolledDevice();

        Jws jws =
                Jws.parse(
                        device.proof(
                                "GET", CHALLENGES_URL + "?ignored=1", null, ProofSpec.valid()));

        assertEquals(
                Map.of("typ", "ag-device-proof+jwt", "alg", "ES256", "kid", "device-1"),
                jws.header());
        assertEquals("GET", jws.claims().get("htm"));
        assertEquals(CHALLENGES_URL, jws.claims().get("htu"));
        assertEquals("user-1", jws.claims().get("sub"));
        assertFalse(jws.claims().containsKey("bh"), "no body, no bh");
        long iat = ((Number) jws.claims().get("iat")).longValue();
        assertTrue(Math.abs(iat - Instant.now().getEpochSecond()) <= 2);
        assertTrue(((String) jws.claims().get("jti")).matches("[A-Za-z0-9_-]{16,128}"));
    }

    @Test
    void signatureIsRawRsAndVerifiesWithThePublicJwk() throws Exception {
        DeviceClient device = enrolledDevice();
        PublicKey fromJwk = publicKeyFromJwk(device.publicJwk());

        for (int i = 0; i < 50; i++) { // R or S with leading zeros happen about 1 in 128 signatures
            Jws jws =
                    Jws.parse(
                            device.proof(
                                    "POST",
                                    CHALLENGES_URL,
                                    new byte[] {'{', '}'},
                                    ProofSpec.valid()));
            assertEquals(64, jws.signature().length);
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(fromJwk);
            verifier.update(jws.signingInput().getBytes(StandardCharsets.US_ASCII));
            assertTrue(verifier.verify(jws.signature()), "signature " + i + " verifies");
        }
    }

    @Test
    void bodyHashCoversTheExactBytes() throws Exception {
        byte[] body = DeviceClient.answerBody("approve", "hash", "42");
        Jws jws =
                Jws.parse(enrolledDevice().proof("POST", CHALLENGES_URL, body, ProofSpec.valid()));

        byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        assertEquals(
                Base64.getUrlEncoder().withoutPadding().encodeToString(expected),
                jws.claims().get("bh"));
        assertEquals(
                "{\"decision\":\"approve\",\"context_hash\":\"hash\",\"code\":\"42\"}",
                new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void enrolmentProofHasNoKidAndNoSub() {
        DeviceClient device = enrolledDevice();
        String url = BASE + "/realms/demo/approval-guard/device/enrol";

        Jws jws =
                Jws.parse(
                        device.proof(
                                "POST",
                                url,
                                device.enrolmentBody("t".repeat(30), "phone"),
                                ProofSpec.valid()));

        assertEquals(Map.of("typ", "ag-device-proof+jwt", "alg", "ES256"), jws.header());
        assertFalse(jws.claims().containsKey("sub"));
        assertTrue(jws.claims().containsKey("bh"));
    }

    @Test
    void enrolmentBodyCarriesTheJwkWithFixedLengthCoordinates() {
        DeviceClient device = DeviceClient.create(BASE, "demo");

        Map<String, Object> body =
                Json.readMap(
                        new String(
                                device.enrolmentBody("token", "Zoë's phone"),
                                StandardCharsets.UTF_8));

        assertEquals("token", body.get("enrolment_token"));
        assertEquals("Zoë's phone", body.get("device_name"));
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = (Map<String, Object>) body.get("public_key");
        assertEquals("EC", jwk.get("kty"));
        assertEquals("P-256", jwk.get("crv"));
        assertEquals(32, Base64.getUrlDecoder().decode((String) jwk.get("x")).length);
        assertEquals(32, Base64.getUrlDecoder().decode((String) jwk.get("y")).length);
        assertEquals(43, device.thumbprint().length());
    }

    @Test
    void specOverridesHeaderAndClaims() {
        DeviceClient device = enrolledDevice();
        ProofSpec spec =
                ProofSpec.valid()
                        .header("jwk", device.publicJwk())
                        .omitHeader("kid")
                        .claim("iat", 1000)
                        .omitClaim("jti")
                        .claim("htm", "DELETE");

        Jws jws = Jws.parse(device.proof("GET", CHALLENGES_URL, null, spec));

        assertEquals(device.publicJwk(), jws.header().get("jwk"));
        assertFalse(jws.header().containsKey("kid"));
        assertEquals(1000, jws.claims().get("iat"));
        assertFalse(jws.claims().containsKey("jti"));
        assertEquals("DELETE", jws.claims().get("htm"));
    }

    @Test
    void noneModeHasEmptySignature() {
        String proof =
                enrolledDevice()
                        .proof(
                                "GET",
                                CHALLENGES_URL,
                                null,
                                ProofSpec.valid().mode(ProofSpec.SigningMode.NONE));

        assertTrue(proof.endsWith("."));
        assertEquals("none", Jws.parse(proof).header().get("alg"));
    }

    @Test
    void hs256ModeSignsWithTheGivenSecret() throws Exception {
        byte[] secret = "not-the-device-key".getBytes(StandardCharsets.UTF_8);
        Jws jws =
                Jws.parse(
                        enrolledDevice()
                                .proof(
                                        "GET",
                                        CHALLENGES_URL,
                                        null,
                                        ProofSpec.valid().hs256(secret)));

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        assertEquals("HS256", jws.header().get("alg"));
        assertArrayEquals(
                mac.doFinal(jws.signingInput().getBytes(StandardCharsets.US_ASCII)),
                jws.signature());
    }

    @Test
    void signWithAnotherKeyDoesNotVerifyWithOwnKey() throws Exception {
        DeviceClient device = enrolledDevice();
        DeviceClient other = DeviceClient.create(BASE, "demo");

        Jws jws =
                Jws.parse(
                        device.proof(
                                "GET",
                                CHALLENGES_URL,
                                null,
                                ProofSpec.valid().signWith(other.privateKey())));

        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKeyFromJwk(device.publicJwk()));
        verifier.update(jws.signingInput().getBytes(StandardCharsets.US_ASCII));
        assertFalse(verifier.verify(jws.signature()));
    }

    private static DeviceClient enrolledDevice() {
        return DeviceClient.create(BASE, "demo").assumeIdentity("device-1", "user-1");
    }

    private static PublicKey publicKeyFromJwk(Map<String, Object> jwk) throws Exception {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec curve = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point =
                new ECPoint(
                        new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("x"))),
                        new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("y"))));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, curve));
    }

    /** A compact JWS taken apart. */
    private record Jws(
            Map<String, Object> header,
            Map<String, Object> claims,
            String signingInput,
            byte[] signature) {

        static Jws parse(String compact) {
            String[] parts = compact.split("\\.", -1);
            assertEquals(3, parts.length, "three parts");
            Base64.Decoder decoder = Base64.getUrlDecoder();
            for (String part : parts) {
                assertFalse(part.contains("="), "base64url without padding");
            }
            return new Jws(
                    Json.readMap(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8)),
                    Json.readMap(new String(decoder.decode(parts[1]), StandardCharsets.UTF_8)),
                    parts[0] + "." + parts[1],
                    decoder.decode(parts[2]));
        }
    }
}
