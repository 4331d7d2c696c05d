package io.approvalguard.stream;

import io.approvalguard.support.config.SpiOptions;

/**
 * How the relay retries and keeps records; options of the {@code approval-guard} event listener
 * ({@code --spi-events-listener--approval-guard--<option>}).
 *
 * @param pollIntervalMillis how often a node looks for records written on other nodes (its own
 *                           commits wake it at once)
 * @param retryWindowMillis  how long a record is retried before it becomes a dead letter
 * @param backoffInitialMillis the delay after the first failure; doubled per failure, with jitter
 * @param backoffMaxMillis   the longest delay between two attempts
 * @param retentionMillis    how long delivered records are kept before they are purged
 */
public record RelaySettings(long pollIntervalMillis, long retryWindowMillis, long backoffInitialMillis,
        long backoffMaxMillis, long retentionMillis) {

    public static final String POLL_INTERVAL = "poll-interval-ms";
    public static final String RETRY_WINDOW = "retry-window-seconds";
    public static final String BACKOFF_INITIAL = "backoff-initial-ms";
    public static final String BACKOFF_MAX = "backoff-max-ms";
    public static final String RETENTION = "retention-seconds";

    public static RelaySettings from(SpiOptions options) {
        RelaySettings settings = new RelaySettings(
                options.longValue(POLL_INTERVAL, 1_000, 50, 60_000),
                options.longValue(RETRY_WINDOW, 86_400, 60, 30L * 86_400) * 1000,
                options.longValue(BACKOFF_INITIAL, 1_000, 10, 3_600_000),
                options.longValue(BACKOFF_MAX, 300_000, 10, 86_400_000),
                options.longValue(RETENTION, 7 * 86_400, 0, 365L * 86_400) * 1000);
        if (settings.backoffMaxMillis < settings.backoffInitialMillis) {
            throw options.invalid(BACKOFF_MAX, Long.toString(settings.backoffMaxMillis), "at least " + BACKOFF_INITIAL);
        }
        return settings;
    }
}
