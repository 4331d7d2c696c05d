package io.approvalguard.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver's check of a delivery, exactly as {@code docs/risk-api.md} ("Verifying webhook
 * deliveries") tells receivers to do it, written independently of the sink's signer:
 *
 * <ol>
 *   <li>read {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature};
 *   <li>the timestamp (unix seconds) must be within the tolerance (5 minutes) of now, either way;
 *   <li>for every accepted secret, HMAC-SHA256 of {@code <id>.<timestamp>.<raw body>} keyed with
 *       the base64-decoded part after {@code whsec_}, base64-encoded, compared in constant time
 *       with each space-separated {@code v1,<signature>} entry; one match is enough;
 *   <li>the body must be JSON;
 *   <li>an id already accepted is a replay (a real receiver answers a redelivery 2xx without
 *       processing it again).
 * </ol>
 *
 * <pre>{@code
 * StandardWebhookVerifier verifier = new StandardWebhookVerifier(List.of(secret));
 * WebhookReceiver.Delivery d = receiver.awaitIds(Set.of(eventId), Duration.ofSeconds(10)).get(eventId);
 * Map<String, Object> cloudEvent = verifier.verify(d.headers(), d.body());   // throws Rejected with the reason
 * }</pre>
 *
 * Thread-safe.
 */
public final class StandardWebhookVerifier {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** Why a delivery was refused. */
    public enum Reason {
        MISSING_HEADER,
        BAD_TIMESTAMP,
        TIMESTAMP_OUT_OF_TOLERANCE,
        NO_MATCHING_SIGNATURE,
        NOT_JSON,
        REPLAY
    }

    /** A refused delivery; the message says why. */
    public static final class Rejected extends RuntimeException {

        private final Reason reason;

        Rejected(Reason reason, String message) {
            super(reason + ": " + message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final List<byte[]> keys = new ArrayList<>();
    private final Duration tolerance;
    private final Clock clock;
    private final Set<String> acceptedIds = new HashSet<>();

    /**
     * @param secrets the {@code whsec_...} secrets accepted (during a rotation: old and new)
     */
    public StandardWebhookVerifier(List<String> secrets) {
        this(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public StandardWebhookVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret");
        }
        for (String secret : secrets) {
            if (!secret.startsWith("whsec_")) {
                throw new IllegalArgumentException("a secret does not start with whsec_");
            }
            keys.add(Base64.getDecoder().decode(secret.substring("whsec_".length())));
        }
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * Checks one delivery and, when it passes, remembers its id.
     *
     * @param headers the request headers (names in any case)
     * @param body the raw body bytes, exactly as received
     * @return the CloudEvent, parsed
     * @throws Rejected with the reason
     */
    public Map<String, Object> verify(Map<String, List<String>> headers, byte[] body) {
        String id = header(headers, "webhook-id");
        String timestamp = header(headers, "webhook-timestamp");
        String signatures = header(headers, "webhook-signature");

        long seconds;
        try {
            if (!timestamp.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException();
            }
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new Rejected(
                    Reason.BAD_TIMESTAMP, "webhook-timestamp is not unix seconds: " + timestamp);
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new Rejected(
                    Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                    "webhook-timestamp "
                            + seconds
                            + " is "
                            + (now - seconds)
                            + " s from now; tolerance "
                            + tolerance.toSeconds()
                            + " s");
        }

        byte[] signedPrefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            byte[] expected = Base64.getEncoder().encode(hmacSha256(key, signedPrefix, body));
            for (String entry : signatures.split(" ")) {
                if (entry.startsWith("v1,")) {
                    byte[] given = entry.substring(3).getBytes(StandardCharsets.US_ASCII);
                    match |= MessageDigest.isEqual(expected, given);
                }
            }
        }
        if (!match) {
            throw new Rejected(
                    Reason.NO_MATCHING_SIGNATURE,
                    "no v1 signature of " + id + " matches an accepted secret");
        }

        Map<String, Object> event;
        try {
            event = Json.readMap(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Rejected(Reason.NOT_JSON, "the body is not a JSON object");
        }

        synchronized (acceptedIds) {
            if (!acceptedIds.add(id)) {
                throw new Rejected(Reason.REPLAY, "webhook-id " + id + " was already accepted");
            }
        }
        return event;
    }

    /** {@link #verify(Map, byte[])} of a delivery the {@link WebhookReceiver} recorded. */
    public Map<String, Object> verify(WebhookReceiver.Delivery delivery) {
        return verify(delivery.headers(), delivery.body());
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null
                    && entry.getKey().equalsIgnoreCase(name)
                    && entry.getValue() != null
                    && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0).trim();
            }
        }
        throw new Rejected(Reason.MISSING_HEADER, "no " + name + " header");
    }

    private static byte[] hmacSha256(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
