package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.approvalguard.device.DeviceKey;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.testkit.Es256;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.keycloak.common.crypto.CryptoIntegration;
import org.keycloak.common.util.Time;

/**
 * The Device-Proof header as anyone may send it: a {@code 401 invalid_proof} or a proof that really
 * is what docs/device-api.md section 2 asks for, re-checked here independently (its members decoded
 * with a plain Jackson and its signature verified with the JDK alone).
 *
 * <p>The committed inputs hold proofs signed by the fixed test key below with {@code iat} {@value
 * #NOW}, and Keycloak's clock is set to that time for each input, so that replaying and fuzzing
 * start from proofs that pass every check.
 */
class DeviceProofFuzzTest {

    /** Keycloak's time for every input, in seconds; the committed proofs carry it as iat. */
    static final int NOW = 1_800_000_000;

    static final String URL =
            "https://login.example.com/realms/demo/approval-guard/device/challenges/c1/answer";
    static final byte[] BODY = "{\"decision\":\"approve\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * A P-256 key made for these tests only (PKCS #8 and X.509 DER): the committed proofs are
     * signed with it.
     */
    private static final String PRIVATE_KEY =
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCtOpALb4JOJcrvLjdlh6sTPkbBxwJQglxXM2p6wD"
                    + "lrehRANCAATsy9zTslNNCUzO7uR+0ORt5cEyQI9TPOaxQ2vZ2ZK9U7KWqTsRkgwPprjiXwMuROQJjGCygfhVfEbDd+bX5/Ig";

    private static final String PUBLIC_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7Mvc07JTTQlMzu7kftDkbeXBMkCPUzzmsUNr2dmSvVOylqk7EZIMD6a44l8D"
                    + "LkTkCYxgsoH4VXxGw3fm1+fyIA==";

    private static final Set<String> HEADER_MEMBERS = Set.of("typ", "alg", "kid");
    private static final ObjectMapper PLAIN_JACKSON = new ObjectMapper();
    private static final Object SIGNER = new Object();

    private static PrivateKey privateKey;
    private static PublicKey publicKey;
    private static DeviceKey deviceKey;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        CryptoIntegration.init(DeviceProofFuzzTest.class.getClassLoader());
        KeyFactory ec = KeyFactory.getInstance("EC");
        privateKey =
                ec.generatePrivate(
                        new PKCS8EncodedKeySpec(Base64.getDecoder().decode(PRIVATE_KEY)));
        publicKey =
                ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(PUBLIC_KEY)));
        deviceKey = DeviceKey.fromJwk(Es256.publicJwk((ECPublicKey) publicKey));
    }

    @AfterAll
    static void realClock() {
        Time.setOffset(0);
    }

    /**
     * Any header value: bytes as the HTTP server hands them over, one ISO-8859-1 character each.
     */
    @FuzzTest
    void anyProof(byte[] headerValue) throws Exception {
        String proof = new String(headerValue, StandardCharsets.ISO_8859_1);
        authenticateAsDeviceAndAsEnrolment(proof);
    }

    /**
     * Header and payload JSON (split at the first newline) signed with the test key, so that every
     * input gets past the signature to the member and claim checks.
     */
    @FuzzTest
    void signedProof(byte[] headerAndPayload) throws Exception {
        int newline = indexOf(headerAndPayload, (byte) '\n');
        byte[] header =
                newline < 0 ? headerAndPayload : Arrays.copyOfRange(headerAndPayload, 0, newline);
        byte[] payload =
                newline < 0
                        ? new byte[0]
                        : Arrays.copyOfRange(
                                headerAndPayload, newline + 1, headerAndPayload.length);
        String signingInput = base64Url(header) + "." + base64Url(payload);
        byte[] signature = Es256.sign(privateKey, signingInput.getBytes(StandardCharsets.US_ASCII));
        authenticateAsDeviceAndAsEnrolment(signingInput + "." + base64Url(signature));
    }

    private static void authenticateAsDeviceAndAsEnrolment(String proof) throws Exception {
        for (boolean deviceRequest : new boolean[] {true, false}) {
            Time.setOffset(NOW - (int) (System.currentTimeMillis() / 1000));
            Object signer;
            try {
                signer =
                        DeviceProofVerifier.authenticate(
                                proof,
                                deviceRequest,
                                new DeviceProofVerifier.BoundRequest("POST", URL, BODY),
                                p -> SIGNER,
                                s -> deviceKey);
            } catch (ApiError refused) {
                assertEquals(401, refused.status(), refused.getMessage());
                assertEquals("invalid_proof", refused.error());
                continue;
            }
            assertSame(SIGNER, signer);
            assertIsAValidProof(proof, deviceRequest);
        }
    }

    /** docs/device-api.md section 2, checked without DeviceProofVerifier's code. */
    @SuppressWarnings("unchecked")
    private static void assertIsAValidProof(String proof, boolean deviceRequest) throws Exception {
        assertTrue(proof.length() <= DeviceProofVerifier.MAX_PROOF_LENGTH);
        String[] parts = proof.trim().split("\\.", -1);
        assertEquals(3, parts.length);
        Map<String, Object> header =
                PLAIN_JACKSON.readValue(Base64.getUrlDecoder().decode(parts[0]), Map.class);
        Map<String, Object> claims =
                PLAIN_JACKSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        assertTrue(
                HEADER_MEMBERS.containsAll(header.keySet()),
                "accepted header members " + header.keySet());
        assertEquals(DeviceProofVerifier.TYPE, header.get("typ"));
        assertEquals("ES256", header.get("alg"));
        assertEquals("POST", claims.get("htm"));
        assertEquals(URL, claims.get("htu"));
        assertTrue(
                claims.get("iat") instanceof Integer || claims.get("iat") instanceof Long,
                "iat " + claims.get("iat"));
        assertTrue(
                Math.abs(((Number) claims.get("iat")).longValue() - NOW)
                        <= DeviceProofVerifier.MAX_CLOCK_SKEW_SECONDS + 1);
        assertTrue(
                claims.get("jti") instanceof String jti && jti.matches("[A-Za-z0-9_-]{16,128}"),
                "jti " + claims.get("jti"));
        assertEquals(CanonicalJson.sha256Base64Url(BODY), claims.get("bh"));
        if (deviceRequest) {
            assertTrue(
                    header.get("kid") instanceof String kid && !kid.isEmpty() && kid.length() <= 64,
                    "kid " + header.get("kid"));
            assertTrue(
                    claims.get("sub") instanceof String sub && !sub.isEmpty() && sub.length() <= 64,
                    "sub " + claims.get("sub"));
        } else {
            assertNull(header.get("kid"));
            assertNull(claims.get("sub"));
        }
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        assertEquals(64, signature.length);
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(publicKey);
        jdk.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(jdk.verify(der(signature)), "accepted a signature the JDK does not verify");
        assertFalse(isZero(signature, 0) || isZero(signature, 32), "accepted r or s of zero");
    }

    /** R || S as the DER SEQUENCE { INTEGER r, INTEGER s } that the JDK verifies. */
    private static byte[] der(byte[] concatenated) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(concatenated, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(concatenated, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length);
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }

    private static boolean isZero(byte[] bytes, int from) {
        for (int i = from; i < from + 32; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
