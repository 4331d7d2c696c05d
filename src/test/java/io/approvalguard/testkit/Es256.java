package io.approvalguard.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** EC P-256 keys and ES256 signatures in the JOSE form (raw R || S), with java.security only. */
public final class Es256 {

    private static final int COORDINATE_BYTES = 32;

    private Es256() {}

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Signs with SHA256withECDSA and converts Java's DER signature to the 64-byte R || S of RFC
     * 7518.
     */
    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key);
            signature.update(data);
            return derToConcatenated(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as the JWK the server stores: kty, crv, x, y (members in this order). */
    public static Map<String, Object> publicJwk(ECPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", base64Url(fixedLength(key.getW().getAffineX())));
        jwk.put("y", base64Url(fixedLength(key.getW().getAffineY())));
        return jwk;
    }

    /** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
    public static String thumbprint(ECPublicKey key) {
        Map<String, Object> jwk = publicJwk(key);
        String json =
                "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
                        + jwk.get("x")
                        + "\",\"y\":\""
                        + jwk.get("y")
                        + "\"}";
        return base64Url(sha256(json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * DER {@code SEQUENCE { INTEGER r, INTEGER s }} to fixed-width {@code r || s}. Each INTEGER is
     * two's complement (a leading zero byte keeps it positive), so strip that and left-pad.
     */
    static byte[] derToConcatenated(byte[] der) {
        int offset = 0;
        if (der[offset++] != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        offset += lengthOfLength(der, offset);
        byte[] result = new byte[2 * COORDINATE_BYTES];
        for (int part = 0; part < 2; part++) {
            if (der[offset++] != 0x02) {
                throw new IllegalArgumentException("not a DER integer");
            }
            int length = der[offset] & 0xff;
            offset += 1;
            byte[] integer = Arrays.copyOfRange(der, offset, offset + length);
            offset += length;
            byte[] fixed = fixedLength(new BigInteger(1, integer));
            System.arraycopy(fixed, 0, result, part * COORDINATE_BYTES, COORDINATE_BYTES);
        }
        return result;
    }

    /** How many bytes the DER length at {@code offset} occupies (short form, or 0x81 nn). */
    private static int lengthOfLength(byte[] der, int offset) {
        return (der[offset] & 0x80) == 0 ? 1 : 1 + (der[offset] & 0x7f);
    }

    private static byte[] fixedLength(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == COORDINATE_BYTES) {
            return bytes;
        }
        byte[] fixed = new byte[COORDINATE_BYTES];
        if (bytes.length > COORDINATE_BYTES) {
            // only a sign byte can make it longer
            System.arraycopy(bytes, bytes.length - COORDINATE_BYTES, fixed, 0, COORDINATE_BYTES);
        } else {
            System.arraycopy(bytes, 0, fixed, COORDINATE_BYTES - bytes.length, bytes.length);
        }
        return fixed;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
