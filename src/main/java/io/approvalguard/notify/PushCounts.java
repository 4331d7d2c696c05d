package io.approvalguard.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * Push outcomes as Micrometer counters (exported on Keycloak's {@code /metrics} when metrics are
 * enabled): {@value #METER} with tags {@code provider} and {@code outcome}, and {@value
 * #RETRIES_METER} with {@code provider}.
 */
public final class PushCounts {

    public static final String METER = "approval_guard_push_notifications";
    public static final String RETRIES_METER = "approval_guard_push_retries";

    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String GONE = "gone";

    /** Not attempted: the queue was full, or the provider is not on this server. */
    public static final String DROPPED = "dropped";

    private final MeterRegistry registry;

    public PushCounts(MeterRegistry registry) {
        this.registry = registry;
    }

    public static PushCounts global() {
        return new PushCounts(Metrics.globalRegistry);
    }

    void counted(String provider, String outcome) {
        registry.counter(METER, "provider", provider, "outcome", outcome).increment();
    }

    void retried(String provider) {
        registry.counter(RETRIES_METER, "provider", provider).increment();
    }

    static String outcomeOf(PushOutcome outcome) {
        return switch (outcome.kind()) {
            case DELIVERED -> SENT;
            case GONE -> GONE;
            case RETRY, FAILED -> FAILED;
        };
    }
}
