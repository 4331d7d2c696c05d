package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.testkit.WebPushDecryption;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WebPushEncryptionTest {

    private static byte[] b64(String text) {
        return P256.fromBase64Url(text);
    }

    @Test
    void reproducesRfc8291AppendixA() {
        byte[] body =
                WebPushEncryption.encrypt(
                        Rfc8291.PLAINTEXT.getBytes(StandardCharsets.UTF_8),
                        b64(Rfc8291.UA_PUBLIC),
                        b64(Rfc8291.AUTH),
                        Rfc8291.senderKeys(),
                        b64(Rfc8291.SALT));

        assertEquals(Rfc8291.BODY, P256.base64Url(body));
    }

    @Test
    void theTestDecryptionReadsTheRfcExample() throws Exception {
        byte[] plaintext =
                WebPushDecryption.decrypt(
                        b64(Rfc8291.BODY),
                        WebPushDecryption.privateKey(b64(Rfc8291.UA_PRIVATE)),
                        b64(Rfc8291.UA_PUBLIC),
                        b64(Rfc8291.AUTH));

        assertEquals(Rfc8291.PLAINTEXT, new String(plaintext, StandardCharsets.UTF_8));
    }

    @Test
    void aFreshSubscriptionDecryptsWhatItWasSentAndEachMessageIsNew() throws Exception {
        KeyPair browser = WebPushDecryption.newKeyPair();
        byte[] p256dh = WebPushDecryption.point(browser.getPublic());
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        byte[] payload = "{\"type\":\"challenge_waiting\",\"challenge_id\":\"c1\"}".getBytes();
        WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());

        byte[] first = encryption.encrypt(payload, p256dh, auth);
        byte[] second = encryption.encrypt(payload, p256dh, auth);

        assertArrayEquals(
                payload, WebPushDecryption.decrypt(first, browser.getPrivate(), p256dh, auth));
        assertArrayEquals(
                payload, WebPushDecryption.decrypt(second, browser.getPrivate(), p256dh, auth));
        // fresh salt and sender key each time: equal payloads do not look equal on the wire
        assertFalse(Arrays.equals(Arrays.copyOf(first, 16), Arrays.copyOf(second, 16)));
        assertEquals(16 + 4 + 1 + 65 + payload.length + 1 + 16, first.length);
    }

    @Test
    void refusesAPointOffTheCurveAndAPayloadBeyondOneRecord() {
        WebPushEncryption encryption = new WebPushEncryption(new SecureRandom());
        byte[] offCurve = b64(Rfc8291.UA_PUBLIC);
        offCurve[64] ^= 1;
        byte[] auth = b64(Rfc8291.AUTH);

        assertThrows(
                IllegalArgumentException.class,
                () -> encryption.encrypt(new byte[1], offCurve, auth));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        encryption.encrypt(
                                new byte[WebPushEncryption.MAX_PLAINTEXT + 1],
                                b64(Rfc8291.UA_PUBLIC),
                                auth));
        assertThrows(
                IllegalArgumentException.class,
                () -> encryption.encrypt(new byte[1], b64(Rfc8291.UA_PUBLIC), new byte[15]));
    }
}
