package io.approvalguard.notify.webpush;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web Push message encryption (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188): a
 * fresh sender key pair and salt per message, one record, JDK crypto only.
 */
public final class WebPushEncryption {

    /** The record size written in the header; one record holds the whole (small) payload. */
    static final int RECORD_SIZE = 4096;

    /** AES-GCM tag and the padding delimiter take 17 bytes of the record. */
    static final int MAX_PLAINTEXT = RECORD_SIZE - 16 - 1;

    private static final byte LAST_RECORD = 0x02;
    private static final byte[] KEY_INFO = ascii("WebPush: info\0");
    private static final byte[] CEK_INFO = ascii("Content-Encoding: aes128gcm\0\1");
    private static final byte[] NONCE_INFO = ascii("Content-Encoding: nonce\0\1");

    private final SecureRandom random;

    public WebPushEncryption(SecureRandom random) {
        this.random = random;
    }

    /**
     * The request body for a subscription.
     *
     * @param userAgentPublic the subscription's {@code p256dh}, a 65-byte uncompressed point
     * @param authSecret the subscription's {@code auth}, 16 bytes
     */
    public byte[] encrypt(byte[] plaintext, byte[] userAgentPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return encrypt(plaintext, userAgentPublic, authSecret, newSenderKeys(), salt);
    }

    /** With a given sender key pair and salt: only for the RFC's test vector. */
    static byte[] encrypt(
            byte[] plaintext,
            byte[] userAgentPublic,
            byte[] authSecret,
            KeyPair sender,
            byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a Web Push payload fits one 4096-byte record");
        }
        if (authSecret.length != 16 || salt.length != 16) {
            throw new IllegalArgumentException("auth secret and salt are 16 bytes");
        }
        ECPublicKey userAgent = P256.publicKey(userAgentPublic);
        byte[] senderPublic = P256.point((ECPublicKey) sender.getPublic());
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(sender.getPrivate());
            agreement.doPhase(userAgent, true);
            byte[] ecdhSecret = agreement.generateSecret();

            byte[] prkKey = hmac(authSecret, ecdhSecret);
            byte[] ikm =
                    hmac(prkKey, concat(KEY_INFO, userAgentPublic, senderPublic, new byte[] {1}));
            byte[] prk = hmac(salt, ikm);
            byte[] cek = Arrays.copyOf(hmac(prk, CEK_INFO), 16);
            byte[] nonce = Arrays.copyOf(hmac(prk, NONCE_INFO), 12);

            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(cek, "AES"),
                    new GCMParameterSpec(128, nonce));
            byte[] ciphertext = cipher.doFinal(concat(plaintext, new byte[] {LAST_RECORD}));

            ByteBuffer header = ByteBuffer.allocate(16 + 4 + 1 + senderPublic.length);
            header.put(salt).putInt(RECORD_SIZE).put((byte) senderPublic.length).put(senderPublic);
            return concat(header.array(), ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Web Push encryption failed", e);
        }
    }

    private static KeyPair newSenderKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256.PARAMS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
