package io.approvalguard.device;

import io.approvalguard.support.json.CanonicalJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's EC P-256 public key with its pinned algorithm. Built only from the four JWK members
 * that define the key, and only for a point that lies on the curve.
 */
public final class DeviceKey {

    public static final String ALGORITHM = "ES256";

    private static final ECParameterSpec P256 = p256();

    private final Map<String, String> jwk;
    private final ECPublicKey publicKey;
    private final String algorithm;

    private DeviceKey(Map<String, String> jwk, ECPublicKey publicKey, String algorithm) {
        this.jwk = jwk;
        this.publicKey = publicKey;
        this.algorithm = algorithm;
    }

    /**
     * Parses a JWK sent by a device.
     *
     * @throws IllegalArgumentException with a message fit for the client when it is not a P-256 key
     */
    public static DeviceKey fromJwk(Object jwkObject) {
        return parse(jwkObject, true);
    }

    /**
     * A key as stored at enrolment. Loaded without the check that each coordinate is the one
     * base64url text of its bytes, which enrolments accepted before it existed: a stored device
     * keeps working under the thumbprint it was enrolled with.
     */
    static DeviceKey fromStoredJwk(Map<String, String> jwk, String algorithm) {
        DeviceKey parsed = parse(jwk, false);
        return new DeviceKey(parsed.jwk, parsed.publicKey, algorithm);
    }

    private static DeviceKey parse(Object jwkObject, boolean requireCanonical) {
        if (!(jwkObject instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("public_key must be a JWK object");
        }
        if (!"EC".equals(raw.get("kty")) || !"P-256".equals(raw.get("crv"))) {
            throw new IllegalArgumentException("public_key must be an EC key on curve P-256");
        }
        BigInteger x = coordinate(raw.get("x"), "x", requireCanonical);
        BigInteger y = coordinate(raw.get("y"), "y", requireCanonical);
        if (!isOnCurve(x, y)) {
            throw new IllegalArgumentException("public_key is not a point on P-256");
        }
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", (String) raw.get("x"));
        jwk.put("y", (String) raw.get("y"));
        return new DeviceKey(jwk, toPublicKey(x, y), ALGORITHM);
    }

    public Map<String, String> jwk() {
        return jwk;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String algorithm() {
        return algorithm;
    }

    /** RFC 7638 JWK thumbprint (SHA-256, base64url). */
    public String thumbprint() {
        String canonical =
                "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
                        + jwk.get("x")
                        + "\",\"y\":\""
                        + jwk.get("y")
                        + "\"}";
        return CanonicalJson.sha256Base64Url(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private static BigInteger coordinate(Object value, String name, boolean requireCanonical) {
        if (!(value instanceof String s) || s.length() != 43) {
            throw new IllegalArgumentException(
                    "public_key." + name + " must be 32 bytes in base64url");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key." + name + " is not base64url");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(
                    "public_key." + name + " must be 32 bytes in base64url");
        }
        // 43 characters carry 258 bits: the decoder ignores the last 2, so four texts would name
        // one key, each with its own thumbprint (RFC 7638). Only the one with those bits zero is
        // taken.
        if (requireCanonical
                && !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(s)) {
            throw new IllegalArgumentException(
                    "public_key."
                            + name
                            + " is not canonical base64url: the unused bits of its last character must be zero");
        }
        return new BigInteger(1, bytes);
    }

    private static boolean isOnCurve(BigInteger x, BigInteger y) {
        EllipticCurve curve = P256.getCurve();
        BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.modPow(BigInteger.TWO, p);
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    private static ECPublicKey toPublicKey(BigInteger x, BigInteger y) {
        try {
            return (ECPublicKey)
                    KeyFactory.getInstance("EC")
                            .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public_key is not a valid P-256 key");
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is not available", e);
        }
    }
}
