package io.approvalguard.governance.watch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the watch did with the changes it recognised, counted on this node: in memory (for tests and
 * log lines) and as the Micrometer counter {@value #METER} with the tag {@code outcome} (exported
 * on Keycloak's {@code /metrics} when metrics are enabled).
 */
public final class WatchCounts {

    public static final String METER = "approval_guard_unapproved_changes";

    /** Recorded in the admin request's own transaction, together with the change. */
    public static final String RECORDED = "recorded";

    /**
     * Recording in the request's transaction failed; recorded in a transaction of its own after.
     */
    public static final String RECORDED_AFTER_COMMIT = "recorded_after_commit";

    /** Recording failed in the request's transaction and again after it: only the log has it. */
    public static final String LOST = "lost";

    /** Recording failed and the admin change itself rolled back: nothing happened to record. */
    public static final String ROLLED_BACK = "rolled_back";

    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong recordedAfterCommit = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong failedInTransaction = new AtomicLong();
    private final MeterRegistry registry;

    public WatchCounts(MeterRegistry registry) {
        this.registry = registry;
    }

    public static WatchCounts global() {
        return new WatchCounts(Metrics.globalRegistry);
    }

    void recorded() {
        count(recorded, RECORDED);
    }

    void failedInTransaction() {
        failedInTransaction.incrementAndGet();
    }

    void recordedAfterCommit() {
        count(recordedAfterCommit, RECORDED_AFTER_COMMIT);
    }

    void lost() {
        count(lost, LOST);
    }

    void rolledBack() {
        count(rolledBack, ROLLED_BACK);
    }

    private void count(AtomicLong local, String outcome) {
        local.incrementAndGet();
        if (registry != null) {
            Counter.builder(METER)
                    .description(
                            "Sensitive changes made around the governed path through Keycloak's"
                                    + " admin API, by what became of their audit record")
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment();
        }
    }

    public long recordedCount() {
        return recorded.get();
    }

    public long failedInTransactionCount() {
        return failedInTransaction.get();
    }

    public long recordedAfterCommitCount() {
        return recordedAfterCommit.get();
    }

    public long lostCount() {
        return lost.get();
    }

    public long rolledBackCount() {
        return rolledBack.get();
    }
}
