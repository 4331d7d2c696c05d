package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.approvalguard.testkit.Es256;

class DeviceKeyTest {

    @Test
    void keepsOnlyTheMembersThatDefineTheKey() {
        KeyPair pair = Es256.newKeyPair();
        Map<String, Object> jwk = new HashMap<>(Es256.publicJwk((ECPublicKey) pair.getPublic()));
        jwk.put("d", "private-part-must-not-be-stored");
        jwk.put("kid", "attacker-chosen");
        DeviceKey key = DeviceKey.fromJwk(jwk);
        assertEquals(Map.of("kty", "EC", "crv", "P-256", "x", jwk.get("x"), "y", jwk.get("y")), key.jwk());
        assertEquals(Es256.thumbprint((ECPublicKey) pair.getPublic()), key.thumbprint());
    }

    @Test
    void rejectsOtherKeyTypesCurvesAndPointsOffTheCurve() {
        Map<String, Object> good = new HashMap<>(Es256.publicJwk((ECPublicKey) Es256.newKeyPair().getPublic()));
        assertRejected(with(good, "kty", "RSA"));
        assertRejected(with(good, "crv", "P-384"));
        assertRejected(with(good, "x", "AAAA"));
        assertRejected(with(good, "y", null));
        // Flip the last coordinate byte: almost surely no longer on the curve (invalid-curve attacks).
        String y = (String) good.get("y");
        assertRejected(with(good, "y", y.substring(0, 42) + (y.charAt(42) == 'A' ? 'E' : 'A')));
        assertThrows(IllegalArgumentException.class, () -> DeviceKey.fromJwk("not a map"));
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
