package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.testkit.Es256;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceKeyTest {

    @Test
    void keepsOnlyTheMembersThatDefineTheKey() {
        KeyPair pair = Es256.newKeyPair();
        Map<String, Object> jwk = new HashMap<>(Es256.publicJwk((ECPublicKey) pair.getPublic()));
        jwk.put("d", "private-part-must-not-be-stored");
        jwk.put("kid", "attacker-chosen");
        DeviceKey key = DeviceKey.fromJwk(jwk);
        assertEquals(
                Map.of("kty", "EC", "crv", "P-256", "x", jwk.get("x"), "y", jwk.get("y")),
                key.jwk());
        assertEquals(Es256.thumbprint((ECPublicKey) pair.getPublic()), key.thumbprint());
    }

    @Test
    void rejectsOtherKeyTypesCurvesAndPointsOffTheCurve() {
        Map<String, Object> good =
                new HashMap<>(Es256.publicJwk((ECPublicKey) Es256.newKeyPair().getPublic()));
        assertRejected(with(good, "kty", "RSA"));
        assertRejected(with(good, "crv", "P-384"));
        assertRejected(with(good, "x", "AAAA"));
        assertRejected(with(good, "y", null));
        // Flip the last coordinate byte: almost surely no longer on the curve (invalid-curve
        // attacks).
        String y = (String) good.get("y");
        assertRejected(with(good, "y", y.substring(0, 42) + (y.charAt(42) == 'A' ? 'E' : 'A')));
        assertThrows(IllegalArgumentException.class, () -> DeviceKey.fromJwk("not a map"));
    }

    @Test
    void refusesACoordinateWhoseUnusedBitsAreSetButStillLoadsOneStoredSoBefore() {
        // Found by DeviceKeyFuzzTest: "...iC" decoded to the same bytes as "...iA", so one key had
        // several JWKs and thumbprints. The last of 43 characters carries 2 bits the decoder drops.
        KeyPair pair = Es256.newKeyPair();
        Map<String, Object> good = new HashMap<>(Es256.publicJwk((ECPublicKey) pair.getPublic()));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (String member : new String[] {"x", "y"}) {
            String canonical = (String) good.get(member);
            int last = alphabet.indexOf(canonical.charAt(42));
            for (int unusedBits = 1; unusedBits <= 3; unusedBits++) {
                String sameBytes = canonical.substring(0, 42) + alphabet.charAt(last | unusedBits);
                IllegalArgumentException refused =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> DeviceKey.fromJwk(with(good, member, sameBytes)));
                assertEquals(
                        "public_key."
                                + member
                                + " is not canonical base64url: the unused bits of its last character must be zero",
                        refused.getMessage());
                Map<String, String> stored = new HashMap<>();
                with(good, member, sameBytes).forEach((k, v) -> stored.put(k, (String) v));
                assertEquals(
                        ((ECPublicKey) pair.getPublic()).getW(),
                        ((ECPublicKey)
                                        DeviceKey.fromStoredJwk(stored, DeviceKey.ALGORITHM)
                                                .publicKey())
                                .getW());
            }
        }
        assertEquals(
                Es256.thumbprint((ECPublicKey) pair.getPublic()),
                DeviceKey.fromJwk(good).thumbprint());
    }

    private static Map<String, Object> with(Map<String, Object> jwk, String name, Object value) {
        Map<String, Object> copy = new HashMap<>(jwk);
        copy.put(name, value);
        return copy;
    }

    private static void assertRejected(Map<String, Object> jwk) {
        assertThrows(IllegalArgumentException.class, () -> DeviceKey.fromJwk(jwk));
    }
}
