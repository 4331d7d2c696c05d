package io.approvalguard.stream;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;

/**
 * How the relay retries and keeps records; options of the {@code approval-guard} event listener
 * ({@code --spi-events-listener--approval-guard--<option>}).
 *
 * @param pollIntervalMillis how often a node looks for records written on other nodes (its own
 *     commits wake it at once)
 * @param retryWindowMillis how long a record is retried before it becomes a dead letter
 * @param backoffInitialMillis the delay after the first failure; doubled per failure, with jitter
 * @param backoffMaxMillis the longest delay between two attempts
 * @param retentionMillis how long delivered records are kept before they are purged
 */
public record RelaySettings(
        long pollIntervalMillis,
        long retryWindowMillis,
        long backoffInitialMillis,
        long backoffMaxMillis,
        long retentionMillis) {

    static final Option<Integer> POLL_INTERVAL =
            Option.wholeNumber(
                    "poll-interval-ms",
                    1_000,
                    50,
                    60_000,
                    "How often each node looks for records written on other nodes, in ms; its own commits wake it at once.");
    static final Option<Integer> RETRY_WINDOW =
            Option.wholeNumber(
                    "retry-window-seconds",
                    86_400,
                    60,
                    30 * 86_400,
                    "How long a record is retried before it becomes a dead letter, in seconds.");
    static final Option<Integer> BACKOFF_INITIAL =
            Option.wholeNumber(
                    "backoff-initial-ms",
                    1_000,
                    10,
                    3_600_000,
                    "Delay after a first failed delivery, in ms; doubled per failure, with jitter.");
    static final Option<Integer> BACKOFF_MAX =
            Option.wholeNumber(
                    "backoff-max-ms",
                    300_000,
                    10,
                    86_400_000,
                    "Longest delay between two delivery attempts, in ms; at least "
                            + BACKOFF_INITIAL.name()
                            + ".");
    static final Option<Integer> RETENTION =
            Option.wholeNumber(
                    "retention-seconds",
                    7 * 86_400,
                    0,
                    365 * 86_400,
                    "How long delivered records are kept before they are purged, in seconds.");

    static final List<Option<?>> OPTIONS =
            List.of(POLL_INTERVAL, RETRY_WINDOW, BACKOFF_INITIAL, BACKOFF_MAX, RETENTION);

    public static RelaySettings from(SpiOptions options) {
        RelaySettings settings =
                new RelaySettings(
                        options.get(POLL_INTERVAL),
                        options.get(RETRY_WINDOW) * 1000L,
                        options.get(BACKOFF_INITIAL),
                        options.get(BACKOFF_MAX),
                        options.get(RETENTION) * 1000L);
        if (settings.backoffMaxMillis < settings.backoffInitialMillis) {
            throw options.invalid(
                    BACKOFF_MAX,
                    Long.toString(settings.backoffMaxMillis),
                    "at least " + BACKOFF_INITIAL.name());
        }
        return settings;
    }
}
