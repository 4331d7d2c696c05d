package io.approvalguard.notify.webpush;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/** NIST P-256 keys in the raw forms Web Push uses: a 32-byte scalar and a 65-byte point. */
final class P256 {

    static final int POINT_LENGTH = 65;
    static final int SCALAR_LENGTH = 32;
    static final ECParameterSpec PARAMS = params();

    private P256() {}

    /**
     * The uncompressed point {@code 0x04 || x || y}, checked to lie on the curve (a point off the
     * curve would leak the private scalar through ECDH, the invalid-curve attack).
     */
    static ECPublicKey publicKey(byte[] point) {
        if (point == null || point.length != POINT_LENGTH || point[0] != 0x04) {
            throw new IllegalArgumentException("not an uncompressed P-256 point (65 bytes, 0x04)");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
        if (!onCurve(x, y)) {
            throw new IllegalArgumentException("not a point of the P-256 curve");
        }
        try {
            return (ECPublicKey)
                    KeyFactory.getInstance("EC")
                            .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 public key", e);
        }
    }

    static ECPrivateKey privateKey(byte[] scalar) {
        if (scalar == null || scalar.length != SCALAR_LENGTH) {
            throw new IllegalArgumentException("not a P-256 private scalar (32 bytes)");
        }
        BigInteger d = new BigInteger(1, scalar);
        if (d.signum() == 0 || d.compareTo(PARAMS.getOrder()) >= 0) {
            throw new IllegalArgumentException("not a P-256 private scalar (out of range)");
        }
        try {
            return (ECPrivateKey)
                    KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 private key", e);
        }
    }

    static byte[] point(ECPublicKey key) {
        byte[] out = new byte[POINT_LENGTH];
        out[0] = 0x04;
        fixed(key.getW().getAffineX(), out, 1);
        fixed(key.getW().getAffineY(), out, 33);
        return out;
    }

    static byte[] scalar(ECPrivateKey key) {
        byte[] out = new byte[SCALAR_LENGTH];
        fixed(key.getS(), out, 0);
        return out;
    }

    static byte[] fromBase64Url(String text) {
        // the browser's PushSubscription and most tools write base64url without padding; accept it
        String unpadded = text.endsWith("=") ? text.replaceAll("=+$", "") : text;
        return Base64.getUrlDecoder().decode(unpadded);
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean onCurve(BigInteger x, BigInteger y) {
        BigInteger p = ((ECFieldFp) PARAMS.getCurve().getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right =
                x.pow(3)
                        .add(PARAMS.getCurve().getA().multiply(x))
                        .add(PARAMS.getCurve().getB())
                        .mod(p);
        return left.equals(right);
    }

    private static void fixed(BigInteger value, byte[] out, int offset) {
        byte[] raw = value.toByteArray();
        int start = raw.length > 32 ? raw.length - 32 : 0;
        int length = raw.length - start;
        System.arraycopy(raw, start, out, offset + 32 - length, length);
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }
}
