package io.approvalguard.testkit;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The browser's side of Web Push encryption (RFC 8291, aes128gcm of RFC 8188), written apart from
 * the server's code so that a test of one checks the other: decrypts what a push service received
 * with the subscription's private key and auth secret.
 */
public final class WebPushDecryption {

    private static final ECParameterSpec P256 = p256();

    private WebPushDecryption() {}

    /** Why a body could not be decrypted. */
    public static final class NotDecryptable extends Exception {
        NotDecryptable(String message) {
            super(message);
        }
    }

    /**
     * @param userAgentPrivate the subscription's private key
     * @param userAgentPublic the subscription's {@code p256dh}, raw
     * @param authSecret the subscription's {@code auth}, raw
     */
    public static byte[] decrypt(
            byte[] body, PrivateKey userAgentPrivate, byte[] userAgentPublic, byte[] authSecret)
            throws NotDecryptable {
        if (body.length < 21) {
            throw new NotDecryptable("shorter than the aes128gcm header");
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        int recordSize = in.getInt();
        int idLength = in.get() & 0xff;
        if (idLength != 65 || in.remaining() < idLength + 17) {
            throw new NotDecryptable("key id is not a 65-byte P-256 point");
        }
        byte[] senderPublic = new byte[idLength];
        in.get(senderPublic);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (ciphertext.length > recordSize) {
            throw new NotDecryptable("more than one record (rs " + recordSize + ")");
        }
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(userAgentPrivate);
            agreement.doPhase(publicKey(senderPublic), true);
            byte[] ecdh = agreement.generateSecret();
            byte[] prkKey = hmac(authSecret, ecdh);
            byte[] keyInfo =
                    join(
                            "WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
                            userAgentPublic,
                            senderPublic,
                            new byte[] {1});
            byte[] prk = hmac(salt, hmac(prkKey, keyInfo));
            byte[] cek =
                    Arrays.copyOf(
                            hmac(
                                    prk,
                                    "Content-Encoding: aes128gcm\0\1"
                                            .getBytes(StandardCharsets.US_ASCII)),
                            16);
            byte[] nonce =
                    Arrays.copyOf(
                            hmac(
                                    prk,
                                    "Content-Encoding: nonce\0\1"
                                            .getBytes(StandardCharsets.US_ASCII)),
                            12);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(cek, "AES"),
                    new GCMParameterSpec(128, nonce));
            return unpad(cipher.doFinal(ciphertext));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new NotDecryptable("does not decrypt: " + e.getClass().getSimpleName());
        }
    }

    /** A fresh subscription key pair, as a browser makes one. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code 0x04 || x || y} */
    public static byte[] point(PublicKey key) {
        ECPoint w = ((ECPublicKey) key).getW();
        return join(new byte[] {4}, fixed32(w.getAffineX()), fixed32(w.getAffineY()));
    }

    public static PublicKey publicKey(byte[] point) {
        try {
            ECPoint w =
                    new ECPoint(
                            new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
                            new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static PrivateKey privateKey(byte[] scalar) {
        try {
            return KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static byte[] b64(String base64Url) {
        return Base64.getUrlDecoder().decode(base64Url);
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The last record ends in 0x02, then zero or more 0x00 of padding. */
    private static byte[] unpad(byte[] record) throws NotDecryptable {
        int end = record.length - 1;
        while (end >= 0 && record[end] == 0) {
            end--;
        }
        if (end < 0 || record[end] != 2) {
            throw new NotDecryptable("no last-record delimiter 0x02");
        }
        return Arrays.copyOf(record, end);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int length = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - length, out, 32 - length, length);
        return out;
    }

    private static byte[] join(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(length);
        Arrays.stream(parts).forEach(out::put);
        return out.array();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
