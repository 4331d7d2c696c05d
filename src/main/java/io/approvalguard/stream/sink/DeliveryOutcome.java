package io.approvalguard.stream.sink;

/**
 * What became of one record at a sink. A sink never throws for a record it could not deliver: it
 * says so here, and the relay retries, dead-letters or pauses the sink.
 *
 * @param retryAfterSeconds the earliest retry the receiver asked for ({@code Retry-After}), or 0
 * @param error a short reason for the operator (no payload, no secrets), or null
 */
public record DeliveryOutcome(Kind kind, long retryAfterSeconds, String error) {

    public enum Kind {
        /** The receiver has it. */
        DELIVERED,
        /** Not now: retry with back-off until the retry window ends, then dead-letter. */
        RETRY,
        /**
         * The receiver said the endpoint is gone for good (HTTP 410): pause the sink until an
         * operator resumes it.
         */
        SINK_GONE
    }

    private static final DeliveryOutcome DELIVERED = new DeliveryOutcome(Kind.DELIVERED, 0, null);

    public static DeliveryOutcome delivered() {
        return DELIVERED;
    }

    public static DeliveryOutcome retry(String error) {
        return new DeliveryOutcome(Kind.RETRY, 0, error);
    }

    public static DeliveryOutcome retryAfter(long seconds, String error) {
        return new DeliveryOutcome(Kind.RETRY, Math.max(0, seconds), error);
    }

    public static DeliveryOutcome gone(String error) {
        return new DeliveryOutcome(Kind.SINK_GONE, 0, error);
    }
}
