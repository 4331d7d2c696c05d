package io.approvalguard.stream.sink.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs deliveries the Standard Webhooks way (https://www.standardwebhooks.com): for every secret,
 * {@code v1,} followed by the base64 HMAC-SHA256, keyed with the base64-decoded part of the secret
 * after {@code whsec_}, of {@code <webhook-id>.<webhook-timestamp>.<body>}. More than one secret
 * (rotation) gives one {@code v1,} entry per secret, separated by spaces; a receiver accepts the
 * delivery when any entry matches a secret it knows.
 *
 * <p>Secrets never appear in a message of this class: errors say which secret (by position) is
 * wrong and why, not what it is.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";

    /** The shortest key accepted, in bytes (Standard Webhooks recommends 24 to 64). */
    public static final int MIN_KEY_BYTES = 24;

    private static final String HMAC = "HmacSHA256";

    private final List<SecretKeySpec> keys;

    private WebhookSigner(List<SecretKeySpec> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * @param secrets {@code whsec_<base64>} secrets, the one to sign with first
     * @throws InvalidSecretException naming the secret's position, never its value
     */
    public static WebhookSigner of(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new InvalidSecretException(0, "at least one secret");
        }
        List<SecretKeySpec> keys = new ArrayList<>();
        for (int i = 0; i < secrets.size(); i++) {
            keys.add(new SecretKeySpec(decode(secrets.get(i), i + 1), HMAC));
        }
        return new WebhookSigner(keys);
    }

    public int secretCount() {
        return keys.size();
    }

    /** The {@code webhook-signature} header value: {@code v1,<sig>} per secret, space-separated. */
    public String signatureHeader(String webhookId, long timestampSeconds, byte[] body) {
        StringBuilder header = new StringBuilder();
        for (SecretKeySpec key : keys) {
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append("v1,").append(sign(key, webhookId, timestampSeconds, body));
        }
        return header.toString();
    }

    /** The three Standard Webhooks headers of one delivery: id, timestamp and signature. */
    public Map<String, String> headers(String webhookId, long timestampSeconds, byte[] body) {
        return Map.of(
                "webhook-id",
                webhookId,
                "webhook-timestamp",
                Long.toString(timestampSeconds),
                "webhook-signature",
                signatureHeader(webhookId, timestampSeconds, body));
    }

    /** One signature: base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}"). */
    static String sign(SecretKeySpec key, String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] decode(String secret, int position) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new InvalidSecretException(position, "a secret starting with " + SECRET_PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidSecretException(
                    position, SECRET_PREFIX + " followed by standard base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new InvalidSecretException(
                    position,
                    SECRET_PREFIX
                            + " followed by base64 of at least "
                            + MIN_KEY_BYTES
                            + " random bytes (this one decodes to "
                            + key.length
                            + ")");
        }
        return key;
    }

    /**
     * A secret that cannot be used; the message names its position and the rule, never the secret.
     */
    public static final class InvalidSecretException extends IllegalArgumentException {

        private final int position;
        private final String expected;

        InvalidSecretException(int position, String expected) {
            super(
                    position == 0
                            ? "no secret given: expected " + expected
                            : "secret " + position + " is not valid: expected " + expected);
            this.position = position;
            this.expected = expected;
        }

        /** 1-based position of the bad secret in the list, or 0 when none was given. */
        public int position() {
            return position;
        }

        public String expected() {
            return expected;
        }
    }
}
