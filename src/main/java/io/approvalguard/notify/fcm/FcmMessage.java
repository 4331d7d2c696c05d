package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * The FCM HTTP v1 request body for one device. The data is the only payload any provider sends; the
 * visible notification is the same fixed text for everyone (no user, client, place or code), so
 * that a phone whose app is not running still rings, and FCM, Google and Apple learn only that some
 * request waits. Both expire with the challenge, so a late phone shows nothing stale.
 */
final class FcmMessage {

    static final String TITLE = "Sign-in approval";
    static final String BODY = "A request waits for your approval. Open the app to review it.";

    private FcmMessage() {}

    /**
     * @param secondsLeft the challenge's remaining life, at least 1
     */
    static byte[] body(PushMessage message, String registrationToken, int secondsLeft) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("token", registrationToken);
        inner.put("data", message.payload());
        inner.put("notification", Map.of("title", TITLE, "body", BODY));
        inner.put("android", Map.of("priority", "HIGH", "ttl", secondsLeft + "s"));
        inner.put(
                "apns",
                Map.of(
                        "headers",
                        Map.of(
                                "apns-priority",
                                "10",
                                "apns-expiration",
                                Long.toString(message.expiresAt()))));
        try {
            return JsonSerialization.writeValueAsBytes(Map.of("message", inner));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
