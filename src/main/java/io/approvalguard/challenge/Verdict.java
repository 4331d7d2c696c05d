package io.approvalguard.challenge;

/** What the engine concludes about a challenge when its binding asks to spend it. */
public enum Verdict {
    /** Approved, every gate re-checked, and the approval spent for this login. */
    APPROVED,
    PENDING,
    DENIED,
    FRAUD,
    /** A wrong code was typed on the device. */
    FAILED,
    EXPIRED,
    /** A newer challenge for the same user replaced this one. */
    SUPERSEDED,
    /**
     * Approved, but push has been suspended for the user since (a risk response, possibly to this
     * very approval).
     */
    SUSPENDED,
    /** Approved, but the user has been disabled or locked by brute-force protection since. */
    LOCKED,
    /**
     * No usable approval: missing, bound elsewhere, for another purpose, already used, or its
     * device gone since.
     */
    INVALID;

    /** Whether the user may ask for a fresh challenge from the same page. */
    public boolean allowsResend() {
        return this == EXPIRED || this == FAILED || this == SUPERSEDED;
    }

    /** The verdict for an approval that a gate closed on after it was given. */
    static Verdict refusedBy(ApprovalGates.Closed closed) {
        return switch (closed) {
            case PUSH_SUSPENDED -> SUSPENDED;
            case USER_DISABLED, USER_LOCKED -> LOCKED;
            default -> INVALID;
        };
    }
}
