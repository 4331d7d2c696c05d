package io.approvalguard.governance.kinds;

/**
 * What the caller knows about an approved request that a kind needs when applying it.
 *
 * @param requestId the change request's id (time-bound grants record it)
 * @param requesterUserId who filed the request
 * @param breakGlass whether the request is a break-glass change
 * @param maxGrantSeconds the longest a break-glass change may grant a role or group for; applies
 *     only when {@code breakGlass}
 */
public record AppliedBy(
        String requestId, String requesterUserId, boolean breakGlass, long maxGrantSeconds) {

    public AppliedBy {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("a change is applied for a request id");
        }
        if (breakGlass && maxGrantSeconds <= 0) {
            throw new IllegalArgumentException(
                    "a break-glass change needs a positive grant cap, not " + maxGrantSeconds);
        }
    }

    /** How long a grant asked for {@code requestedSeconds} lasts: capped for break-glass. */
    public long grantSeconds(long requestedSeconds) {
        return breakGlass ? Math.min(requestedSeconds, maxGrantSeconds) : requestedSeconds;
    }
}
