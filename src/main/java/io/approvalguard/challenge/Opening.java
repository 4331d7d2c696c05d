package io.approvalguard.challenge;

import io.approvalguard.fatigue.Admission;

/**
 * The outcome of asking for a new challenge: opened (with the code to show on the binding's page
 * only, and whether the device was left unnotified), refused by a gate or the throttle, or refused
 * because the client's request cannot be shown faithfully.
 */
public record Opening(
        Challenge challenge,
        String code,
        boolean quiet,
        ApprovalGates.Closed closed,
        Admission.Refusal refusal,
        long retryAfterSeconds,
        String invalidRequest) {

    public boolean isOpened() {
        return challenge != null;
    }

    /**
     * The client's request cannot be shown faithfully (for example malformed
     * authorization_details).
     */
    public boolean isInvalidRequest() {
        return invalidRequest != null;
    }

    /**
     * A gate is closed for this user (suspended, locked, no active device): no prompt, nothing
     * spent.
     */
    public boolean isClosed() {
        return closed != null;
    }

    static Opening opened(Challenge challenge, String code, boolean quiet) {
        return new Opening(challenge, code, quiet, null, null, 0, null);
    }

    static Opening closedBy(ApprovalGates.Closed closed) {
        return new Opening(null, null, false, closed, null, 0, null);
    }

    static Opening throttled(Admission admission) {
        return new Opening(
                null, null, false, null, admission.refusal(), admission.retryAfterSeconds(), null);
    }

    static Opening invalidRequest(String reason) {
        return new Opening(null, null, false, null, null, 0, reason);
    }
}
