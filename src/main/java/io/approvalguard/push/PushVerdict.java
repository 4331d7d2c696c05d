package io.approvalguard.push;

/** What the browser side concludes about its challenge when it asks. */
public enum PushVerdict {
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
    /** No usable approval: missing, bound elsewhere, already used, or a gate closed since. */
    INVALID;

    /** Whether the user may ask for a fresh challenge from the same page. */
    public boolean allowsResend() {
        return this == EXPIRED || this == FAILED || this == SUPERSEDED;
    }
}
