package io.approvalguard.notify;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One notification for one device: that a challenge waits. What a push service sees is only {@link
 * #payload()}: no code, no context, no name, so that the service learns nothing worth stealing. The
 * device fetches the rest over its authenticated API.
 *
 * @param expiresAt when the challenge ends, epoch seconds: no attempt is made after it
 */
public record PushMessage(
        String realmId,
        String realmName,
        String userId,
        String deviceId,
        String challengeId,
        long expiresAt) {

    public static final String TYPE = "challenge_waiting";

    /** {@code {"type":"challenge_waiting","challenge_id":"<id>"}}, in this order. */
    public Map<String, String> payload() {
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("type", TYPE);
        payload.put("challenge_id", challengeId);
        return payload;
    }

    /** {@link #payload()} as UTF-8 JSON (the id is a UUID: nothing to escape). */
    public byte[] payloadJson() {
        return ("{\"type\":\"" + TYPE + "\",\"challenge_id\":\"" + challengeId + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Seconds until the challenge ends, never below 0: a push service's time to live. */
    public int secondsLeft(long nowSeconds) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, expiresAt - nowSeconds));
    }
}
