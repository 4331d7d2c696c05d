package io.approvalguard.challenge;

import java.util.Locale;

/** Life of a challenge: it starts pending and leaves that state exactly once. */
public enum ChallengeStatus {
    PENDING,
    /** The device approved it; the browser may now complete the login once. */
    APPROVED,
    DENIED,
    /** "This wasn't me": the user reports that they did not start this sign-in. */
    FRAUD,
    /** A wrong code was typed on the device; the challenge is spent. */
    FAILED,
    EXPIRED,
    /** A newer challenge for the same user replaced it. */
    SUPERSEDED,
    /** The person signing in cancelled on the sign-in page. */
    CANCELLED,
    /** The approval completed a login; it cannot be used again. */
    CONSUMED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isPending() {
        return this == PENDING;
    }
}
