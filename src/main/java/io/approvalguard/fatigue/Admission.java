package io.approvalguard.fatigue;

/**
 * The throttle's answer to "may this user be prompted now?". An admitted prompt holds the user's
 * prompt lock until {@link #close()}, so that creating the challenge is serialised per user.
 */
public final class Admission implements AutoCloseable {

    /** Why a prompt was refused. */
    public enum Refusal {
        QUOTA_SPENT,
        TOO_SOON,
        BACKING_OFF,
        IP_LIMIT,
        /** Another prompt for the same user is being created this very moment. */
        BUSY
    }

    private final Refusal refusal;
    private final long retryAfterSeconds;
    private final boolean quiet;
    private final boolean suspicious;
    private final Runnable release;

    private Admission(Refusal refusal, long retryAfterSeconds, boolean quiet, boolean suspicious, Runnable release) {
        this.refusal = refusal;
        this.retryAfterSeconds = retryAfterSeconds;
        this.quiet = quiet;
        this.suspicious = suspicious;
        this.release = release;
    }

    static Admission admitted(boolean quiet, boolean suspicious, Runnable release) {
        return new Admission(null, 0, quiet, suspicious, release);
    }

    static Admission refused(Refusal refusal, long retryAfterSeconds, Runnable release) {
        return new Admission(refusal, Math.max(0, retryAfterSeconds), false, true, release);
    }

    public boolean isAdmitted() {
        return refusal == null;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** Seconds until a prompt may be admitted again, when that is known; else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Create the challenge without notifying the device: prompts look like an attack. */
    public boolean quiet() {
        return quiet;
    }

    /** The user's recent history (denials, timeouts, wrong codes, throttle hits) calls for more care. */
    public boolean suspicious() {
        return suspicious;
    }

    @Override
    public void close() {
        release.run();
    }
}
