package io.approvalguard.notify;

/**
 * What one attempt to notify a device came to.
 *
 * @param error why it did not succeed, safe to log and to stream (origin, status, error code)
 * @param retryAfterSeconds the push service's Retry-After, 0 when none
 */
public record PushOutcome(Kind kind, String error, long retryAfterSeconds) {

    public enum Kind {
        /** The push service accepted it. */
        DELIVERED,
        /** The address no longer exists (or is not ours to use): it is removed. */
        GONE,
        /** Worth another attempt: no answer, 429, 5xx. */
        RETRY,
        /** Will not work if repeated: the notification is dropped. */
        FAILED
    }

    public static PushOutcome delivered() {
        return new PushOutcome(Kind.DELIVERED, null, 0);
    }

    public static PushOutcome gone(String why) {
        return new PushOutcome(Kind.GONE, why, 0);
    }

    public static PushOutcome retry(String why) {
        return new PushOutcome(Kind.RETRY, why, 0);
    }

    public static PushOutcome retryAfter(long seconds, String why) {
        return new PushOutcome(Kind.RETRY, why, Math.max(0, seconds));
    }

    public static PushOutcome failed(String why) {
        return new PushOutcome(Kind.FAILED, why, 0);
    }
}
