package io.approvalguard.notify;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;

/**
 * How one push provider sends: the same options for each ({@code
 * --spi-approval-guard-notifier--<provider>--<option>}), declared here once.
 *
 * @param maxConcurrentSends notifications in flight at once; the rest wait in the queue
 * @param queueCapacity notifications waiting; beyond it a notification is dropped (the device still
 *     pulls)
 * @param connectTimeoutMs longest wait for a connection
 * @param timeoutMs hard deadline of one attempt, answer included
 * @param maxAttempts attempts per notification, the first included
 * @param backoffInitialMs wait before the second attempt; doubles after each
 */
public record PushQueueSettings(
        int maxConcurrentSends,
        int queueCapacity,
        int connectTimeoutMs,
        int timeoutMs,
        int maxAttempts,
        int backoffInitialMs) {

    public static final Option<Integer> MAX_CONCURRENT_SENDS =
            Option.wholeNumber(
                    "max-concurrent-sends",
                    4,
                    1,
                    64,
                    "Notifications this provider sends at once on this node; the rest wait in its queue.");
    public static final Option<Integer> QUEUE_CAPACITY =
            Option.wholeNumber(
                    "queue-capacity",
                    1_000,
                    1,
                    100_000,
                    "Notifications that may wait on this node; beyond it one is dropped (and counted): the device still finds the challenge by asking.");
    public static final Option<Integer> TIMEOUT_MS =
            Option.wholeNumber(
                    "timeout-ms",
                    5_000,
                    100,
                    60_000,
                    "Hard deadline of one attempt, answer included, in milliseconds: it is aborted then.");
    public static final Option<Integer> CONNECT_TIMEOUT_MS =
            Option.wholeNumber(
                    "connect-timeout-ms",
                    2_000,
                    100,
                    60_000,
                    "Longest wait for a connection, in milliseconds; at most timeout-ms.");
    public static final Option<Integer> MAX_ATTEMPTS =
            Option.wholeNumber(
                    "max-attempts",
                    3,
                    1,
                    10,
                    "Attempts per notification when the push service does not answer or answers 429 or 5xx; never after the challenge has ended.");
    public static final Option<Integer> BACKOFF_INITIAL_MS =
            Option.wholeNumber(
                    "backoff-initial-ms",
                    1_000,
                    10,
                    60_000,
                    "Wait before the second attempt, in milliseconds; it doubles after each, and a longer Retry-After is honoured.");

    public static final List<Option<?>> OPTIONS =
            List.of(
                    MAX_CONCURRENT_SENDS,
                    QUEUE_CAPACITY,
                    TIMEOUT_MS,
                    CONNECT_TIMEOUT_MS,
                    MAX_ATTEMPTS,
                    BACKOFF_INITIAL_MS);

    public static PushQueueSettings read(SpiOptions options) {
        return new PushQueueSettings(
                options.get(MAX_CONCURRENT_SENDS),
                options.get(QUEUE_CAPACITY),
                options.atMost(CONNECT_TIMEOUT_MS, TIMEOUT_MS),
                options.get(TIMEOUT_MS),
                options.get(MAX_ATTEMPTS),
                options.get(BACKOFF_INITIAL_MS));
    }

    /** The wait after the given number of failed attempts: doubling, with "equal jitter". */
    long backoffMillis(int failures, double jitter) {
        long delay = (long) Math.min(backoffInitialMs * Math.pow(2, failures - 1), 3_600_000);
        return delay / 2 + (long) (delay / 2.0 * jitter);
    }
}
