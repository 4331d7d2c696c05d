package io.approvalguard.fatigue;

/**
 * The throttle's answer to "may this user be prompted now?". An admitted prompt has taken its
 * claims (quota, spacing, IP) and holds the user's prompt lock until its transaction ends.
 */
public final class Admission {

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

    private Admission(Refusal refusal, long retryAfterSeconds, boolean quiet, boolean suspicious) {
        this.refusal = refusal;
        this.retryAfterSeconds = retryAfterSeconds;
        this.quiet = quiet;
        this.suspicious = suspicious;
    }

    static Admission admitted(boolean quiet, boolean suspicious) {
        return new Admission(null, 0, quiet, suspicious);
    }

    static Admission refused(Refusal refusal, long retryAfterSeconds) {
        return new Admission(refusal, Math.max(0, retryAfterSeconds), false, true);
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

    /**
     * The user's recent history (denials, timeouts, wrong codes, throttle hits) calls for more
     * care.
     */
    public boolean suspicious() {
        return suspicious;
    }
}
