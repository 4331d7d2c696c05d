package io.approvalguard.stream;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a failed record again: exponential back-off with jitter (so a recovering receiver is
 * not hit by every node at the same instant), never earlier than the receiver's Retry-After, and a
 * dead letter once the retry window is over.
 */
public final class RetryPolicy {

    private final RelaySettings settings;

    public RetryPolicy(RelaySettings settings) {
        this.settings = settings;
    }

    /** The delay after the given number of failed attempts (1 = the first failure). */
    public long backoffMillis(int failures, double jitter) {
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        double exponential = settings.backoffInitialMillis() * Math.pow(2, doublings);
        long capped = (long) Math.min(exponential, settings.backoffMaxMillis());
        // "equal jitter": between half and all of the delay
        return capped / 2 + (long) (capped / 2.0 * jitter);
    }

    public long nextAttemptAt(long now, int failures, long retryAfterSeconds) {
        long delay = backoffMillis(failures, ThreadLocalRandom.current().nextDouble());
        return now + Math.max(delay, Math.min(retryAfterSeconds, 86_400L) * 1000);
    }

    public boolean isExhausted(long retrySince, long now) {
        return now - retrySince >= settings.retryWindowMillis();
    }
}
