package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.approvalguard.support.json.StrictJson;
import io.approvalguard.testkit.Es256;
import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;

/**
 * {@link DeviceKey#fromJwk} on any JSON an enrolling device may send as {@code public_key}: an
 * {@link IllegalArgumentException} (answered as {@code invalid_key}) or a P-256 key whose stored
 * JWK and thumbprint are the key's own, as the reference client computes them from the point.
 */
class DeviceKeyFuzzTest {

    @FuzzTest
    void fromJwk(byte[] json) {
        Object jwk;
        try {
            jwk = StrictJson.readObject(json);
        } catch (IOException notAnObject) {
            try {
                jwk = StrictJson.readArray(json);
            } catch (IOException notJson) {
                return;
            }
        }
        DeviceKey key;
        try {
            key = DeviceKey.fromJwk(jwk);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        ECPublicKey publicKey = (ECPublicKey) key.publicKey();
        Map<String, String> stored = key.jwk();
        assertEquals(
                Map.of("kty", "EC", "crv", "P-256"),
                Map.of("kty", stored.get("kty"), "crv", stored.get("crv")));
        assertEquals(4, stored.size());
        assertEquals(
                publicKey.getW().getAffineX(),
                new BigInteger(1, Base64.getUrlDecoder().decode(stored.get("x"))));
        assertEquals(
                publicKey.getW().getAffineY(),
                new BigInteger(1, Base64.getUrlDecoder().decode(stored.get("y"))));
        // One key, one thumbprint: the stored members are the key's own encoding (RFC 7638 section
        // 3).
        assertEquals(
                Es256.publicJwk(publicKey),
                Map.<String, Object>copyOf(stored),
                "the stored JWK is not the key's own encoding");
        assertEquals(
                Es256.thumbprint(publicKey), key.thumbprint(), "another thumbprint than the key's");
        // What is stored loads again as the same key.
        DeviceKey reloaded = DeviceKey.fromStoredJwk(stored, key.algorithm());
        assertEquals(key.thumbprint(), reloaded.thumbprint());
        assertEquals(publicKey.getW(), ((ECPublicKey) reloaded.publicKey()).getW());
    }
}
